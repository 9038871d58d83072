"""Fuzzing every input reader: whatever the bytes, rows or a one-line WarwireError."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warwire.errors import WarwireError
from warwire.prediction.inputs import iter_articles

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(["id", "text", "x"]), children, max_size=3),
    max_leaves=8,
)


def read_all(path):
    try:
        return list(iter_articles([str(path)], warn=lambda message: None))
    except WarwireError as error:
        assert "\n" not in str(error) and str(error)
        return None


@SETTINGS
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".txt", ".html", ".jsonl", ".csv"]))
def test_random_bytes_give_articles_or_one_line(tmp_path, data, suffix):
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    articles = read_all(path)
    assert articles is None or all(isinstance(a.text, str) for a in articles)


@SETTINGS
@given(records=st.lists(JSON_VALUES, max_size=5))
def test_random_jsonl_structures_give_articles_or_one_line(tmp_path, records):
    path = tmp_path / "input.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    read_all(path)


@SETTINGS
@given(
    header=st.lists(st.sampled_from(["id", "text", "other", ""]), min_size=1, max_size=4),
    cells=st.lists(st.lists(st.text(max_size=15), max_size=5), max_size=5),
)
def test_random_csv_structures_give_articles_or_one_line(tmp_path, header, cells):
    import csv

    path = tmp_path / "input.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(cells)
    read_all(path)
