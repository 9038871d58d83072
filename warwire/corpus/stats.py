"""Markdown tables describing a corpus, for its data card: counts per split, label,
conflict and register, label co-occurrence and annotator agreement."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from warwire.corpus.check import count_labels, read_splits
from warwire.corpus.io import SPLITS, Example
from warwire.labels import LABELS
from warwire.markdown import fmt, table


def _by_key(splits: dict[str, list[Example]], key: str) -> list[str]:
    """Articles per value of a metadata key and split."""
    counts = {split: Counter() for split in splits}
    for split, examples in splits.items():
        for article in {e.article_id: e for e in examples}.values():
            counts[split][article.meta.get(key, "?")] += 1
    # Most articles first; ties by name, so the card does not reshuffle when the set does.
    values = sorted(set().union(*counts.values()), key=lambda v: (-sum(c[v] for c in counts.values()), v))
    rows = [[v, *(counts[s][v] for s in splits), sum(counts[s][v] for s in splits)] for v in values]
    return table([key, *splits, "all"], rows)


def _cooccurrence(examples: list[Example]) -> list[str]:
    """Sentences carrying both labels (diagonal: the label at all)."""
    rows = []
    for a in LABELS:
        rows.append([a, *(sum(1 for e in examples if a in e.labels and b in e.labels) for b in LABELS)])
    return table(["", *LABELS], rows)


def _label_set_sizes(examples: list[Example]) -> list[str]:
    sizes = Counter(len(e.labels) for e in examples)
    return table(
        ["labels per sentence", "sentences", "share"], [[k, sizes[k], f"{sizes[k] / len(examples):.1%}"] for k in sorted(sizes)]
    )


def _agreement(path: Path, what: str) -> list[str]:
    """Per split and label: kappa and raw agreement of the two passes before adjudication."""
    if not path.is_file():
        return ["(no second pass recorded)"]
    stats = json.loads(path.read_text(encoding="utf-8"))
    per_split = stats if "per_label" not in stats else {what: stats}
    rows = [
        [split, label, fmt(m["kappa"]), fmt(m["agreement"]), m["first_pass_positives"], m["second_pass_positives"]]
        for split, s in per_split.items()
        for label, m in s["per_label"].items()
    ]
    exact = [
        f"{split}: {s['sentences']} sentences, all four labels identical on {s['exact_agreement']:.1%}"
        for split, s in per_split.items()
    ]
    return [
        *table(["split", "label", "Cohen's kappa", "raw agreement", "first pass +", "second pass +"], rows),
        "",
        "; ".join(exact) + ".",
    ]


def corpus_stats(corpus_dir: Path | str, annotation_dir: Path | str = "data/annotation") -> str:
    """The data card's statistics section as Markdown."""
    splits = read_splits(corpus_dir)
    everything = [e for split in SPLITS for e in splits[split]]  # train+dev+test: the stress split stands apart
    counts = {split: count_labels(examples) for split, examples in splits.items()}
    counts["train+dev+test"] = count_labels(everything)
    columns = ["articles", "sentences", *LABELS, "none"]
    annotation_dir = Path(annotation_dir)
    return "\n".join(
        [
            "### Counts per split and label (sentences)",
            "",
            *table(["split", *columns], [[s, *(c[k] for k in columns)] for s, c in counts.items()]),
            "",
            "### Articles per conflict",
            "",
            *_by_key(splits, "conflict"),
            "",
            "### Articles per register",
            "",
            *_by_key(splits, "register"),
            "",
            "### Label co-occurrence (train+dev+test, sentences)",
            "",
            *_cooccurrence(everything),
            "",
            *_label_set_sizes(everything),
            "",
            "### Agreement of the two labeling passes before adjudication",
            "",
            *_agreement(annotation_dir / "agreement.json", "test"),
            "",
            "### Agreement of the stress split's two blind passes before adjudication",
            "",
            *_agreement(annotation_dir / "stress_agreement.json", "stress"),
            "",
        ]
    )
