"""Parse the corpus source files in ``data/source/``: articles written one sentence a line.

The source format is what the corpus authors write; ``warwire data build`` turns it into
the JSONL corpus. A file holds one or more articles::

    === ARTICLE
    id: w1-001
    conflict: Russia-Ukraine
    register: wire
    outlet: Eastern Dispatch
    date: 2024-03-14
    ---
    Drones hit fuel depot in Bryansk region || attack_report
    BRYANSK, March 14 - Ukrainian drones struck a fuel depot overnight, the governor said. || attack_report, official_claim

Each sentence line is ``text || labels`` where labels are comma-separated label names or
``none``. Blank lines separate paragraphs and are otherwise ignored.

Run ``python -m warwire.corpus.source_format [--blind] FILE...`` to check files and print counts
(``--blind``: files whose label fields are ``?``, as given to blind annotators).
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from warwire.errors import render
from warwire.labels import LABELS, NONE_LABEL

ARTICLE_MARKER = "=== ARTICLE"
HEADER_END = "---"
SEPARATOR = " || "
REQUIRED_KEYS = ("id", "conflict", "register", "outlet")
REGISTERS = (
    "wire",
    "live-blog",
    "local-press",
    "translated-press",
    "official-statement",
    "analysis",
    "explainer",
    "human-rights-report",
    "testimony",
    "interview",
    "fact-check",
    "press-release",
    "feature",
)


class SourceError(ValueError):
    """A problem in a source file, with the file and line it was found on."""


@dataclass
class SourceSentence:
    text: str
    labels: list[str]
    line: int


@dataclass
class SourceArticle:
    meta: dict[str, str]
    sentences: list[SourceSentence] = field(default_factory=list)
    path: str = ""

    @property
    def article_id(self) -> str:
        return self.meta["id"]


BLIND_MARK = "?"  # the label field of a blind file: text to be labeled


def parse_labels(raw: str, where: str, blind: bool = False) -> list[str]:
    """Parse ``attack_report, denial`` or ``none`` into a label list in LABELS order.

    In a blind file (``blind=True``) every label field is ``?`` and gives no labels.
    """
    names = [name.strip() for name in raw.split(",") if name.strip()]
    if blind:
        if names != [BLIND_MARK]:
            raise SourceError(f"{where}: a blind file has '{BLIND_MARK}' after '||', not {raw.strip()!r}")
        return []
    if names == [NONE_LABEL]:
        return []
    if not names:
        raise SourceError(f"{where}: no labels after '||' (write 'none' for no label)")
    bad = [name for name in names if name not in LABELS]
    if bad:
        raise SourceError(f"{where}: unknown label(s) {bad}; allowed: {list(LABELS)} or 'none'")
    return [label for label in LABELS if label in names]


def _read_text(path: Path) -> str:
    """A source file's text; a missing, unreadable or non-UTF-8 file is a SourceError naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SourceError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise SourceError(f"{path}: cannot read ({error.strerror or error})") from None


def parse_source(path: Path, blind: bool = False) -> list[SourceArticle]:
    """Parse one source file into articles; raise SourceError naming file:line on a problem.

    ``blind`` reads a file whose label fields are all ``?`` (text given to annotators).
    """
    articles: list[SourceArticle] = []
    current: SourceArticle | None = None
    in_header = False
    for number, raw_line in enumerate(_read_text(path).splitlines(), start=1):
        where = f"{path}:{number}"
        line = raw_line.strip()
        if line == ARTICLE_MARKER:
            current = SourceArticle(meta={}, path=str(path))
            articles.append(current)
            in_header = True
            continue
        if not line:
            continue
        if current is None:
            raise SourceError(f"{where}: text before the first '{ARTICLE_MARKER}' line")
        if in_header:
            if line == HEADER_END:
                missing = [key for key in REQUIRED_KEYS if not current.meta.get(key)]
                if missing:
                    raise SourceError(f"{where}: article header lacks {missing}")
                if current.meta["register"] not in REGISTERS:
                    raise SourceError(f"{where}: register {current.meta['register']!r} is not one of {list(REGISTERS)}")
                in_header = False
                continue
            key, sep, value = line.partition(":")
            if not sep:
                raise SourceError(f"{where}: header line is not 'key: value'")
            current.meta[key.strip()] = value.strip()
            continue
        text, sep, raw_labels = line.rpartition(SEPARATOR.strip())
        if not sep or not text.strip():
            raise SourceError(f"{where}: sentence line is not 'text || labels'")
        current.sentences.append(SourceSentence(text=text.strip(), labels=parse_labels(raw_labels, where, blind), line=number))
    for article in articles:
        if not article.sentences:
            raise SourceError(f"{path}: article {article.meta.get('id', '?')!r} has no sentences")
    return articles


def render_article(article: SourceArticle, blind: bool = False) -> str:
    """An article in the source format; ``blind`` shows every label field as ``?``
    (the text given to a blind annotator)."""
    lines = [ARTICLE_MARKER, *(f"{key}: {value}" for key, value in article.meta.items()), HEADER_END]
    for sentence in article.sentences:
        labels = BLIND_MARK if blind else (", ".join(sentence.labels) or NONE_LABEL)
        lines.append(f"{sentence.text}{SEPARATOR}{labels}")
    return "\n".join(lines) + "\n\n"


def summarize(articles: list[SourceArticle]) -> str:
    """A short text summary: articles, sentences, per-label counts, conflicts, registers."""
    sentences = [s for a in articles for s in a.sentences]
    label_counts = Counter(label for s in sentences for label in s.labels)
    none_count = sum(1 for s in sentences if not s.labels)
    lines = [f"articles: {len(articles)}  sentences: {len(sentences)}"]
    for label in LABELS:
        lines.append(f"  {label:20s} {label_counts[label]}")
    lines.append(f"  {'none':20s} {none_count} ({none_count / max(len(sentences), 1):.0%})")
    lines.append("conflicts: " + ", ".join(f"{k} {v}" for k, v in Counter(a.meta["conflict"] for a in articles).most_common()))
    lines.append("registers: " + ", ".join(f"{k} {v}" for k, v in Counter(a.meta["register"] for a in articles).most_common()))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    blind = "--blind" in argv
    articles: list[SourceArticle] = []
    ids: Counter[str] = Counter()
    try:
        for name in [arg for arg in argv if arg != "--blind"]:
            parsed = parse_source(Path(name), blind=blind)
            articles.extend(parsed)
            ids.update(a.article_id for a in parsed)
    except (SourceError, OSError, UnicodeDecodeError) as error:
        print(render(error), file=sys.stderr)
        return 2
    repeated = [article_id for article_id, n in ids.items() if n > 1]
    if repeated:
        print(render(SourceError(f"repeated article ids: {repeated}")), file=sys.stderr)
        return 2
    print(summarize(articles))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
