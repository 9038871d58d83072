"""The model dir format: what ``warwire.json`` holds and how it is read and checked.

A model dir is written whole or not at all (``warwire.fileio.atomic_dir``) and loaded
without running its code (``warwire.modeling.classifier.load_classifier``). It holds
``warwire.json`` (kind, labels, thresholds, recipe, data paths and hashes, dev metrics,
package versions), the weights in safetensors, the tokenizer (for transformer models)
and a model card ``README.md``.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from warwire.errors import WarwireError
from warwire.labels import LABELS

INFO_FILE = "warwire.json"
# A transformer model dir's weights (the only weights format a model dir may hold).
WEIGHTS_FILE = "model.safetensors"
# The TF-IDF baseline's vocabulary and settings (JSON) and its weights.
TFIDF_VOCAB_FILE = "tfidf.json"
TFIDF_WEIGHTS_FILE = "tfidf.safetensors"
FORMAT_VERSION = 1
# Files that would be unpickled by some loaders: never accepted in a model dir.
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".joblib", ".h5")
# Packages whose versions change predictions; recorded at training, checked at loading.
TRACKED_PACKAGES = ("warwire", "torch", "transformers", "scikit-learn", "tokenizers", "pysbd")


@dataclass
class ModelInfo:
    """The contents of ``warwire.json``."""

    kind: str
    labels: list[str]
    thresholds: dict[str, float]
    recipe: dict
    data: dict = field(default_factory=dict)
    dev_metrics: dict = field(default_factory=dict)
    versions: dict = field(default_factory=dict)
    training: dict = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    def save(self, directory: Path) -> None:
        """Write ``warwire.json`` into ``directory`` (a staging dir: see ``fileio.atomic_dir``)."""
        (directory / INFO_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")


def package_versions() -> dict[str, str]:
    versions = {"python": sys.version.split()[0]}
    for name in TRACKED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def version_mismatches(recorded: dict[str, str]) -> list[str]:
    """'name trained with X, running Y' for every tracked package that differs."""
    current = package_versions()
    return [
        f"{name} trained with {version}, running {current[name]}"
        for name, version in recorded.items()
        if name in current and name != "python" and current[name] != version
    ]


def read_info(model_dir: Path) -> ModelInfo:
    """Read and validate ``warwire.json`` of a model dir."""
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise WarwireError(f"{model_dir}: no such model dir")
    pickles = sorted(p.name for p in model_dir.iterdir() if p.suffix in PICKLE_SUFFIXES)
    if pickles:
        raise WarwireError(
            f"{model_dir}: refusing to load pickle-format file(s) {pickles}; warwire model dirs hold weights in safetensors only"
        )
    info_path = model_dir / INFO_FILE
    if not info_path.is_file():
        raise WarwireError(f"{model_dir}: not a warwire model dir (no {INFO_FILE})")
    try:
        raw = json.loads(info_path.read_text(encoding="utf-8"))
        info = ModelInfo(**raw)
    except (json.JSONDecodeError, UnicodeDecodeError, TypeError) as error:
        raise WarwireError(f"{info_path}: unreadable model info ({error})") from None
    if list(info.labels) != list(LABELS):
        raise WarwireError(f"{info_path}: labels {info.labels} do not match warwire's {list(LABELS)}")
    if set(info.thresholds) != set(LABELS):
        raise WarwireError(f"{info_path}: thresholds must name each of {list(LABELS)}")
    _check_files(model_dir, info.kind)
    return info


# The files each kind of model dir needs (any one of a tuple), and what each is for.
REQUIRED_FILES = {
    "transformer": (
        ((WEIGHTS_FILE,), "the weights"),
        (("config.json",), "the architecture and labels"),
        (("tokenizer.json", "vocab.txt"), "the tokenizer"),
        (("tokenizer_config.json",), "the tokenizer's settings"),
    ),
    "tfidf": (((TFIDF_VOCAB_FILE,), "the vocabulary"), ((TFIDF_WEIGHTS_FILE,), "the weights")),
}


def _check_files(model_dir: Path, kind: str) -> None:
    """A one-line error naming the first missing file, before any library reads the dir."""
    for names, role in REQUIRED_FILES.get(kind, ()):
        if not any((model_dir / name).is_file() for name in names):
            missing = " or ".join(names)
            if names == (WEIGHTS_FILE,):
                raise WarwireError(f"{model_dir}: missing weights file {WEIGHTS_FILE}")
            raise WarwireError(f"{model_dir}: missing {missing} ({role}); the model dir is incomplete")
