"""Read labeled corpora: JSONL, one sentence a line (the project's data format).

``{"id": str, "article_id": str, "text": str, "labels": [label, ...]}``; other keys are
kept as metadata (``conflict``, ``register``, ...) and otherwise ignored.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from warwire.errors import WarwireError
from warwire.labels import LABELS, unknown_labels

SPLITS = ("train", "dev", "test")
# Held apart from training and model choice; present once the corpus has one.
OPTIONAL_SPLITS = ("stress",)
DEFAULT_CORPUS_DIR = Path("data/corpus")


@dataclass
class Example:
    id: str
    article_id: str
    text: str
    labels: list[str]
    meta: dict = field(default_factory=dict)


def parse_example(record: object, where: str) -> Example:
    """Validate one decoded JSONL record; raise WarwireError naming ``where`` on a problem."""
    if not isinstance(record, dict):
        raise WarwireError(f"{where}: expected a JSON object, got {type(record).__name__}")
    for key in ("id", "article_id", "text"):
        if key not in record:
            raise WarwireError(f"{where}: missing key {key!r}")
        if not isinstance(record[key], str):
            raise WarwireError(f"{where}: {key!r} must be a string, got {type(record[key]).__name__}")
    if not record["text"].strip():
        raise WarwireError(f"{where}: 'text' is empty")
    labels = record.get("labels")
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        raise WarwireError(f"{where}: 'labels' must be a list of label names, got {labels!r}")
    bad = unknown_labels(labels)
    if bad:
        raise WarwireError(f"{where}: unknown label(s) {bad}; the labels are {list(LABELS)}")
    meta = {k: v for k, v in record.items() if k not in ("id", "article_id", "text", "labels")}
    return Example(record["id"], record["article_id"], record["text"], list(dict.fromkeys(labels)), meta)


def read_jsonl(path: Path | str) -> list[Example]:
    """Read a labeled JSONL file; every problem is a WarwireError naming file and line."""
    path = Path(path)
    if not path.is_file():
        raise WarwireError(f"{path}: no such file")
    examples: list[Example] = []
    try:
        # utf-8-sig: an editor's BOM is not part of the first record (json.loads refuses it).
        with path.open(encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
                    raise WarwireError(f"{where}: malformed JSON ({error.msg})") from None
                examples.append(parse_example(record, where))
    except UnicodeDecodeError as error:
        raise WarwireError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:  # exists but cannot be read (permissions, a directory's quirks)
        raise WarwireError(f"{path}: cannot read ({error.strerror or error})") from None
    if not examples:
        raise WarwireError(f"{path}: no examples (the file is empty)")
    return examples


def split_path(corpus_dir: Path | str, split: str) -> Path:
    return Path(corpus_dir) / f"{split}.jsonl"


def file_sha256(path: Path | str) -> str:
    """SHA-256 of a file, read in 1 MiB blocks (model weights can be hundreds of MB)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
