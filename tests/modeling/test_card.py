"""The model card is Hub-style (YAML front matter, then the body), and a model dir opens
in plain transformers with the same scores as warwire's torch path."""

import re

import numpy as np
import yaml

from warwire.labels import LABELS
from warwire.modeling.card import CARD_FILE
from warwire.modeling.loader import load_classifier
from warwire.modeling.modeldir import read_info

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
