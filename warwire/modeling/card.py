"""The model card (``README.md``) of every model dir, in Hugging Face Hub style: YAML
front matter the Hub reads (library, task, base model, tags, dev metrics as a
``model-index``), then the body for people. Rendered from one template."""

from __future__ import annotations

import json
from string import Template

from warwire.labels import LABELS
from warwire.markdown import table
from warwire.modeling.context import context_mode
from warwire.modeling.modeldir import ModelInfo

CARD_FILE = "README.md"

# $-placeholders are filled by model_card; everything else is literal.
CARD_TEMPLATE = Template("""\
---
$front_matter
---

# warwire model: $name

Labels the sentences of conflict news as `attack_report`, `official_claim`, `denial`
and `casualty_statement` (multi-label; a sentence may carry none), following the
annotation standard in the warwire repository (`data/GUIDELINE.md`).

- **Model**: $what.
- **Trained on**: `$train_path` ($train_sentences sentences, sha256 `$train_sha`…)$unlabeled.
- **Tuned on**: `$dev_path` ($dev_sentences sentences, sha256 `$dev_sha`…): best epoch and one decision threshold per label.
- **Seed**: $seed. **Trained in**: $seconds s.

## Dev metrics (thresholds tuned on this same split, so optimistic)

macro-F1 **$macro_f1**, micro-F1 $micro_f1, exact match $exact_match.

$metrics_table

Run `warwire evaluate MODEL_DIR` for test-split figures.

## Use

```
warwire predict MODEL_DIR article.txt --output labels.jsonl
```
$transformers_use
## Limits

Trained on English news prose written for the warwire corpus; other languages,
social-media text$long_sentences are outside what it was checked on. It labels what a
sentence reports, never whether it is true.

## Environment

$environment
""")

TRANSFORMERS_USE = """
The dir also opens in plain `transformers` (scores are sigmoids, one per label; apply
the thresholds above, which `warwire.json` records):

```python
from transformers import pipeline
classify = pipeline("text-classification", model="MODEL_DIR", top_k=None, function_to_apply="sigmoid")
$call
```
"""
# How the model is called: with its context as the second segment of a pair, or alone.
CALLS = {
    "none": 'classify("The ministry denied the report.")',
    "previous": 'classify({"text": "The sentence to label.", "text_pair": "The previous sentence of the article."})',
}


def _yaml(value) -> str:
    """A YAML scalar: JSON strings and numbers are valid YAML."""
    return json.dumps(value, ensure_ascii=False)


def front_matter(name: str, info: ModelInfo) -> str:
    """The YAML header: what the Hub shows and indexes."""
    recipe, dev = info.recipe, info.dev_metrics
    lines = [
        "library_name: " + ("transformers" if info.kind == "transformer" else "warwire"),
        "pipeline_tag: text-classification",
        "language:",
        "- en",
        "license: mit",
    ]
    if info.kind == "transformer":
        lines.append(f"base_model: {_yaml(recipe['backbone'])}")
    lines += ["tags:", "- warwire", "- multi-label-classification", "- conflict-news", f"- {info.kind}"]
    metrics = [("macro_f1", "macro-F1", dev["macro_f1"]), ("micro_f1", "micro-F1", dev["micro_f1"])]
    metrics += [(f"f1_{label}", f"{label} F1", dev["per_label"][label]["f1"]) for label in LABELS]
    lines += [
        "model-index:",
        f"- name: {_yaml(name)}",
        "  results:",
        "  - task:",
        "      type: text-classification",
        "      name: Multi-label sentence classification",
        "    dataset:",
        f"      name: {_yaml(info.data['dev']['path'])}",
        "      type: warwire-corpus",
        "      split: dev",
        "    metrics:",
    ]
    for key, title, value in metrics:
        lines += [f"    - type: {key}", f"      name: {_yaml(title)}", f"      value: {round(value, 4)}"]
    return "\n".join(lines)


def _what(info: ModelInfo) -> str:
    """What the model is and how it learned: fine-tuned, distilled from a teacher, or TF-IDF."""
    recipe = info.recipe
    if info.kind != "transformer":
        return f"TF-IDF (1-{recipe['ngram_max']}-grams) + one-vs-rest logistic regression (C={recipe['c']})"
    distillation = info.training.get("distillation")
    if distillation:
        teacher = f"`{distillation['teacher']}`" + (
            f" (backbone `{distillation['teacher_backbone']}`)" if distillation.get("teacher_backbone") else ""
        )
        what = (
            f"a `{recipe['backbone']}` backbone with one sigmoid per label, distilled from the teacher {teacher}: "
            f"trained on the teacher's probabilities (weight {distillation['weight']}, temperature "
            f"{distillation['temperature']}) and the gold labels"
        )
    else:
        what = f"a `{recipe['backbone']}` backbone fine-tuned with one sigmoid per label (BCE)"
    if context_mode(recipe) == "previous":
        what += ", reading the previous sentence as context (second segment of a pair)"
    return what


def _unlabeled(info: ModelInfo) -> str:
    """The distillation's unlabeled sentences, for the "Trained on" line, where there were any."""
    count = (info.training.get("distillation") or {}).get("unlabeled_sentences")
    return f" and {count} unlabeled sentences labeled by the teacher" if count else ""


def model_card(name: str, info: ModelInfo) -> str:
    """The card's Markdown: front matter, what the model is, what it saw, dev figures."""
    recipe, dev = info.recipe, info.dev_metrics
    rows = [
        [
            label,
            f"{info.thresholds[label]:.2f}",
            *(f"{dev['per_label'][label][k]:.3f}" for k in ("precision", "recall", "f1")),
            dev["per_label"][label]["support"],
        ]
        for label in LABELS
    ]
    return CARD_TEMPLATE.substitute(
        front_matter=front_matter(name, info),
        name=name,
        what=_what(info),
        train_path=info.data["train"]["path"],
        train_sentences=info.data["train"]["sentences"],
        train_sha=info.data["train"]["sha256"][:12],
        unlabeled=_unlabeled(info),
        dev_path=info.data["dev"]["path"],
        dev_sentences=info.data["dev"]["sentences"],
        dev_sha=info.data["dev"]["sha256"][:12],
        seed=recipe["seed"],
        seconds=f"{info.training.get('seconds', 0):.0f}",
        macro_f1=f"{dev['macro_f1']:.3f}",
        micro_f1=f"{dev['micro_f1']:.3f}",
        exact_match=f"{dev['exact_match']:.3f}",
        metrics_table="\n".join(table(["label", "threshold", "precision", "recall", "F1", "support"], rows)),
        transformers_use=Template(TRANSFORMERS_USE).substitute(call=CALLS[context_mode(recipe)])
        if info.kind == "transformer"
        else "",
        long_sentences=f" and very long sentences (truncated to {recipe['max_length']} tokens)" if "max_length" in recipe else "",
        environment="\n".join(f"- {package}: {version}" for package, version in info.versions.items()),
    )
