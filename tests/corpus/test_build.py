"""warwire data build: splits from splits.toml, second passes, adjudication, stress."""

import json

import pytest
from typer.testing import CliRunner

from warwire.cli import app
from warwire.corpus.build import build
from warwire.errors import WarwireError

HEADER = "=== ARTICLE\nid: {id}\nconflict: Testland\nregister: wire\noutlet: Test Wire\ndate: 2024-01-01\n---\n"


def article(article_id, lines):
    return HEADER.format(id=article_id) + "".join(f"{text} || {labels}\n" for text, labels in lines) + "\n"


FIRST = [("Drones hit the depot, the governor said.", "attack_report, official_claim"), ("Share this", "none")]
SECOND = [("Drones hit the depot, the governor said.", "attack_report"), ("Share this", "none")]


@pytest.fixture()
def data_dir(tmp_path):
    source, annotation = tmp_path / "source", tmp_path / "annotation"
    (annotation / "second_pass").mkdir(parents=True)
    source.mkdir()
    (source / "a.txt").write_text("".join(article(f"a-{i:03d}", FIRST) for i in range(1, 21)))
    (source / "held.txt").write_text(article("held-001", FIRST))
    (source / "splits.toml").write_text('test = ["held"]\ndev_share = 0.25\n')
    (annotation / "second_pass" / "held.txt").write_text(article("held-001", SECOND))
    return tmp_path


def read(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_test_split_comes_from_splits_toml_not_an_id_prefix(data_dir):
    result = build(data_dir)
    corpus = data_dir / "corpus"
    assert {r["article_id"] for r in read(corpus / "test.jsonl")} == {"held-001"}
    train, dev = read(corpus / "train.jsonl"), read(corpus / "dev.jsonl")
    assert len(train) + len(dev) == 40 and dev and train  # every a-* article in one of them
    assert result.unadjudicated == 1
    assert read(data_dir / "annotation" / "disagreements.jsonl")[0]["id"] == "held-001-s000"


def test_adjudication_decides_and_agreement_is_per_split(data_dir):
    (data_dir / "annotation" / "adjudication.jsonl").write_text(
        json.dumps({"id": "held-001-s000", "final": ["attack_report"], "note": "a governor is official... but test"}) + "\n"
    )
    result = build(data_dir)
    assert result.unadjudicated == 0
    assert read(data_dir / "corpus" / "test.jsonl")[0]["labels"] == ["attack_report"]
    agreement = json.loads((data_dir / "annotation" / "agreement.json").read_text())
    assert set(agreement) == {"test"} and agreement["test"]["sentences"] == 2
    assert agreement["test"]["per_label"]["official_claim"]["agreement"] == 0.5


def test_stress_split_takes_agreed_labels_and_adjudication(data_dir):
    stress = data_dir / "annotation" / "stress"
    (stress / "pass_a").mkdir(parents=True)
    (stress / "pass_b").mkdir()
    (stress / "pass_a" / "s1.txt").write_text(article("s1-001", FIRST) + article("s1-002", FIRST))
    # s1-002 has pass A only, s1-003 pass B only: both wait for their other pass
    (stress / "pass_b" / "s1.txt").write_text(article("s1-001", SECOND) + article("s1-003", SECOND))
    result = build(data_dir)
    assert result.sentences["stress"] == 2 and result.unadjudicated == 2  # held-001 and s1-001 disagree
    (stress / "adjudication.jsonl").write_text(json.dumps({"id": "s1-001-s000", "final": ["attack_report"]}) + "\n")
    build(data_dir)
    rows = read(data_dir / "corpus" / "stress.jsonl")
    assert [r["labels"] for r in rows] == [["attack_report"], []] and rows[0]["split"] == "stress"
    assert json.loads((data_dir / "annotation" / "stress_agreement.json").read_text())["sentences"] == 2


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json\n", r"adjudication.jsonl:1: not an adjudication record"),
        ('\n{"id": "x"}\n', r"adjudication.jsonl:2: not an adjudication record"),
        ('{"id": "x", "final": ["threat"]}\n', r"adjudication.jsonl:1: unknown label"),
    ],
)
def test_malformed_adjudication_lines_name_file_and_line(data_dir, content, message):
    (data_dir / "annotation" / "adjudication.jsonl").write_text(content)
    with pytest.raises(WarwireError, match=message):
        build(data_dir)


def test_second_pass_must_match_the_first(data_dir):
    changed = [("Drones hit a depot, the governor said.", "attack_report"), ("Share this", "none")]
    (data_dir / "annotation" / "second_pass" / "held.txt").write_text(article("held-001", changed))
    with pytest.raises(WarwireError, match=r"held.txt:\d+: sentence text differs from the first pass"):
        build(data_dir)


def test_a_missing_or_wrong_split_plan_is_one_line(data_dir):
    (data_dir / "source" / "splits.toml").write_text('test = ["nope"]\n')
    with pytest.raises(WarwireError, match=r"test batch\(es\) \['nope'\] have no source file"):
        build(data_dir)
    (data_dir / "source" / "splits.toml").unlink()
    with pytest.raises(WarwireError, match="splits.toml: missing"):
        build(data_dir)


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def one_line_error(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.output)
    [line] = result.output.strip().splitlines()
    return line


def test_blind_refuses_to_write_over_its_own_input(data_dir):
    source = data_dir / "source" / "a.txt"
    before = source.read_text()
    error = one_line_error(run("data", "blind", source, "--output-dir", data_dir / "source"))
    assert error == f"error: {source}: the blind copy of {source} would overwrite an input; choose another --output-dir"
    assert source.read_text() == before  # the labels are still there


def test_blind_refuses_two_sources_of_one_name(data_dir):
    second = data_dir / "annotation" / "second_pass" / "held.txt"
    error = one_line_error(run("data", "blind", data_dir / "source" / "held.txt", second, "--output-dir", data_dir / "blind"))
    assert "several sources are named ['held.txt']" in error and not (data_dir / "blind").exists()


def test_blind_writes_copies_and_reads_every_source_first(data_dir):
    output = data_dir / "blind"
    result = run("data", "blind", data_dir / "source" / "held.txt", "--output-dir", output)
    assert result.exit_code == 0, result.output
    assert "attack_report" not in (output / "held.txt").read_text() and " || ?" in (output / "held.txt").read_text()
    error = one_line_error(
        run("data", "blind", data_dir / "source" / "a.txt", data_dir / "nope.txt", "--output-dir", data_dir / "b2")
    )
    assert error == f"error: {data_dir / 'nope.txt'}: cannot read (No such file or directory)"
    assert not (data_dir / "b2").exists()  # nothing written for the good source either


def test_a_non_utf8_source_is_one_line_in_blind_and_build(data_dir):
    latin = data_dir / "source" / "latin.txt"
    latin.write_bytes(article("l-001", [("Le café a été frappé.", "attack_report")]).encode("latin-1"))
    assert one_line_error(run("data", "blind", latin, "--output-dir", data_dir / "blind")).startswith(
        f"error: {latin}: not UTF-8 text (byte "
    )
    assert one_line_error(run("data", "build", "--data-dir", data_dir)).startswith(f"error: {latin}: not UTF-8 text (byte ")


def test_build_into_a_path_that_is_a_file_is_one_line(data_dir):
    (data_dir / "taken").write_text("not a directory")
    error = one_line_error(run("data", "build", "--data-dir", data_dir, "--output-dir", data_dir / "taken"))
    assert error == f"error: {data_dir / 'taken'}: exists and is not a directory"
