"""Sentence segmentation of raw articles, with character offsets into the article.

pysbd was picked over syntok and blingfire because it keeps quotations whole
('"We shot down 35 of them. The rest hit the suburbs," the air force said.') and
handles titles and abbreviations ("Gen.", "Rev.", "U.S.", "a.m."); see
benchmarks/segmenters.py for the measured comparison on the corpus.

Line breaks are always boundaries: headlines, bylines, captions and page furniture
sit on lines of their own in scraped news, and pysbd would otherwise glue some of
them to the next sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd

_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class Span:
    """One sentence: ``article[start:end] == text``."""

    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    # clean=False keeps the text untouched so offsets stay valid.
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def _pieces(line: str) -> list[str]:
    """Sentence strings of one line, as pysbd cuts them (whitespace may trail)."""
    return _segmenter().segment(line)


def segment(article: str) -> list[Span]:
    """Split an article into sentences with character offsets.

    Args:
        article: the raw article text (any size; empty or blank gives no sentences).

    Returns:
        Spans in article order, each stripped of surrounding whitespace, with
        ``article[span.start:span.end] == span.text``.

    Example:
        >>> [s.text for s in segment('He said: "No." Then left.')]
        ['He said: "No."', 'Then left.']
    """
    spans: list[Span] = []
    for line_match in _LINE.finditer(article):
        line = line_match.group()
        if not line.strip():
            continue
        cursor = 0
        for piece in _pieces(line):
            stripped = piece.strip()
            if not stripped:
                continue
            # pysbd returns pieces in order; find each from the cursor so repeated
            # sentences ("Yes." twice) map to their own position.
            found = line.find(stripped, cursor)
            if found < 0:  # pysbd altered the text: keep the rest of the line whole
                rest = line[cursor:]
                found, stripped = cursor + (len(rest) - len(rest.lstrip())), rest.strip()
                if not stripped:
                    break
            start = line_match.start() + found
            spans.append(Span(start, start + len(stripped), stripped))
            cursor = found + len(stripped)
            if cursor >= len(line):
                break
        else:
            tail = line[cursor:].strip()
            if tail:  # text pysbd dropped: never lose characters of the article
                found = line.find(tail, cursor)
                start = line_match.start() + found
                spans.append(Span(start, start + len(tail), tail))
    return spans
