"""``warwire distill``: teach a fast student (the MiniLM recipe) from an accurate teacher.

The teacher (any warwire model dir, e.g. the mpnet recipe's) scores the train sentences
and the sentences of any unlabeled articles (every ``predict`` input format: the user's
own outlets). The student trains on both: gold labels where they exist and the
teacher's probabilities everywhere (``DistillationTrainer``: weight and temperature in
the student's recipe). Dev stays gold-only, so the best epoch and the thresholds are
chosen on gold labels. The student's ``warwire.json`` records its teacher and the
unlabeled data's hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.special import expit, logit

from warwire.config import TransformerRecipe
from warwire.corpus.io import Example, file_sha256
from warwire.errors import WarwireError
from warwire.modeling.modeldir import INFO_FILE

# Probabilities are clipped before the logit so a teacher's 0.0 or 1.0 stays finite.
_EPSILON = 1e-6


@dataclass
class TeacherScores:
    """A teacher's probabilities for the train sentences and for unlabeled ones."""

    train_probabilities: np.ndarray  # (train sentences, labels), in the train file's order
    unlabeled: list[Example] = field(default_factory=list)
    unlabeled_probabilities: np.ndarray | None = None
    record: dict = field(default_factory=dict)  # what warwire.json records about the teacher

    def soft_targets(self, recipe: TransformerRecipe, train: Sequence[Example]):
        """The ``SoftTargets`` for ``train`` followed by the unlabeled sentences."""
        from warwire.training.finetune import SoftTargets

        if len(train) != len(self.train_probabilities):
            raise WarwireError(f"the teacher scored {len(self.train_probabilities)} train sentences, the recipe has {len(train)}")
        parts = [self.train_probabilities]
        if self.unlabeled:
            parts.append(self.unlabeled_probabilities)
        probabilities = np.clip(np.concatenate(parts), _EPSILON, 1 - _EPSILON)
        has_gold = np.array([True] * len(train) + [False] * len(self.unlabeled))
        targets = expit(logit(probabilities) / recipe.distill_temperature).astype(np.float32)
        return SoftTargets(targets, has_gold, recipe.distill_weight, recipe.distill_temperature)


def unlabeled_examples(sentences: Sequence[tuple[str, int, str]]) -> list[Example]:
    """Label-less examples from (article id, sentence index, text) of unlabeled articles."""
    return [Example(f"unlabeled-{a}-s{i}", f"unlabeled-{a}", text, []) for a, i, text in sentences]


def score_with_teacher(
    teacher_dir: Path,
    recipe: TransformerRecipe,
    unlabeled: Sequence[Example] = (),
    unlabeled_inputs: Sequence[str] = (),
    warn: Callable[[str], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
    backend: str = "auto",
    device: str = "cpu",
) -> TeacherScores:
    """Load the teacher and score the recipe's train sentences and the ``unlabeled`` ones.

    ``unlabeled_inputs`` names where the unlabeled sentences came from (for the record);
    ``on_batch`` gets the number of sentences scored after each batch (progress bars).
    """
    from warwire.modeling.loader import load_classifier
    from warwire.training.run import train_examples

    warn = warn or (lambda message: None)
    teacher = load_classifier(teacher_dir, warn=warn, backend=backend, device=device)
    unlabeled = list(unlabeled)
    _, train_probabilities = teacher.predict_examples(train_examples(recipe), on_batch)
    unlabeled_probabilities = teacher.predict_examples(unlabeled, on_batch)[1] if unlabeled else None
    digest = hashlib.sha256("\n".join(e.text for e in unlabeled).encode("utf-8")).hexdigest()
    record = {
        "teacher": str(teacher_dir),
        "teacher_info_sha256": file_sha256(Path(teacher_dir) / INFO_FILE),
        "teacher_backbone": teacher.info.recipe.get("backbone"),
        "teacher_backend": teacher.backend,
        "unlabeled_inputs": list(unlabeled_inputs),
        "unlabeled_sentences": len(unlabeled),
        "unlabeled_sha256": digest if unlabeled else None,
        "weight": recipe.distill_weight,
        "temperature": recipe.distill_temperature,
    }
    return TeacherScores(train_probabilities, unlabeled, unlabeled_probabilities, record)
