"""Build ``data/corpus/{train,dev,test,stress}.jsonl`` from the sources and annotations.

Raw sources are never edited by the build. Where the data lives (all under one data dir):

- ``source/*.txt``: the first labeling pass, one file per batch (its author's labels);
  ``source/splits.toml`` names the batches held out as the test split; the other
  articles go to train or dev by a hash of their id (stable as articles are added).
- ``annotation/second_pass/<batch>.txt``: the blind second pass of a batch.
- ``annotation/adjudication.jsonl``: the final labels of sentences whose passes differ,
  one ``{"id", "final", "note"}`` a line.
- ``annotation/stress/pass_a/*.txt`` and ``pass_b/*.txt``: the stress split, labeled
  blind twice; ``annotation/stress/adjudication.jsonl`` settles where they differ.

A sentence's final labels: the adjudicated ones if it was adjudicated, else the first
pass (train/dev/test) or the passes' common labels (stress). Disagreements without an
adjudication are counted and listed in ``annotation/disagreements.jsonl``.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.metrics import cohen_kappa_score

from warwire.config import read_toml
from warwire.corpus.io import SPLITS
from warwire.corpus.source_format import SourceArticle, SourceError, parse_source
from warwire.errors import WarwireError
from warwire.fileio import atomic_files
from warwire.labels import LABELS, to_multi_hot, unknown_labels

DATA_DIR = Path("data")
SPLITS_FILE = "splits.toml"
STRESS = "stress"


@dataclass
class Layout:
    """Every path the build reads or writes, from one data dir."""

    data_dir: Path = DATA_DIR

    @property
    def source_dir(self) -> Path:
        return self.data_dir / "source"

    @property
    def annotation_dir(self) -> Path:
        return self.data_dir / "annotation"

    @property
    def second_pass_dir(self) -> Path:
        return self.annotation_dir / "second_pass"

    @property
    def adjudication_file(self) -> Path:
        return self.annotation_dir / "adjudication.jsonl"

    @property
    def stress_dir(self) -> Path:
        return self.annotation_dir / STRESS

    @property
    def corpus_dir(self) -> Path:
        return self.data_dir / "corpus"


@dataclass
class BuildResult:
    sentences: dict[str, int]
    unadjudicated: int
    agreement: dict = field(default_factory=dict)


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


def blind_targets(sources: Sequence[Path], output_dir: Path) -> list[Path]:
    """Where ``warwire data blind`` writes each source's blind copy: its file name in ``output_dir``.

    Checked before anything is written: a copy must not replace an input (its labels
    would be lost to '?'), and two sources of one name would write the same copy.
    """
    inputs = {source.resolve() for source in sources}
    targets = [output_dir / source.name for source in sources]
    for source, target in zip(sources, targets):
        if target.resolve() in inputs:
            raise WarwireError(f"{target}: the blind copy of {source} would overwrite an input; choose another --output-dir")
    repeated = sorted(name for name, n in Counter(source.name for source in sources).items() if n > 1)
    if repeated:
        raise WarwireError(f"{output_dir}: several sources are named {repeated}; their blind copies would overwrite each other")
    return targets


def read_split_plan(path: Path) -> tuple[set[str], float]:
    """(test batches, dev share) from ``splits.toml``."""
    if not path.is_file():
        raise WarwireError(f'{path}: missing; it names the test batches, e.g. test = ["t1", "t2"]')
    plan = read_toml(path)
    test, dev_share = plan.get("test"), plan.get("dev_share", 0.125)
    if not isinstance(test, list) or not all(isinstance(b, str) for b in test):
        raise WarwireError(f"{path}: 'test' must be a list of batch names (source file stems)")
    if not isinstance(dev_share, float) or not 0 < dev_share < 1:
        raise WarwireError(f"{path}: 'dev_share' must be a number between 0 and 1, got {dev_share!r}")
    return set(test), dev_share


def _batch(article: SourceArticle) -> str:
    return Path(article.path).stem


def assign_splits(articles: list[SourceArticle], test_batches: set[str], dev_share: float) -> dict[str, str]:
    """article id -> split: the test batches' articles are test; each other article is dev
    when the hash of its id falls below ``dev_share`` (so adding articles moves no other)."""
    splits = {}
    for article in articles:
        if _batch(article) in test_batches:
            splits[article.article_id] = "test"
        else:
            position = int(hashlib.sha1(article.article_id.encode()).hexdigest()[:8], 16) / 16**8
            splits[article.article_id] = "dev" if position < dev_share else "train"
    return splits


def read_adjudication(path: Path) -> dict[str, list[str]]:
    """sentence id -> final labels; ``FILE:LINE`` errors for malformed lines."""
    if not path.is_file():
        return {}
    final = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            labels = record["final"]
            if not isinstance(record["id"], str) or not isinstance(labels, list):
                raise TypeError("'id' must be a string and 'final' a list")
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise WarwireError(f"{path}:{number}: not an adjudication record ({type(error).__name__}: {error})") from None
        if unknown_labels(labels):
            raise WarwireError(f"{path}:{number}: unknown label(s) {unknown_labels(labels)}")
        final[record["id"]] = [label for label in LABELS if label in labels]
    return final


def paired_labels(
    first: list[SourceArticle], second: list[SourceArticle], unmatched_ok: bool = False
) -> dict[str, tuple[list[str], list[str]]]:
    """sentence id -> (first labels, second labels) for every sentence of ``second``,
    which must hold the same articles and sentences as ``first``.

    ``unmatched_ok``: articles of ``second`` that ``first`` lacks are left out (two
    blind passes of the stress split progress independently).
    """
    by_id = {a.article_id: a for a in first}
    pairs = {}
    for article in second:
        original = by_id.get(article.article_id)
        if original is None and unmatched_ok:
            continue
        if original is None or len(original.sentences) != len(article.sentences):
            raise WarwireError(f"{article.path}: article {article.article_id!r} does not match its first pass")
        for index, (s_first, s_second) in enumerate(zip(original.sentences, article.sentences)):
            if s_first.text != s_second.text:
                raise WarwireError(f"{article.path}:{s_second.line}: sentence text differs from the first pass")
            pairs[sentence_id(article.article_id, index)] = (s_first.labels, s_second.labels)
    return pairs


def _kappa(first: np.ndarray, second: np.ndarray) -> float | None:
    """Cohen's kappa, or None where it is undefined (no sentences, or one class only)."""
    if len(first) == 0 or len(set(first) | set(second)) < 2:
        return None
    return round(float(cohen_kappa_score(first, second)), 3)


