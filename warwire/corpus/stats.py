"""Markdown tables describing a corpus, for its data card: counts per split, label,
conflict and register, label co-occurrence and annotator agreement."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from warwire.corpus.io import SPLITS, Example, count_labels, read_jsonl, split_path
from warwire.labels import LABELS
from warwire.markdown import table


def _by_key(splits: dict[str, list[Example]], key: str) -> list[str]:
    """Articles per value of a metadata key and split."""
    counts = {split: Counter() for split in splits}
    for split, examples in splits.items():
        for article in {e.article_id: e for e in examples}.values():
            counts[split][article.meta.get(key, "?")] += 1
    values = sorted(set().union(*counts.values()), key=lambda v: -sum(c[v] for c in counts.values()))
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


def _agreement(path: Path) -> list[str]:
    if not path.is_file():
        return ["(no second pass recorded)"]
    stats = json.loads(path.read_text(encoding="utf-8"))
    rows = [
        [label, f"{m['kappa']:.3f}", f"{m['agreement']:.3f}", m["first_pass_positives"], m["second_pass_positives"]]
        for label, m in stats["per_label"].items()
    ]
    return [
        *table(["label", "Cohen's kappa", "raw agreement", "first pass +", "second pass +"], rows),
        "",
        f"{stats['sentences']} test sentences; all four labels identical on {stats['exact_agreement']:.1%} of them.",
    ]


def corpus_stats(corpus_dir: Path | str, agreement_file: Path | str = "data/annotation/agreement.json") -> str:
    """The data card's statistics section as Markdown."""
    splits = {split: read_jsonl(split_path(corpus_dir, split)) for split in SPLITS}
    everything = [e for examples in splits.values() for e in examples]
    counts = {split: count_labels(examples) for split, examples in splits.items()}
    counts["all"] = count_labels(everything)
    columns = ["articles", "sentences", *LABELS, "none"]
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
            "### Label co-occurrence (all splits, sentences)",
            "",
            *_cooccurrence(everything),
            "",
            *_label_set_sizes(everything),
            "",
            "### Agreement on the test split before adjudication",
            "",
            *_agreement(Path(agreement_file)),
            "",
        ]
    )
