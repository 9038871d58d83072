"""Prediction output: JSONL or CSV by suffix, or JSONL on stdout. A file appears only
when complete (written to a temporary file beside it, renamed at the end)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from warwire.errors import WarwireError
from warwire.fileio import atomic_open

COLUMNS = ("article_id", "sentence_index", "start", "end", "text", "labels", "scores", "killed", "injured")
FORMATS = (".jsonl", ".csv")


def check_output_path(output: Path, inputs: list[Path], formats: tuple[str, ...] = FORMATS) -> None:
    """Refuse outputs we cannot write whole or that would clobber an input."""
    if output.suffix.lower() not in formats:
        raise WarwireError(f"{output}: output must end in {' or '.join(formats)}")
    if not output.parent.is_dir():
        raise WarwireError(f"{output}: directory {output.parent} does not exist")
    if output.resolve() in inputs:
        raise WarwireError(f"{output}: output path is also an input")


def csv_cell(value) -> str | int | float:
    """A value as a CSV cell: lists of labels or indices joined by ';', other structures
    as JSON, None empty."""
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return ";".join(str(v) for v in value)  # labels, sentence indices
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


class RowWriter:
    """Writes rows (prediction rows by default, or any ``columns``) as JSONL or CSV."""

    def __init__(self, handle, fmt: str, columns: tuple[str, ...] = COLUMNS):
        self.handle = handle
        self.columns = columns
        self.csv = csv.writer(handle) if fmt == ".csv" else None
        if self.csv:
            self.csv.writerow(columns)

    def write(self, row: dict) -> None:
        if self.csv:
            self.csv.writerow([csv_cell(row[c]) for c in self.columns])
        else:
            line = json.dumps(row, ensure_ascii=False)
            # U+2028/2029 are valid in JSON but split lines in many JSONL readers.
            self.handle.write(line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n")


@contextmanager
def open_rows(output: Path | None, columns: tuple[str, ...] = COLUMNS) -> Iterator[RowWriter]:
    """A RowWriter on stdout (``output`` None) or on a file that appears only on success."""
    if output is None:
        yield RowWriter(sys.stdout, ".jsonl", columns)
        sys.stdout.flush()
        return
    with atomic_open(output) as handle:
        yield RowWriter(handle, output.suffix.lower(), columns)