def agreement(pairs: Iterable[tuple[list[str], list[str]]]) -> dict:
    """Per-label Cohen's kappa and raw agreement between two labelings of the same sentences."""
    pairs = list(pairs)
    a = np.array([to_multi_hot(first) for first, _ in pairs], dtype=int).reshape(-1, len(LABELS))
    b = np.array([to_multi_hot(second) for _, second in pairs], dtype=int).reshape(-1, len(LABELS))
    return {
        "sentences": int(len(a)),
        "per_label": {
            label: {
                "kappa": _kappa(a[:, i], b[:, i]),
                "agreement": round(float((a[:, i] == b[:, i]).mean()), 3) if len(a) else None,
                "first_pass_positives": int(a[:, i].sum()),
                "second_pass_positives": int(b[:, i].sum()),
            }
            for i, label in enumerate(LABELS)
        },
        "exact_agreement": round(float((a == b).all(axis=1).mean()), 3) if len(a) else None,
    }


def _record(article: SourceArticle, index: int, labels: list[str], split: str) -> dict:
    return {
        "id": sentence_id(article.article_id, index),
        "article_id": article.article_id,
        "text": article.sentences[index].text,
        "labels": labels,
        "conflict": article.meta["conflict"],
        "register": article.meta["register"],
        "outlet": article.meta["outlet"],
        "date": article.meta.get("date", ""),
        "split": split,
    }


def _disagreement(article: SourceArticle, index: int, first: list[str], second: list[str], final) -> dict:
    """What an adjudicator needs: the sentence, its neighbours, both passes."""
    sentences = article.sentences
    return {
        "id": sentence_id(article.article_id, index),
        "headline": sentences[0].text,
        "previous": sentences[index - 1].text if index else "",
        "text": sentences[index].text,
        "next": sentences[index + 1].text if index + 1 < len(sentences) else "",
        "register": article.meta["register"],
        "first": first,
        "second": second,
        "final": final,
    }


