import json

import pytest

from warwire.corpus.check import check_corpus, count_labels
from warwire.corpus.io import read_jsonl
from warwire.errors import WarwireError


def write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_read_jsonl_keeps_metadata(corpus_dir):
    examples = read_jsonl(corpus_dir / "train.jsonl")
    assert examples[0].labels == ["attack_report", "official_claim"]
    assert examples[1].meta["conflict"] == "Testland"


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"id": "a", "article_id": "x", "text": "Hi", "labels": [', "bad.jsonl:2: malformed JSON"),
        ('{"id": "a", "article_id": "x", "labels": []}', "bad.jsonl:2: missing key 'text'"),
        ('{"id": "a", "article_id": "x", "text": "  ", "labels": []}', "bad.jsonl:2: 'text' is empty"),
        ('{"id": "a", "article_id": "x", "text": 5, "labels": []}', "bad.jsonl:2: 'text' must be a string"),
        ('{"id": "a", "article_id": "x", "text": "Hi", "labels": "denial"}', "bad.jsonl:2: 'labels' must be a list"),
        ('{"id": "a", "article_id": "x", "text": "Hi", "labels": ["threat"]}', r"bad.jsonl:2: unknown label\(s\) \['threat'\]"),
        ('["not", "an", "object"]', "bad.jsonl:2: expected a JSON object"),
    ],
)
def test_read_jsonl_names_file_line_and_problem(tmp_path, line, message):
    good = json.dumps({"id": "g", "article_id": "x", "text": "Fine.", "labels": []})
    path = write_lines(tmp_path / "bad.jsonl", [good, line])
    with pytest.raises(WarwireError, match=message):
        read_jsonl(path)


def test_read_jsonl_reads_a_file_with_a_utf8_bom(tmp_path):
    path = tmp_path / "bom.jsonl"
    record = {"id": "b", "article_id": "x", "text": "Le café a été frappé.", "labels": ["attack_report"]}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8-sig")  # an editor's BOM
    [example] = read_jsonl(path)
    assert (example.id, example.text, example.labels) == ("b", "Le café a été frappé.", ["attack_report"])


def test_empty_split_is_an_error(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("", encoding="utf-8")
    with pytest.raises(WarwireError, match="empty.jsonl: no examples"):
        read_jsonl(path)


def test_check_finds_no_problem_in_a_clean_corpus(corpus_dir):
    report = check_corpus(corpus_dir)
    assert report.problems == [] and report.near_duplicates == []
    assert report.counts["train"]["sentences"] == 12
    assert report.counts["train"]["denial"] == 3


def test_check_finds_leaks_between_splits(corpus_dir):
    with (corpus_dir / "test.jsonl").open("a", encoding="utf-8") as handle:
        # same article as a train sentence, same id, and the same text with other punctuation
        handle.write(
            json.dumps(
                {
                    "id": "tr-0",
                    "article_id": "tr-a0",
                    "text": "two drones hit an oil depot overnight the governor said",
                    "labels": [],
                }
            )
            + "\n"
        )
        handle.write(
            json.dumps(
                {
                    "id": "new",
                    "article_id": "te-new",
                    "text": "The ministry denied shelling the village again.",
                    "labels": ["denial"],
                }
            )
            + "\n"
        )
    report = check_corpus(corpus_dir)
    joined = "\n".join(report.problems)
    assert "duplicate id 'tr-0'" in joined
    assert "article 'tr-a0' has sentences in ['test', 'train']" in joined
    assert "appears in ['test', 'train']" in joined
    assert any("'tr-0' ~ 'tr-0' (cosine 1.00)" in n for n in report.near_duplicates)
    assert not any("'new'" in n for n in report.near_duplicates)  # one extra word: below 0.9 here


def test_near_duplicates_threshold(corpus_dir):
    from warwire.corpus.check import near_duplicates
    from warwire.corpus.io import Example

    seen = read_jsonl(corpus_dir / "train.jsonl")
    variant = Example("v", "va", "The ministry denied shelling the village again.", [])
    unrelated = Example("u", "ua", "The match was postponed because of rain.", [])
    found = near_duplicates([variant, unrelated], seen, threshold=0.6)
    assert len(found) == 1 and found[0].startswith("'v' ~ 'tr-2'")


def test_count_labels_counts_none():
    from warwire.corpus.io import Example

    counts = count_labels([Example("1", "a", "x", []), Example("2", "a", "y", ["denial"])])
    assert counts["none"] == 1 and counts["denial"] == 1 and counts["articles"] == 1


def test_held_out_sentences_must_not_repeat_in_unlabeled_articles(corpus_dir):
    unlabeled = [
        "a missile hit the port -- the army said",  # a test sentence, other punctuation
        "Share this article",  # furniture: too short to count
        "The militia denied the attack on the market.",  # not the same sentence
    ]
    report = check_corpus(corpus_dir, unlabeled)
    assert report.problems == [
        "test sentence 'te-0' ('A missile hit the port, the army said.') repeats in the unlabeled articles"
    ]
    assert check_corpus(corpus_dir).problems == []
