"""The TF-IDF + logistic regression baseline (one-vs-rest), stored without pickle:
the vocabulary and settings in JSON, the IDF weights and the linear layer in safetensors.

Fitting is in ``warwire.training.tfidf``; here the stored model is saved, loaded and run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer

from warwire.errors import WarwireError
from warwire.labels import LABELS
from warwire.modeling.classifier import ThresholdedPredictions
from warwire.modeling.modeldir import TFIDF_VOCAB_FILE as VOCAB_FILE
from warwire.modeling.modeldir import TFIDF_WEIGHTS_FILE as WEIGHTS_FILE
from warwire.modeling.modeldir import ModelInfo


class TfidfClassifier(ThresholdedPredictions):
    """Scores sentences with a TF-IDF vectorizer and one logistic regression per label."""

    def __init__(self, vectorizer: TfidfVectorizer, coef: np.ndarray, intercept: np.ndarray, info: ModelInfo | None):
        self.vectorizer = vectorizer
        self.coef = coef  # (labels, features)
        self.intercept = intercept  # (labels,)
        self.info = info
        self.truncated = 0  # TF-IDF reads whole sentences; kept for a uniform interface
        self.backend = "tfidf"

    def save(self, directory: Path) -> None:
        settings = {
            key: value
            for key, value in self.vectorizer.get_params().items()
            if key in ("ngram_range", "min_df", "sublinear_tf", "lowercase", "strip_accents")
        }
        settings["ngram_range"] = list(settings["ngram_range"])
        vocabulary = {term: int(index) for term, index in self.vectorizer.vocabulary_.items()}
        (directory / VOCAB_FILE).write_text(
            json.dumps({"settings": settings, "vocabulary": vocabulary}, ensure_ascii=False), encoding="utf-8"
        )
        save_file(
            {"idf": self.vectorizer.idf_.astype(np.float64), "coef": self.coef, "intercept": self.intercept},
            str(directory / WEIGHTS_FILE),
        )

    @classmethod
    def load(cls, model_dir: Path, info: ModelInfo) -> TfidfClassifier:
        try:
            stored = json.loads((model_dir / VOCAB_FILE).read_text(encoding="utf-8"))
            tensors = load_file(str(model_dir / WEIGHTS_FILE))
            settings = stored["settings"]
            vectorizer = TfidfVectorizer(**{**settings, "ngram_range": tuple(settings["ngram_range"])})
            vectorizer.vocabulary_ = stored["vocabulary"]
            vectorizer.idf_ = tensors["idf"]
            coef, intercept = tensors["coef"], tensors["intercept"]
        except Exception as error:  # missing or corrupt files surface as many error types
            raise WarwireError(f"{model_dir}: cannot load TF-IDF model ({type(error).__name__}: {error})") from None
        if coef.shape != (len(LABELS), len(stored["vocabulary"])) or intercept.shape != (len(LABELS),):
            raise WarwireError(f"{model_dir}: TF-IDF weights do not match {len(LABELS)} labels and the vocabulary")
        return cls(vectorizer, coef, intercept, info)

    def score(
        self,
        texts: Sequence[str],
        batch_size: int = 1024,
        on_batch: Callable[[int], None] | None = None,
        contexts: Sequence[str] | None = None,
    ) -> np.ndarray:
        """Probabilities shaped (len(texts), labels). TF-IDF reads the sentence alone: ``contexts`` is ignored."""
        scores = np.zeros((len(texts), len(LABELS)), dtype=np.float32)
        for first in range(0, len(texts), batch_size):
            batch = list(texts[first : first + batch_size])
            logits = self.vectorizer.transform(batch) @ self.coef.T + self.intercept
            scores[first : first + len(batch)] = expit(logits)
            if on_batch is not None:
                on_batch(len(batch))
        return scores
