"""Fitting the TF-IDF baseline: word n-gram features and one-vs-rest logistic regression."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from warwire.config import TfidfRecipe
from warwire.corpus.io import Example
from warwire.errors import WarwireError
from warwire.labels import LABELS, to_multi_hot
from warwire.modeling.tfidf import TfidfClassifier


def _vectorizer_settings(recipe: TfidfRecipe) -> dict:
    return {
        "ngram_range": [1, recipe.ngram_max],
        "min_df": recipe.min_df,
        "sublinear_tf": True,
        "lowercase": True,
        "strip_accents": "unicode",
    }


def fit_tfidf(recipe: TfidfRecipe, train: Sequence[Example]) -> TfidfClassifier:
    """Fit TF-IDF features and one logistic regression per label on ``train``."""
    settings = _vectorizer_settings(recipe)
    vectorizer = TfidfVectorizer(**{**settings, "ngram_range": tuple(settings["ngram_range"])})
    features = vectorizer.fit_transform([e.text for e in train])
    gold = np.array([to_multi_hot(e.labels) for e in train], dtype=int)
    missing = [label for i, label in enumerate(LABELS) if gold[:, i].min() == gold[:, i].max()]
    if missing:
        raise WarwireError(f"{recipe.train_file}: label(s) {missing} are never (or always) present; cannot train")
    weights = None if recipe.class_weight == "none" else recipe.class_weight
    model = OneVsRestClassifier(
        LogisticRegression(C=recipe.c, class_weight=weights, max_iter=2000, random_state=recipe.seed)
    ).fit(features, gold)
    coef = np.vstack([e.coef_ for e in model.estimators_]).astype(np.float32)
    intercept = np.concatenate([e.intercept_ for e in model.estimators_]).astype(np.float32)
    return TfidfClassifier(vectorizer, coef, intercept, None)
