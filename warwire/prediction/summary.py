"""One row per article from prediction rows: what it reports and the casualty figures
it states (``warwire summarize``, ``warwire predict --summary``).

Rows come in article order (as ``predict`` writes them), so articles are summarized
as they stream past and memory holds one article at a time.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from itertools import groupby
from pathlib import Path

from warwire.errors import WarwireError
from warwire.labels import LABELS, unknown_labels
from warwire.prediction.casualties import CASUALTY, extract_figures
from warwire.prediction.inputs import csv_records, json_records

SUMMARY_COLUMNS = (
    "article_id",
    "reports_attack",
    "sentences",
    "attack_sentences",
    "claim_sentences",
    "denial_sentences",
    "casualty_sentences",
    "killed",
    "killed_min",
    "killed_max",
    "injured",
    "injured_min",
    "injured_max",
)
# The summary's column of sentence indices for each label.
SENTENCE_COLUMNS = dict(zip(LABELS, ("attack_sentences", "claim_sentences", "denial_sentences", "casualty_sentences")))


def _figures(rows: list[dict], key: str) -> list[dict]:
    """Every distinct figure stated, with the first sentence that states it."""
    seen: dict[int, int] = {}
    for row in rows:
        if row[key] is not None and row[key] not in seen:
            seen[row[key]] = row["sentence_index"]
    return [{"figure": figure, "sentence_index": index} for figure, index in seen.items()]


def summarize_article(article_id: str, rows: list[dict]) -> dict:
    """The summary row of one article's prediction rows."""
    summary: dict = {"article_id": article_id, "sentences": len(rows)}
    for label, column in SENTENCE_COLUMNS.items():
        summary[column] = [row["sentence_index"] for row in rows if label in row["labels"]]
    summary["reports_attack"] = bool(summary["attack_sentences"])
    for key in ("killed", "injured"):
        figures = _figures(rows, key)
        values = [f["figure"] for f in figures]
        summary[key] = figures
        summary[f"{key}_min"] = min(values) if values else None
        summary[f"{key}_max"] = max(values) if values else None
    return {column: summary[column] for column in SUMMARY_COLUMNS}


def summarize_rows(rows: Iterable[dict]) -> Iterator[dict]:
    """Summary rows, one per run of rows with the same article id."""
    for article_id, group in groupby(rows, key=lambda row: row["article_id"]):
        yield summarize_article(article_id, list(group))


def _prediction_row(record: object, where: str) -> dict:
    """A prediction row as summarize needs it; figures read from the text where the
    row predates them (or comes from CSV)."""
    if not isinstance(record, dict):
        raise WarwireError(f"{where}: not a prediction row (a JSON object)")
    try:
        labels = record["labels"]
        if isinstance(labels, str):  # CSV: labels joined by ';'
            labels = [label for label in labels.split(";") if label]
        text = str(record.get("text", ""))
        scores = record.get("scores") or {}
        if isinstance(scores, str):  # CSV: a JSON object
            scores = json.loads(scores)
        row = {
            "article_id": str(record["article_id"]),
            "sentence_index": int(record["sentence_index"]),
            "labels": labels,
            "text": text,
            "scores": {label: float(scores[label]) for label in LABELS if label in scores},
        }
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise WarwireError(f"{where}: not a prediction row ({type(error).__name__}: {error})") from None
    if not isinstance(labels, list) or unknown_labels(labels):
        raise WarwireError(f"{where}: 'labels' must be a list of warwire labels")
    for key in ("killed", "injured"):
        value = record.get(key)
        if value in ("", None) and key not in record:
            value = getattr(extract_figures(text), key) if CASUALTY in labels else None
        row[key] = _figure(value, key, where)
    return row


def _figure(value, key: str, where: str) -> int | None:
    """A killed/injured cell as an int (None when empty), or a one-line error."""
    if value in ("", None):
        return None
    # int() would take 2.7 as 2 and true as 1: only whole numbers (or their digits in CSV) pass.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise WarwireError(f"{where}: {key!r} must be a whole number or empty, got {value!r}")


def _csv_rows(handle, path: Path) -> Iterator[dict]:
    reader = csv_records(handle)
    try:
        for record in reader:
            yield _prediction_row(record, f"{path}:{reader.line_num}")
    except csv.Error as error:
        raise WarwireError(f"{path}:{reader.line_num}: malformed CSV ({error})") from None


def _jsonl_rows(handle, path: Path) -> Iterator[dict]:
    for where, record in json_records(handle, path):
        yield _prediction_row(record, where)


def read_prediction_rows(path: Path) -> Iterator[dict]:
    """Rows of a ``warwire predict`` output (.jsonl or .csv), streamed."""
    if not path.is_file():
        raise WarwireError(f"{path}: no such file")
    rows = _csv_rows if path.suffix.lower() == ".csv" else _jsonl_rows
    try:
        # utf-8-sig: a table re-saved by a spreadsheet starts with a BOM, which is not part of its header.
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from rows(handle, path)
    except UnicodeDecodeError as error:
        raise WarwireError(f"{path}: not UTF-8 text ({error.reason}); `warwire predict` writes UTF-8") from None
    except OSError as error:
        raise WarwireError(f"{path}: cannot read ({error.strerror or error})") from None


def tee_summaries(rows: Iterable[dict], emit) -> Iterator[dict]:
    """Pass ``rows`` through unchanged, calling ``emit(summary)`` as each article ends:
    the summary is written in the same pass as the rows (``predict --summary``)."""
    article_id, current = None, []
    for row in rows:
        if current and row["article_id"] != article_id:
            emit(summarize_article(article_id, current))
            current = []
        article_id = row["article_id"]
        current.append(row)
        yield row
    if current:
        emit(summarize_article(article_id, current))
