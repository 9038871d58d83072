"""The source format: what authors write, and the blind copies annotators get."""

import pytest

from warwire.corpus.source_format import SourceError, parse_source, render_article

SOURCE = """=== ARTICLE
id: b1-001
conflict: none
register: press-release
outlet: Test Wire
date: 2020-02-02
---
Plant blast kills three workers || none
The fire service said the blaze was out by noon. || official_claim
"""


def test_render_round_trips_and_blind_copies_keep_the_text(tmp_path):
    path = tmp_path / "b1.txt"
    path.write_text(SOURCE)
    articles = parse_source(path)
    again = tmp_path / "again.txt"
    again.write_text(render_article(articles[0]))
    assert [(s.text, s.labels) for s in parse_source(again)[0].sentences] == [(s.text, s.labels) for s in articles[0].sentences]
    blind = tmp_path / "blind.txt"
    blind.write_text(render_article(articles[0], blind=True))
    assert "official_claim" not in blind.read_text()
    parsed = parse_source(blind, blind=True)[0]
    assert [s.text for s in parsed.sentences] == [s.text for s in articles[0].sentences]
    assert all(s.labels == [] for s in parsed.sentences)
    with pytest.raises(SourceError, match=r"blind.txt:8: unknown label"):
        parse_source(blind)  # a blind file is not a labeled one


def test_a_missing_or_non_utf8_source_is_a_source_error_naming_it(tmp_path):
    with pytest.raises(SourceError, match=r"nope.txt: cannot read \(No such file or directory\)"):
        parse_source(tmp_path / "nope.txt")
    latin = tmp_path / "latin.txt"
    latin.write_bytes(SOURCE.replace("Plant blast", "Explosion à l'usine").encode("latin-1"))
    with pytest.raises(SourceError, match=r"latin.txt: not UTF-8 text \(byte \d+\)"):
        parse_source(latin)
