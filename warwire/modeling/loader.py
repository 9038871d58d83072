"""The one loader of model dirs: ``warwire.json`` decides the kind, ``backend`` the runtime."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from warwire.errors import WarwireError
from warwire.modeling.classifier import Classifier
from warwire.modeling.modeldir import INFO_FILE, ModelInfo, read_info, version_mismatches

# How a transformer model dir is run: see load_classifier.
BACKENDS = ("auto", "torch", "onnx")


def check_backend(backend: str) -> str:
    """``backend`` if it names one of BACKENDS, else a WarwireError."""
    if backend not in BACKENDS:
        raise WarwireError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    return backend


def load_classifier(
    model_dir: Path | str,
    warn: Callable[[str], None] | None = None,
    backend: str = "torch",
    notify: Callable[[str], None] | None = None,
    device: str = "cpu",
) -> Classifier:
    """Load a model dir into a classifier.

    Never runs code from the dir and never reaches a network. ``warn`` receives
    one message per package whose version differs from training.

    Args:
        backend: for transformer models, ``"torch"`` (PyTorch, fp32: the reference),
            ``"onnx"`` (int8 ONNX Runtime, exported once and cached in MODEL_DIR/onnx/)
            or ``"auto"`` (onnx when ONNX Runtime is installed and the export works,
            else torch). The TF-IDF baseline has a single path.
        notify: told about slow one-time work (the ONNX export).
        device: ``cpu`` or ``cuda`` (``warwire.modeling.device.resolve_device``); on
            ``cuda`` a transformer runs on PyTorch (bf16). TF-IDF always runs on the CPU.
    """
    check_backend(backend)
    model_dir = Path(model_dir)
    info = read_info(model_dir)
    if warn is not None:
        for mismatch in version_mismatches(info.versions):
            warn(f"{model_dir}: {mismatch}; predictions may differ slightly")
    if info.kind == "transformer":
        from warwire.modeling.device import backend_for

        return _load_transformer(model_dir, info, backend_for(device, backend), warn, notify, device)
    if info.kind == "tfidf":
        from warwire.modeling.tfidf import TfidfClassifier

        if backend == "onnx":
            raise WarwireError(f"{model_dir}: the onnx backend is for transformer models; this is a TF-IDF model")
        return TfidfClassifier.load(model_dir, info)
    raise WarwireError(f"{model_dir / INFO_FILE}: unknown model kind {info.kind!r}")


def _load_transformer(model_dir: Path, info: ModelInfo, backend: str, warn, notify, device: str) -> Classifier:
    from warwire.modeling.onnx_runtime import load_onnx_classifier, onnx_runtime_available

    if backend == "onnx" or (backend == "auto" and onnx_runtime_available()):
        # A needed export runs at the first scoring, so bad input is reported first;
        # with "auto", an export that fails falls back to PyTorch with a warning.
        fallback_warn = (warn or (lambda message: None)) if backend == "auto" else None
        return load_onnx_classifier(model_dir, info, notify=notify, defer_export=True, fallback_warn=fallback_warn)
    from warwire.modeling.transformer import TransformerClassifier

    return TransformerClassifier.load(model_dir, info, device)
