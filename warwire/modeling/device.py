"""Where a transformer runs: ``--device auto|cpu|cuda`` for train, evaluate and predict.

On CUDA the PyTorch backend runs under bf16 autocast with larger batches; the int8 ONNX
backend is a CPU path. ``auto`` picks CUDA when a GPU is visible (unless the backend or
engine runs on the CPU only), and looks for one without importing torch when there is
no NVIDIA driver, so the CPU path starts fast.
"""

from __future__ import annotations

from pathlib import Path

from warwire.errors import WarwireError

DEVICES = ("auto", "cpu", "cuda")
# Sentences per inference batch when the user gives none: small batches pad least on a
# CPU; a GPU wants many sentences at once.
DEFAULT_BATCH = {"cpu": 16, "cuda": 256}
_NVIDIA_DRIVER = Path("/proc/driver/nvidia/version")


def cuda_available() -> bool:
    """A CUDA GPU is usable by torch (imports torch only where an NVIDIA driver exists)."""
    if not _NVIDIA_DRIVER.exists():
        return False
    import torch

    return torch.cuda.is_available()


# Backends that run on the CPU only: with them, ``--device auto`` is the CPU.
CPU_BACKENDS = ("onnx",)


def resolve_device(device: str, backend: str = "auto", cpu_only: bool = False) -> str:
    """``cpu`` or ``cuda`` for a ``--device`` value; a one-line error if it cannot be honoured.

    Args:
        device: ``auto``, ``cpu`` or ``cuda``.
        backend: the ``--backend`` asked for; ``auto`` means the CPU with a CPU-only one
            (int8 ONNX), since the user asked for no GPU and the backend cannot use one.
        cpu_only: the work runs on the CPU whatever the backend (``predict --engine ray``).
            An explicit ``cuda`` is still returned, for the caller to refuse in its own words.
    """
    if device not in DEVICES:
        raise WarwireError(f"unknown device {device!r}; use one of {', '.join(DEVICES)}")
    if device == "auto":
        if cpu_only or backend in CPU_BACKENDS:
            return "cpu"
        return "cuda" if cuda_available() else "cpu"
    if device == "cuda" and not cuda_available():
        raise WarwireError("--device cuda: no CUDA GPU is visible to PyTorch (use --device cpu or auto)")
    return device


def backend_for(device: str, backend: str) -> str:
    """The backend to load on ``device`` (``resolve_device``'s result): on CUDA, PyTorch."""
    if device == "cuda":
        if backend == "onnx":
            raise WarwireError("--backend onnx runs on the CPU; use --backend torch (or auto) with --device cuda")
        return "torch"
    return backend
