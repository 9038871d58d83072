"""Markdown tables, the one builder behind report.md, comparison.md, the model card and
the data card's statistics."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def fmt(value, digits: int = 3) -> str:
    """A number for a table cell; '–' when undefined (None)."""
    return "–" if value is None else f"{value:.{digits}f}"


def cell(value) -> str:
    """Text safe inside a Markdown table cell (pipes escaped, one line)."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(header: Sequence[str], rows: Iterable[Sequence], align: Sequence[str] | None = None) -> list[str]:
    """A Markdown table as lines.

    Args:
        header: column titles.
        rows: one sequence of cell values per row (rendered with ``str``, escaped).
        align: per column ``"l"`` or ``"r"``; default left for all.
    """
    align = align or ["l"] * len(header)
    rule = "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"
    return [_row(header), rule, *(_row(row) for row in rows)]


def _row(values: Sequence) -> str:
    # An empty cell is "| |", as people write it.
    return "|" + "|".join(f" {cell(v)} " if cell(v) else " " for v in values) + "|"
