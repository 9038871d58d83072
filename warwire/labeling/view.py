"""``warwire show``: prediction rows as one self-contained HTML page, each article's
sentences in reading order, highlighted by label, scores on hover, a filter per label,
and the article's summary (attacks, claims, denials, casualty figures) above it.

Everything is inline (CSS, JS, data): the page fetches nothing, so it opens from disk,
from an e-mail attachment or on an air-gapped machine.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from itertools import groupby

from warwire.labels import LABELS
from warwire.prediction.summary import summarize_article

COLOURS = {
    "attack_report": "#f4b6b6",
    "official_claim": "#b6d4f4",
    "denial": "#f4e3a1",
    "casualty_statement": "#d3b6f4",
}

STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
header { position: sticky; top: 0; background: #fff; padding: .5em 0; border-bottom: 1px solid #ddd; }
article { margin: 1.5em 0 2.5em; }
.summary { font-size: 13px; color: #444; background: #f6f6f6; padding: .4em .8em; border-radius: 4px; }
.s { padding: 1px 2px; border-radius: 3px; }
.legend span { display: inline-block; padding: 0 .5em; margin-right: .5em; border-radius: 3px; }
.tag { font-size: 10px; font-weight: 600; padding: 0 3px; margin: 0 2px; border-radius: 3px; vertical-align: super; }
""" + "".join(
    f".{label} {{ background: {colour}; }}\n"
    f"body.hide-{label} .s.{label} {{ background: none; }}\nbody.hide-{label} .tag.{label} {{ display: none; }}\n"
    for label, colour in COLOURS.items()
)
# The badge after a sentence, one per label (a sentence may carry several).
TAGS = {"attack_report": "attack", "official_claim": "claim", "denial": "denial", "casualty_statement": "casualty"}

SCRIPT = """
for (const box of document.querySelectorAll('input[data-label]')) {
  box.addEventListener('change', () => document.body.classList.toggle('hide-' + box.dataset.label, !box.checked));
}
"""


def _figures(figures: list[dict]) -> str:
    return ", ".join(f"{f['figure']} (sentence {f['sentence_index']})" for f in figures) or "none stated"


def _summary_line(summary: dict) -> str:
    counts = ", ".join(
        f"{len(summary[column])} {name}"
        for column, name in (
            ("attack_sentences", "attack report(s)"),
            ("claim_sentences", "official claim(s)"),
            ("denial_sentences", "denial(s)"),
            ("casualty_sentences", "casualty statement(s)"),
        )
    )
    return (
        f"{summary['sentences']} sentences: {counts}. Killed: {_figures(summary['killed'])}. "
        f"Injured: {_figures(summary['injured'])}."
    )


def _sentence(row: dict) -> str:
    classes = " ".join(["s", *row["labels"]])
    scores = ", ".join(f"{label} {row['scores'][label]:.2f}" for label in LABELS if label in row.get("scores", {}))
    title = f"{', '.join(row['labels']) or 'none'} | {scores}"
    tags = "".join(f'<span class="tag {label}">{TAGS[label]}</span>' for label in row["labels"])
    return f'<span class="{classes}" title="{escape(title)}">{escape(row["text"])}</span>{tags}'


def _article(article_id: str, rows: list[dict]) -> str:
    summary = summarize_article(article_id, rows)
    body = " ".join(_sentence(row) for row in rows)
    return (
        f'<article id="{escape(article_id)}"><h2>{escape(article_id)}</h2>'
        f'<p class="summary">{escape(_summary_line(summary))}</p><p>{body}</p></article>'
    )


def render_page(rows: Iterable[dict], title: str) -> str:
    """The page for prediction rows (in article order, as ``predict`` writes them)."""
    articles = [_article(article_id, list(group)) for article_id, group in groupby(rows, key=lambda r: r["article_id"])]
    filters = "".join(
        f'<label><input type="checkbox" checked data-label="{label}"> <span class="{label}">{label}</span></label> '
        for label in LABELS
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>"
        f'<header><h1>{escape(title)}</h1><div class="legend">Show: {filters}</div>'
        f"<p>{len(articles)} articles. Hover a sentence for its labels and scores.</p></header>"
        f"{''.join(articles)}<script>{SCRIPT}</script></body></html>\n"
    )
