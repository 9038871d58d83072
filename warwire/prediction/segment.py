"""Sentence segmentation of raw articles, with character offsets into the article.

pysbd was picked over syntok and blingfire because it keeps quotations whole
('"We shot down 35 of them. The rest hit the suburbs," the air force said.') and
handles titles and abbreviations ("Gen.", "Rev.", "U.S.", "a.m."): on a news sample
with quotes, abbreviations, datelines and furniture it cut all 11 hard cases right,
where the other two cut inside quotations and glued furniture lines to sentences.

Line breaks are always boundaries: headlines, bylines, captions and page furniture
sit on lines of their own in scraped news, and pysbd would otherwise glue some of
them to the next sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd
from pysbd.lang.english import English

_LINE = re.compile(r"[^\n]+")
# pysbd's time grows faster than linearly with the length of the text it is given
# (0.09 MB in 5 s, 0.35 MB in 90 s), so long lines are cut into blocks of about this
# many characters first, at a likely sentence end.
MAX_BLOCK = 2000
# A likely end: a word, end punctuation, closing quotes, space, then a capital letter;
# the word must not be one of pysbd's abbreviations ("Gen.", "Sept.") nor contain
# dots ("U.S.", "a.m.").
_LIKELY_END = re.compile(r"\b([A-Za-z0-9]+)[.!?][\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]?[A-Z])")
_ABBREVIATIONS = frozenset(English.Abbreviation.ABBREVIATIONS)


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
    """Sentence strings of one line, exactly as ``pysbd.Segmenter.segment`` returns them
    (whitespace may trail), without its per-sentence regex.

    With ``clean=False``, pysbd finds each sentence back in the text with
    ``re.finditer(re.escape(sentence) + r"\\s*", text)``: one new pattern per sentence,
    compiled and thrown away, about a third of segmentation time on news. The same search
    with ``str.find`` gives the same strings (tested against pysbd on the corpus).
    """
    if not line:
        return []
    segmenter = _segmenter()
    return _found_in(segmenter.processor(line).process(), line)


def _found_in(sentences: list[str], text: str) -> list[str]:
    """pysbd's ``sentences_with_char_spans`` as strings: each sentence with the whitespace after
    it, at its first non-overlapping occurrence that ends after the previous sentence's."""
    found: list[str] = []
    prior_end = 0
    for sentence in sentences:
        start = 0
        while (at := text.find(sentence, start)) >= 0:
            end = at + len(sentence)
            while end < len(text) and text[end].isspace():  # \s* (str.isspace is re's \s)
                end += 1
            if end > prior_end:
                found.append(text[at:end])
                prior_end = end
                break
            start = end if end > at else at + 1  # finditer resumes after the match
    return found


def _blocks(line: str) -> list[tuple[int, str]]:
    """(offset, text) blocks of at most about MAX_BLOCK characters covering ``line``.

    Cuts after the last likely sentence end inside the limit, else at the last space,
    else hard at the limit (a 5 MB line of one token is still cut).
    """
    blocks = []
    start = 0
    while len(line) - start > MAX_BLOCK:
        window = line[start : start + MAX_BLOCK]
        ends = [
            m.end()
            for m in _LIKELY_END.finditer(window)
            if m.group(1).lower() not in _ABBREVIATIONS and window[m.start(1) - 1 : m.start(1)] != "."
        ]
        cut = ends[-1] if ends else (window.rfind(" ") + 1 or MAX_BLOCK)
        blocks.append((start, line[start : start + cut]))
        start += cut
    blocks.append((start, line[start:]))
    return blocks


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
        line_spans: list[Span] = []
        for offset, block in _blocks(line_match.group()):
            line_spans.extend(_segment_block(block, line_match.start() + offset))
        spans.extend(_rejoin(line_spans, article))
    return spans


# Two cuts pysbd makes in wire copy that split one sentence: before a closing quotation
# mark that stands apart (AP's typewriter quotes: ``We will stay. '' He left.; nested:
# .' ''), which it gives to the next sentence or leaves alone, and after "a.m."/"p.m."
# when a weekday follows ("at 2:48 p.m. Thursday, triggering a fire"). A backtick only
# ever opens a quotation, so it is no closing mark. The weekday rule would also join
# "at 6 p.m. Sunday was quiet", a rarer shape in news than the wire's "p.m. Sunday,".
_LEADING_CLOSING_MARKS = re.compile(r"[\"'\u201d\u2019)\]]+(?:\s+[\"'\u201d\u2019)\]]+)*(?=\s|$)")
_CLOCK_END = re.compile(r"\b[ap]\.m\.$", re.IGNORECASE)
_WEEKDAY_START = re.compile(r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b(?!['\u2019])")


def _rejoin(spans: list[Span], article: str) -> list[Span]:
    """Give back to each sentence of one line what pysbd cut off it (see above)."""
    joined: list[Span] = []
    for span in spans:
        previous = joined[-1] if joined else None
        marks = _LEADING_CLOSING_MARKS.match(span.text) if previous else None
        if marks:  # the marks close the previous sentence; the rest, if any, is a sentence
            joined[-1] = _between(article, previous.start, span.start + marks.end())
            rest = span.text[marks.end() :].lstrip()
            if rest:
                joined.append(_between(article, span.end - len(rest), span.end))
        elif previous and _WEEKDAY_START.match(span.text) and _CLOCK_END.search(previous.text):
            joined[-1] = _between(article, previous.start, span.end)
        else:
            joined.append(span)
    return joined


def _between(article: str, start: int, end: int) -> Span:
    return Span(start, end, article[start:end])


def _segment_block(block: str, block_start: int) -> list[Span]:
    """Spans of one block; ``block_start`` is the block's offset in the article."""
    spans: list[Span] = []
    cursor = 0  # where the next sentence may start, within the block
    for piece in _pieces(block) if block.strip() else []:
        stripped = piece.strip()
        if not stripped:
            continue
        # pysbd returns pieces in order; search from the cursor so repeated
        # sentences ("Yes." twice) map to their own positions.
        found = block.find(stripped, cursor)
        if found < 0:
            break  # pysbd altered the text: the rest is kept whole below
        spans.append(Span(block_start + found, block_start + found + len(stripped), stripped))
        cursor = found + len(stripped)
    tail = block[cursor:].strip()
    if tail:  # never lose characters of the article
        found = block.find(tail, cursor)
        spans.append(Span(block_start + found, block_start + found + len(tail), tail))
    return spans
