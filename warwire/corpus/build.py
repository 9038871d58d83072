"""Build ``data/corpus/{train,dev,test}.jsonl`` from the source files in ``data/source/``.

Raw sources are never edited by the build: the test split's final labels come from
the adjudication file in ``data/annotation/`` when there is one. Splits are whole
articles: batches named ``t*`` are the separately written test articles; the others
are split into train and dev by a hash of the article id (stable as articles are added).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from sklearn.metrics import cohen_kappa_score

from warwire.corpus.source_format import SourceArticle, SourceError, parse_source
from warwire.errors import WarwireError
from warwire.fileio import atomic_files, atomic_write
from warwire.labels import LABELS, to_multi_hot

SOURCE_DIR = Path("data/source")
ANNOTATION_DIR = Path("data/annotation")
SECOND_PASS_DIR = ANNOTATION_DIR / "second_pass"
ADJUDICATION_FILE = ANNOTATION_DIR / "adjudication.jsonl"
DEV_SHARE = 0.125  # of the non-test articles: 70/10/20 overall with a 20% test batch


def sentence_id(article_id: str, index: int) -> str:
    return f"{article_id}-s{index:03d}"


def read_sources(paths: Iterable[Path]) -> list[SourceArticle]:
    articles: list[SourceArticle] = []
    for path in sorted(paths):
        try:
            articles.extend(parse_source(path))
        except SourceError as error:
            raise WarwireError(str(error)) from None
    return articles


def assign_splits(articles: list[SourceArticle]) -> dict[str, str]:
    """article id -> split: t* batches are test; the rest train/dev by a stable hash."""
    split = {}
    pool = [a.article_id for a in articles if not a.article_id.startswith("t")]
    ranked = sorted(pool, key=lambda i: hashlib.sha1(i.encode()).hexdigest())
    dev = set(ranked[: round(len(ranked) * DEV_SHARE)])
    for article in articles:
        if article.article_id.startswith("t"):
            split[article.article_id] = "test"
        else:
            split[article.article_id] = "dev" if article.article_id in dev else "train"
    return split


def read_adjudication(path: Path = ADJUDICATION_FILE) -> dict[str, list[str]]:
    """sentence id -> final labels, for the test sentences whose two passes disagreed."""
    if not path.is_file():
        return {}
    final = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            final[record["id"]] = [label for label in LABELS if label in record["final"]]
    return final


def records(articles: list[SourceArticle], splits: dict[str, str], final: dict[str, list[str]]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"train": [], "dev": [], "test": []}
    for article in articles:
        split = splits[article.article_id]
        for index, sentence in enumerate(article.sentences):
            sid = sentence_id(article.article_id, index)
            out[split].append(
                {
                    "id": sid,
                    "article_id": article.article_id,
                    "text": sentence.text,
                    "labels": final.get(sid, sentence.labels),
                    "conflict": article.meta["conflict"],
                    "register": article.meta["register"],
                    "outlet": article.meta["outlet"],
                    "date": article.meta.get("date", ""),
                    "split": split,
                }
            )
    return out


def agreement(first: list[SourceArticle], second: list[SourceArticle]) -> dict:
    """Per-label Cohen's kappa and raw agreement between two labelings of the same sentences."""
    by_id = {a.article_id: a for a in first}
    gold_a, gold_b = [], []
    for article in second:
        original = by_id.get(article.article_id)
        if original is None or len(original.sentences) != len(article.sentences):
            raise WarwireError(f"{article.path}: article {article.article_id!r} does not match its first pass")
        for s_first, s_second in zip(original.sentences, article.sentences):
            if s_first.text != s_second.text:
                raise WarwireError(f"{article.path}:{s_second.line}: sentence text differs from the first pass")
            gold_a.append(to_multi_hot(s_first.labels))
            gold_b.append(to_multi_hot(s_second.labels))
    a, b = np.array(gold_a, dtype=int), np.array(gold_b, dtype=int)
    return {
        "sentences": int(len(a)),
        "per_label": {
            label: {
                "kappa": round(float(cohen_kappa_score(a[:, i], b[:, i])), 3),
                "agreement": round(float((a[:, i] == b[:, i]).mean()), 3),
                "first_pass_positives": int(a[:, i].sum()),
                "second_pass_positives": int(b[:, i].sum()),
            }
            for i, label in enumerate(LABELS)
        },
        "exact_agreement": round(float((a == b).all(axis=1).mean()), 3),
    }


def build(source_dir: Path = SOURCE_DIR, output_dir: Path = Path("data/corpus")) -> dict[str, int]:
    """Write the three split files; return sentences per split."""
    articles = read_sources(source_dir.glob("*.txt"))
    if not articles:
        raise WarwireError(f"{source_dir}: no source articles (*.txt)")
    splits = assign_splits(articles)
    out = records(articles, splits, read_adjudication())
    atomic_files(output_dir, {
        f"{split}.jsonl": "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows) for split, rows in out.items()
    })
    second = read_sources(SECOND_PASS_DIR.glob("*.txt")) if SECOND_PASS_DIR.is_dir() else []
    if second:
        stats = agreement([a for a in articles if splits[a.article_id] == "test"], second)
        atomic_write(ANNOTATION_DIR / "agreement.json", json.dumps(stats, indent=2) + "\n")
    return {split: len(rows) for split, rows in out.items()}
