"""Articles to predict on: .txt/.html files, directories of them, .jsonl/.csv of
``id``,``text`` records, or ``-`` for stdin. Yields (article_id, text) lazily so huge
inputs stream."""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from warwire.errors import WarwireError

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
RECORD_SUFFIXES = (".jsonl", ".csv")
STDIN = "-"
# The csv module refuses fields over 131,072 characters; an article may be far longer.
# 2**31 - 1 is the largest limit a C long holds on every platform (sys.maxsize is not).
CSV_FIELD_LIMIT = 2**31 - 1


@dataclass
class Article:
    article_id: str
    text: str
    source: str  # file (and line) it came from, for error messages


def decode(data: bytes, where: str, warn: Callable[[str], None]) -> str:
    """Decode article bytes: UTF-8 (BOM or not), UTF-16 with a BOM, else Latin-1 with a warning.

    Binary data (NUL bytes outside UTF-16) is an error rather than a page of garbage.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise WarwireError(f"{where}: broken UTF-16 text (byte {error.start})") from None
    if b"\x00" in data:
        raise WarwireError(f"{where}: looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        warn(f"{where}: not valid UTF-8 (byte {error.start}); read as Latin-1")
        return data.decode("latin-1")


def html_to_text(html: str, where: str) -> str:
    """The main text of a news page (trafilatura drops menus, ads and comments)."""
    import logging

    import trafilatura

    # trafilatura logs parser complaints as errors; the one-line error below says it all.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True)
    if not text:
        raise WarwireError(f"{where}: no article text found in the HTML")
    return text


def _read_file(path: Path, article_id: str, warn) -> Article:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise WarwireError(f"{path}: cannot read ({error.strerror})") from None
    if not data.strip():
        raise WarwireError(f"{path}: empty file")
    text = decode(data, str(path), warn)
    if path.suffix.lower() in HTML_SUFFIXES:
        text = html_to_text(text, str(path))
    return Article(article_id, text, str(path))


def _first_only(warn: Callable[[str], None]) -> Callable[[str], None]:
    """``warn`` that passes on only the first message: a Latin-1 file would otherwise warn
    once per line, burying everything else on stderr."""
    said = False

    def first(message: str) -> None:
        nonlocal said
        if not said:
            warn(f"{message} (so is any later line of the file that is not UTF-8)")
        said = True

    return first


def _text_lines(handle, path: Path, warn, newline: str) -> Iterator[str]:
    """A record file's text line by line (line endings kept), so a large file is never held whole.

    UTF-16 (with a BOM) is decoded as one stream: its bytes cannot be split on b"\\n" (each
    character is two bytes). Otherwise each line is decoded alone (UTF-8, else Latin-1,
    with one warning per file naming the first such line). ``newline`` is the stream's
    ``open`` argument: "" for CSV, whose reader joins quoted fields across lines; "\\n"
    for JSONL, split on line feeds only, as its byte lines are.
    """
    if handle.peek(2)[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        try:
            yield from io.TextIOWrapper(handle, encoding="utf-16", newline=newline)
        except UnicodeDecodeError as error:
            raise WarwireError(f"{path}: broken UTF-16 text ({error.reason})") from None
        return
    warn = _first_only(warn)
    for number, raw in enumerate(handle, start=1):
        yield decode(raw, f"{path}:{number}", warn)


def json_records(lines: Iterable[str], path: Path) -> Iterator[tuple[str, object]]:
    """(``file:line``, record) for each non-blank line of a JSONL text: the one JSONL reader
    of predict's inputs and of summarize's and show's prediction rows."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            yield where, json.loads(line)
        except json.JSONDecodeError as error:
            raise WarwireError(f"{where}: malformed JSON ({error.msg})") from None


def _records_jsonl(path: Path, warn) -> Iterator[Article]:
    with path.open("rb") as handle:
        for where, record in json_records(_text_lines(handle, path, warn, newline="\n"), path):
            yield _record_article(record, where)


def csv_records(lines: Iterable[str]) -> csv.DictReader:
    """A csv.DictReader over ``lines`` whose fields may be as long as an article: the one
    reader of CSV (predict's inputs, summarize's and show's prediction rows)."""
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)  # process-wide, so set once
    return csv.DictReader(lines)


