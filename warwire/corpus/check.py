"""Checks of a built corpus (``warwire data check``): duplicate ids, articles or
sentences in two splits, test sentences that near-duplicate train/dev ones, held-out
sentences repeated in the unlabeled articles distillation trains on, counts."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from warwire.corpus.io import OPTIONAL_SPLITS, SPLITS, Example, read_jsonl, split_path
from warwire.errors import WarwireError
from warwire.labels import LABELS

# Test sentences this similar (TF-IDF cosine) to a train/dev sentence count as leaked.
NEAR_DUPLICATE_COSINE = 0.9
# Held-out sentences at least this long (normalized) must not repeat in the unlabeled
# articles; shorter lines are page furniture ("Summary", "13:48 GMT") that any two
# articles of a register share without leaking anything.
UNLABELED_REPEAT_MIN_CHARS = 25


def normalize(text: str) -> str:
    """Lower-case, drop punctuation and squeeze spaces: the key for 'same sentence'."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


@dataclass
class CheckReport:
    """What ``warwire data check`` found: counts per split and the problems."""

    counts: dict[str, dict[str, int]]
    problems: list[str]
    near_duplicates: list[str]


def _duplicate_ids(splits: dict[str, list[Example]]) -> list[str]:
    seen: dict[str, str] = {}
    problems = []
    for split, examples in splits.items():
        for example in examples:
            if example.id in seen:
                problems.append(f"duplicate id {example.id!r} in {seen[example.id]} and {split}")
            seen[example.id] = split
    return problems


def _articles_in_two_splits(splits: dict[str, list[Example]]) -> list[str]:
    where: dict[str, set[str]] = defaultdict(set)
    for split, examples in splits.items():
        for example in examples:
            where[example.article_id].add(split)
    return [f"article {article!r} has sentences in {sorted(found)}" for article, found in sorted(where.items()) if len(found) > 1]


def _texts_in_two_splits(splits: dict[str, list[Example]]) -> list[str]:
    where: dict[str, set[str]] = defaultdict(set)
    first_id: dict[str, str] = {}
    for split, examples in splits.items():
        for example in examples:
            key = normalize(example.text)
            where[key].add(split)
            first_id.setdefault(key, example.id)
    return [
        f"sentence {first_id[key]!r} ({key[:60]!r}) appears in {sorted(found)}" for key, found in where.items() if len(found) > 1
    ]


def near_duplicates(held_out: list[Example], seen: list[Example], threshold: float = NEAR_DUPLICATE_COSINE) -> list[str]:
    """Held-out sentences whose TF-IDF cosine to some seen sentence exceeds ``threshold``."""
    if not held_out or not seen:
        return []
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    vectorizer.fit([e.text for e in seen] + [e.text for e in held_out])
    similarity = vectorizer.transform([e.text for e in held_out]) @ vectorizer.transform([e.text for e in seen]).T
    best = similarity.max(axis=1).toarray().ravel()
    best_index = similarity.argmax(axis=1).A.ravel()
    return [
        f"{held_out[i].id!r} ~ {seen[best_index[i]].id!r} (cosine {best[i]:.2f}): {held_out[i].text[:60]!r}"
        for i in range(len(held_out))
        if best[i] > threshold
    ]


def repeated_in_unlabeled(
    splits: dict[str, list[Example]], unlabeled_texts: Iterable[str], min_chars: int = UNLABELED_REPEAT_MIN_CHARS
) -> list[str]:
    """Test and stress sentences that reappear, word for word, among the unlabeled ones.

    A student distilled on the unlabeled articles reads their text, so a held-out
    sentence there would be seen in training (with the teacher's labels).
    """
    unlabeled = {normalize(text) for text in unlabeled_texts}
    return [
        f"{split} sentence {example.id!r} ({example.text[:60]!r}) repeats in the unlabeled articles"
        for split in ("test", *OPTIONAL_SPLITS)
        for example in splits.get(split, [])
        if len(key := normalize(example.text)) >= min_chars and key in unlabeled
    ]


def count_labels(examples: list[Example]) -> dict[str, int]:
    counts = Counter(label for e in examples for label in e.labels)
    result = {
        "articles": len({e.article_id for e in examples}),
        "sentences": len(examples),
    }
    result.update({label: counts[label] for label in LABELS})
    result["none"] = sum(1 for e in examples if not e.labels)
    return result


def read_splits(corpus_dir: Path | str) -> dict[str, list[Example]]:
    """The corpus's splits: train, dev and test, and stress where it exists."""
    names = [*SPLITS, *(s for s in OPTIONAL_SPLITS if split_path(corpus_dir, s).is_file())]
    return {split: read_jsonl(split_path(corpus_dir, split)) for split in names}


def check_corpus(corpus_dir: Path | str, unlabeled_texts: Sequence[str] = ()) -> CheckReport:
    """Validate the corpus in ``corpus_dir`` (train/dev/test JSONL).

    Malformed files raise WarwireError at the first bad line; cross-file problems
    (duplicate ids, an article or a sentence in two splits, test sentences that
    near-duplicate train/dev ones, held-out sentences among ``unlabeled_texts``, the
    sentences of unlabeled articles) are collected in the report.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise WarwireError(f"{corpus_dir}: no such corpus directory")
    splits = read_splits(corpus_dir)
    problems = _duplicate_ids(splits) + _articles_in_two_splits(splits) + _texts_in_two_splits(splits)
    problems += repeated_in_unlabeled(splits, unlabeled_texts)
    seen = splits["train"] + splits["dev"]
    leaks = [
        leak for held_out in ("test", *OPTIONAL_SPLITS) if held_out in splits for leak in near_duplicates(splits[held_out], seen)
    ]
    counts = {split: count_labels(examples) for split, examples in splits.items()}
    return CheckReport(counts=counts, problems=problems, near_duplicates=leaks)


def format_counts(counts: dict[str, dict[str, int]]) -> str:
    """A fixed-width table: one row per split, one column per count."""
    columns = ["articles", "sentences", *LABELS, "none"]
    header = f"{'split':6s}" + "".join(f"{c:>20s}" for c in columns)
    rows = [header]
    for split, row in counts.items():
        rows.append(f"{split:6s}" + "".join(f"{row[c]:>20d}" for c in columns))
    return "\n".join(rows)
