"""Property tests: whatever the text, what warwire writes reads back the same, and
what users feed in (JSONL, CSV) is read as written."""

import csv
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warwire.labels import LABELS
from warwire.prediction.inputs import iter_articles
from warwire.prediction.outputs import open_rows

# Any text a scraper could hand us, minus lone surrogates (not encodable as UTF-8).
TEXT = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=80)
IDS = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\n"), min_size=1, max_size=12)

ROWS = st.lists(
    st.fixed_dictionaries(
        {
            "article_id": IDS,
            "sentence_index": st.integers(0, 500),
            "start": st.integers(0, 10_000),
            "end": st.integers(0, 10_000),
            "text": TEXT,
            "labels": st.lists(st.sampled_from(LABELS), unique=True),
            "scores": st.fixed_dictionaries({label: st.floats(0, 1) for label in LABELS}),
            "killed": st.none() | st.integers(0, 10_000),
            "injured": st.none() | st.integers(0, 10_000),
        }
    ),
    max_size=8,
)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(rows=ROWS)
def test_jsonl_output_round_trips(tmp_path, rows):
    path = tmp_path / "out.jsonl"
    with open_rows(path) as writer:
        for row in rows:
            writer.write(row)
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines.pop() == ""  # every row ends with a newline
    assert [json.loads(line) for line in lines] == rows


@SETTINGS
@given(rows=ROWS)
def test_csv_output_round_trips(tmp_path, rows):
    path = tmp_path / "out.csv"
    with open_rows(path) as writer:
        for row in rows:
            writer.write(row)
    with path.open(encoding="utf-8", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert [r["text"] for r in read] == [r["text"] for r in rows]
    assert [r["labels"].split(";") if r["labels"] else [] for r in read] == [r["labels"] for r in rows]
    assert [json.loads(r["scores"]) for r in read] == [r["scores"] for r in rows]
    for key in ("killed", "injured"):  # an unstated figure is an empty cell
        assert [int(r[key]) if r[key] else None for r in read] == [r[key] for r in rows]


# NUL bytes are excluded: a file containing them is refused as binary by design.
ARTICLES = st.dictionaries(
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00\r\n"), min_size=1, max_size=12),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=80),
    max_size=6,
)


@SETTINGS
@given(articles=ARTICLES)
def test_jsonl_and_csv_inputs_read_as_written(tmp_path, articles):
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("".join(json.dumps({"id": k, "text": v}) + "\n" for k, v in articles.items()), encoding="utf-8")
    table = tmp_path / "in.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerows(articles.items())
    expected = list(articles.items())
    if expected:  # an empty .jsonl is refused as an empty file, tested elsewhere
        assert [(a.article_id, a.text) for a in iter_articles([str(jsonl)], print)] == expected
    assert [(a.article_id, a.text) for a in iter_articles([str(table)], print)] == expected
