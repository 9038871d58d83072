"""The model card (README.md) written into every model dir."""

from __future__ import annotations

from warwire.labels import LABELS
from warwire.modeldir import ModelInfo


def _metrics_table(metrics: dict, thresholds: dict[str, float]) -> list[str]:
    rows = ["| label | threshold | precision | recall | F1 | support |", "|---|---|---|---|---|---|"]
    for label in LABELS:
        m = metrics["per_label"][label]
        rows.append(
            f"| {label} | {thresholds[label]:.2f} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |"
        )
    return rows


def model_card(name: str, info: ModelInfo) -> str:
    """Markdown describing what the model is, what it saw and how it scored on dev."""
    recipe = info.recipe
    what = (
        f"a `{recipe['backbone']}` backbone fine-tuned with one sigmoid per label (BCE)"
        if info.kind == "transformer"
        else f"TF-IDF (1-{recipe['ngram_max']}-grams) + one-vs-rest logistic regression (C={recipe['c']})"
    )
    dev = info.dev_metrics
    lines = [
        f"# warwire model: {name}",
        "",
        "Labels the sentences of conflict news as `attack_report`, `official_claim`, `denial`",
        "and `casualty_statement` (multi-label; a sentence may carry none), following the",
        "annotation standard in the warwire repository (`data/GUIDELINE.md`).",
        "",
        f"- **Model**: {what}.",
        f"- **Trained on**: `{info.data['train']['path']}` ({info.data['train']['sentences']} sentences, sha256 `{info.data['train']['sha256'][:12]}…`).",
        f"- **Tuned on**: `{info.data['dev']['path']}` ({info.data['dev']['sentences']} sentences, sha256 `{info.data['dev']['sha256'][:12]}…`): best epoch and one decision threshold per label.",
        f"- **Seed**: {recipe['seed']}. **Trained in**: {info.training.get('seconds', 0):.0f} s.",
        "",
        "## Dev metrics (thresholds tuned on this same split, so optimistic)",
        "",
        f"macro-F1 **{dev['macro_f1']:.3f}**, micro-F1 {dev['micro_f1']:.3f}, exact match {dev['exact_match']:.3f}.",
        "",
        *_metrics_table(dev, info.thresholds),
        "",
        "Run `warwire evaluate MODEL_DIR` for test-split figures.",
        "",
        "## Use",
        "",
        "```",
        "warwire predict MODEL_DIR article.txt --output labels.jsonl",
        "```",
        "",
        "## Limits",
        "",
        "Trained on English news prose written for the warwire corpus; other languages,",
        "social-media text and very long sentences (truncated to",
        f"{recipe['max_length']} tokens) are outside what it was checked on. It labels what a",
        "sentence reports, never whether it is true.",
        "",
        "## Environment",
        "",
        *[f"- {name}: {version}" for name, version in info.versions.items()],
        "",
    ]
    return "\n".join(lines)
