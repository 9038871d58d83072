"""The classifier protocol every model kind follows (``warwire.modeling.loader`` loads them).

A classifier has ``info`` (its ``warwire.json``), ``score(texts)`` (probabilities per
label) and ``predict(texts)`` (0/1 decisions with the model's thresholds applied).
Prediction and evaluation use only this protocol, so they never import a training
library (``Trainer``, ``datasets``, scikit-learn's estimators).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from warwire.labels import LABELS
from warwire.modeling.context import context_mode, contexts_for
from warwire.modeling.modeldir import ModelInfo


class Classifier(Protocol):
    """What a loaded model offers (TF-IDF, PyTorch and ONNX Runtime alike)."""

    info: ModelInfo
    truncated: int  # sentences cut at the model's token limit so far
    backend: str

    def score(
        self,
        texts: Sequence[str],
        batch_size: int = ...,
        on_batch: Callable[[int], None] | None = None,
        contexts: Sequence[str] | None = None,
    ) -> np.ndarray:
        """Probabilities shaped (len(texts), labels), in the order of ``texts``; ``contexts``
        are the second segments of the model's text pairs where it takes them."""
        ...

    def predict(self, texts: Sequence[str], **score_options) -> tuple[np.ndarray, np.ndarray]:
        """(0/1 decisions with the model's thresholds, probabilities)."""
        ...


def apply_thresholds(scores: np.ndarray, thresholds: dict[str, float]) -> np.ndarray:
    """0/1 decisions shaped like ``scores``: score >= the label's threshold."""
    cut = np.array([thresholds[label] for label in LABELS])
    return (np.asarray(scores) >= cut).astype(int)


class ThresholdedPredictions:
    """``predict`` for every classifier: its scores with its own thresholds applied."""

    info: ModelInfo

    @property
    def context(self) -> str:
        """The model's context mode (``warwire.modeling.context``)."""
        return context_mode(self.info.recipe) if self.info is not None else "none"

    def predict(self, texts: Sequence[str], **score_options) -> tuple[np.ndarray, np.ndarray]:
        """(decisions 0/1, scores), both shaped (len(texts), labels)."""
        scores = self.score(texts, **score_options)
        return apply_thresholds(scores, self.info.thresholds), scores

    def predict_examples(self, examples: Sequence, on_batch: Callable[[int], None] | None = None):
        """``predict`` on labeled examples (``warwire.corpus.io.Example``: ``text``,
        ``article_id``): each sentence with the context the model takes, in batches of the
        recipe's ``eval_batch_size`` where it has one (TF-IDF scores in its own blocks)."""
        texts = [e.text for e in examples]
        options = {"on_batch": on_batch, "contexts": contexts_for(self.context, [e.article_id for e in examples], texts)}
        if "eval_batch_size" in self.info.recipe:
            options["batch_size"] = int(self.info.recipe["eval_batch_size"])
        return self.predict(texts, **options)