def _records_csv(path: Path, warn) -> Iterator[Article]:
    with path.open("rb") as handle:
        # Line endings are kept (newline='' semantics): line breaks inside quoted fields survive.
        reader = csv_records(_text_lines(handle, path, warn, newline=""))
        try:
            missing = [column for column in ("id", "text") if column not in (reader.fieldnames or [])]
            if missing:
                raise WarwireError(f"{path}: CSV lacks column(s) {missing} (needs 'id' and 'text')")
            for row in reader:
                yield _record_article(row, f"{path}:{reader.line_num}")
        except csv.Error as error:  # e.g. a bare carriage return inside an unquoted field
            raise WarwireError(f"{path}:{reader.line_num}: malformed CSV ({error})") from None


def _record_article(record: object, where: str) -> Article:
    if not isinstance(record, dict):
        raise WarwireError(f"{where}: expected an object with 'id' and 'text'")
    for key in ("id", "text"):
        if key not in record or record[key] is None:
            raise WarwireError(f"{where}: missing {key!r}")
    if not isinstance(record["text"], str):
        raise WarwireError(f"{where}: 'text' must be a string, got {type(record['text']).__name__}")
    if not isinstance(record["id"], (str, int)) or isinstance(record["id"], bool):
        raise WarwireError(f"{where}: 'id' must be a string, got {type(record['id']).__name__}")
    return Article(str(record["id"]), record["text"], where)


def _directory_files(directory: Path, warn: Callable[[str], None] | None = None) -> list[Path]:
    """The .txt and .html files under ``directory``, sorted; ``warn`` hears which others were skipped.

    Other files (a .jsonl or .csv included: a table inside a folder of articles is more
    likely a leftover than input) are skipped with one warning naming a few of them.
    """
    suffixes = TEXT_SUFFIXES + HTML_SUFFIXES
    everything = sorted(p for p in directory.rglob("*") if p.is_file())
    files = [p for p in everything if p.suffix.lower() in suffixes]
    if not files:
        raise WarwireError(f"{directory}: no .txt or .html articles in this directory")
    skipped = [p.relative_to(directory).as_posix() for p in everything if p.suffix.lower() not in suffixes]
    if skipped and warn is not None:
        examples = ", ".join(skipped[:3]) + (f" and {len(skipped) - 3} more" if len(skipped) > 3 else "")
        warn(f"{directory}: skipped {len(skipped)} file(s) that are not .txt or .html articles ({examples})")
    return files


def _articles_of(name: str, warn) -> Iterator[Article]:
    if name == STDIN:
        data = sys.stdin.buffer.read()
        if not data.strip():
            raise WarwireError("<stdin>: empty input")
        yield Article("stdin", decode(data, "<stdin>", warn), "<stdin>")
        return
    path = Path(name)
    if path.is_dir():
        for file in _directory_files(path, warn):
            yield _read_file(file, file.relative_to(path).with_suffix("").as_posix(), warn)
        return
    if not path.is_file():
        raise WarwireError(f"{path}: no such file or directory")
    suffix = path.suffix.lower()
    if suffix in RECORD_SUFFIXES and path.stat().st_size == 0:
        raise WarwireError(f"{path}: empty file")
    if suffix == ".jsonl":
        yield from _records_jsonl(path, warn)
    elif suffix == ".csv":
        yield from _records_csv(path, warn)
    elif suffix in TEXT_SUFFIXES + HTML_SUFFIXES:
        yield _read_file(path, path.stem, warn)
    else:
        raise WarwireError(
            f"{path}: unsupported input type {suffix or '(no suffix)'!r}; use .txt, .html, .jsonl, .csv, a directory or -"
        )


def iter_articles(inputs: list[str], warn: Callable[[str], None]) -> Iterator[Article]:
    """All articles of all inputs, in order; article ids must be unique across them."""
    seen: dict[str, str] = {}
    for name in inputs:
        for article in _articles_of(name, warn):
            if article.article_id in seen:
                raise WarwireError(
                    f"{article.source}: duplicate article id {article.article_id!r} (first in {seen[article.article_id]})"
                )
            seen[article.article_id] = article.source
            yield article


def input_paths(inputs: list[str]) -> list[Path]:
    """The files the inputs name (for refusing an output that would overwrite one)."""
    paths = []
    for name in inputs:
        path = Path(name)
        if name != STDIN and path.exists():
            paths.extend(_directory_files(path) if path.is_dir() else [path])
    return [p.resolve() for p in paths]
