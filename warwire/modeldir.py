"""Model dirs: written whole or not at all, and loaded without running their code.

A model dir holds ``warwire.json`` (kind, labels, thresholds, recipe, data paths and
hashes, dev metrics, package versions), the weights in safetensors, the tokenizer (for
transformer models) and a model card ``README.md``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from warwire.errors import WarwireError
from warwire.labels import LABELS

INFO_FILE = "warwire.json"
# A transformer model dir's weights (the only weights format a model dir may hold).
WEIGHTS_FILE = "model.safetensors"
FORMAT_VERSION = 1
# Files that would be unpickled by some loaders: never accepted in a model dir.
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".joblib", ".h5")
# Packages whose versions change predictions; recorded at training, checked at loading.
TRACKED_PACKAGES = ("warwire", "torch", "transformers", "scikit-learn", "tokenizers", "pysbd")
# How a transformer model dir is run: see load_classifier.
BACKENDS = ("auto", "torch", "onnx")


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


@contextmanager
def atomic_directory(output: Path, overwrite: bool) -> Iterator[Path]:
    """Yield a temporary dir beside ``output``; on success it becomes ``output``.

    If the body raises (or is interrupted), the temporary dir is removed and
    ``output`` is untouched, so a model dir that exists is always complete.
    """
    output = Path(output)
    if output.exists() and not overwrite:
        raise WarwireError(f"{output}: already exists (pass --overwrite to replace it)")
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.partial-", dir=output.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a model dir is meant to be shared
    try:
        yield staging
        if output.exists():
            retired = output.with_name(f".{output.name}.old-{os.getpid()}")
            output.rename(retired)
            staging.rename(output)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            staging.rename(output)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def read_info(model_dir: Path) -> ModelInfo:
    """Read and validate ``warwire.json`` of a model dir."""
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise WarwireError(f"{model_dir}: no such model dir")
    pickles = sorted(p.name for p in model_dir.iterdir() if p.suffix in PICKLE_SUFFIXES)
    if pickles:
        raise WarwireError(
            f"{model_dir}: refusing to load pickle-format file(s) {pickles}; "
            "warwire model dirs hold weights in safetensors only"
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
    return info


def load_classifier(
    model_dir: Path | str,
    warn: Callable[[str], None] | None = None,
    backend: str = "torch",
    notify: Callable[[str], None] | None = None,
):
    """Load a model dir into a classifier with ``info`` and ``score(texts)``.

    Never runs code from the dir and never reaches a network. ``warn`` receives
    one message per package whose version differs from training.

    Args:
        backend: for transformer models, ``"torch"`` (PyTorch, fp32: the reference),
            ``"onnx"`` (int8 ONNX Runtime, exported once and cached in MODEL_DIR/onnx/)
            or ``"auto"`` (onnx when ONNX Runtime is installed and the export works,
            else torch). The TF-IDF baseline has a single path.
        notify: told about slow one-time work (the ONNX export).
    """
    check_backend(backend)
    model_dir = Path(model_dir)
    info = read_info(model_dir)
    if warn is not None:
        for mismatch in version_mismatches(info.versions):
            warn(f"{model_dir}: {mismatch}; predictions may differ slightly")
    if info.kind == "transformer":
        return _load_transformer(model_dir, info, backend, warn, notify)
    if info.kind == "tfidf":
        from warwire.baseline import TfidfClassifier

        if backend == "onnx":
            raise WarwireError(f"{model_dir}: the onnx backend is for transformer models; this is a TF-IDF model")
        return TfidfClassifier.load(model_dir, info)
    raise WarwireError(f"{model_dir / INFO_FILE}: unknown model kind {info.kind!r}")


def check_backend(backend: str) -> str:
    """``backend`` if it names one of BACKENDS, else a WarwireError."""
    if backend not in BACKENDS:
        raise WarwireError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    return backend


def _load_transformer(model_dir: Path, info: ModelInfo, backend: str, warn, notify):
    from warwire.onnx_backend import load_onnx_classifier, onnx_runtime_available

    if backend == "onnx" or (backend == "auto" and onnx_runtime_available()):
        # A needed export runs at the first scoring, so bad input is reported first;
        # with "auto", an export that fails falls back to PyTorch with a warning.
        fallback_warn = (warn or (lambda message: None)) if backend == "auto" else None
        return load_onnx_classifier(model_dir, info, notify=notify, defer_export=True, fallback_warn=fallback_warn)
    from warwire.transformer import TransformerClassifier

    return TransformerClassifier.load(model_dir, info)