def _finalize(articles, splits, pairs, adjudicated, split_of_all=None):
    """Records per split, the disagreement list and the agreement per split."""
    out: dict[str, list[dict]] = {}
    disagreements, by_split = [], {}
    for article in articles:
        split = split_of_all or splits[article.article_id]
        for index, sentence in enumerate(article.sentences):
            sid = sentence_id(article.article_id, index)
            first, second = pairs.get(sid, (sentence.labels, None))
            if second is not None:
                by_split.setdefault(split, []).append((first, second))
            if second is not None and first != second:
                disagreements.append(_disagreement(article, index, first, second, adjudicated.get(sid)))
            labels = adjudicated.get(sid, first)
            out.setdefault(split, []).append(_record(article, index, labels, split))
    return out, disagreements, {split: agreement(p) for split, p in by_split.items()}


def _jsonl(rows: Iterable[dict]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def build(data_dir: Path | str = DATA_DIR, output_dir: Path | str | None = None) -> BuildResult:
    """Write the corpus splits, the agreement figures and the disagreement lists.

    Args:
        data_dir: holds ``source/`` and ``annotation/`` (see the module docstring).
        output_dir: where the split files go (default ``DATA_DIR/corpus``).

    Returns:
        Sentences per split, the count of disagreements still to adjudicate, agreement.
    """
    layout = Layout(Path(data_dir))
    articles = read_sources(layout.source_dir.glob("*.txt"))
    if not articles:
        raise WarwireError(f"{layout.source_dir}: no source articles (*.txt)")
    test_batches, dev_share = read_split_plan(layout.source_dir / SPLITS_FILE)
    unknown = sorted(test_batches - {_batch(a) for a in articles})
    if unknown:
        raise WarwireError(f"{layout.source_dir / SPLITS_FILE}: test batch(es) {unknown} have no source file")
    splits = assign_splits(articles, test_batches, dev_share)
    pairs = paired_labels(articles, read_sources(layout.second_pass_dir.glob("*.txt")))
    out, disagreements, agreements = _finalize(articles, splits, pairs, read_adjudication(layout.adjudication_file))

    stress_a = read_sources((layout.stress_dir / "pass_a").glob("*.txt"))
    stress_pairs = paired_labels(stress_a, read_sources((layout.stress_dir / "pass_b").glob("*.txt")), unmatched_ok=True)
    stress_adjudicated = read_adjudication(layout.stress_dir / "adjudication.jsonl")
    # Only articles labeled blind twice enter the stress split (a pass may still be under way).
    stress_a = [a for a in stress_a if sentence_id(a.article_id, 0) in stress_pairs]
    if stress_a:
        # Where the two blind passes agree, that is the label; adjudication settles the rest.
        agreed = {sid: a for sid, (a, b) in stress_pairs.items() if a == b}
        stress_out, stress_disagreements, stress_agreement = _finalize(
            stress_a, {}, stress_pairs, {**agreed, **stress_adjudicated}, split_of_all=STRESS
        )
        out.update(stress_out)
        disagreements += stress_disagreements

    out = {split: out[split] for split in (*SPLITS, STRESS) if split in out}
    files = {f"{split}.jsonl": _jsonl(rows) for split, rows in out.items()}
    annotation_files = {
        "agreement.json": json.dumps(agreements, indent=2) + "\n",
        "disagreements.jsonl": _jsonl(disagreements),
    }
    if stress_a:
        annotation_files["stress_agreement.json"] = json.dumps(stress_agreement.get(STRESS, {}), indent=2) + "\n"
    atomic_files(Path(output_dir) if output_dir is not None else layout.corpus_dir, files)
    atomic_files(layout.annotation_dir, annotation_files)
    return BuildResult(
        sentences={split: len(rows) for split, rows in out.items()},
        unadjudicated=sum(1 for d in disagreements if d["final"] is None),
        agreement={**agreements, **({STRESS: stress_agreement[STRESS]} if stress_a else {})},
    )
