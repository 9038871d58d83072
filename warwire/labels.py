"""The four sentence labels: the one place that defines them (see data/GUIDELINE.md)."""

from __future__ import annotations

LABELS: tuple[str, ...] = (
    "attack_report",
    "official_claim",
    "denial",
    "casualty_statement",
)

LABEL2ID: dict[str, int] = {label: i for i, label in enumerate(LABELS)}
ID2LABEL: dict[int, str] = {i: label for label, i in LABEL2ID.items()}

# How an empty label set is shown in reports and the source files.
NONE_LABEL = "none"


def unknown_labels(labels: list[str]) -> list[str]:
    """Return the labels in ``labels`` that are not one of the four, in order."""
    return [label for label in labels if label not in LABEL2ID]


def to_multi_hot(labels: list[str]) -> list[float]:
    """Encode a label list as a 0/1 vector in ``LABELS`` order."""
    present = set(labels)
    return [1.0 if label in present else 0.0 for label in LABELS]


def from_multi_hot(vector) -> list[str]:
    """Decode a 0/1 (or boolean) vector in ``LABELS`` order into a label list."""
    return [label for label, on in zip(LABELS, vector) if on]
