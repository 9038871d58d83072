"""``--device auto|cpu|cuda``: honoured where possible, one line where not; GPU tests skip without one."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from warwire.cli import app
from warwire.errors import WarwireError
from warwire.modeling.device import backend_for, cuda_available, resolve_device

no_gpu = pytest.mark.skipif(cuda_available(), reason="a GPU is visible")
gpu = pytest.mark.skipif(not cuda_available(), reason="no CUDA GPU")


def test_cpu_is_always_honoured_and_unknown_devices_are_refused():
    assert resolve_device("cpu") == "cpu"
    with pytest.raises(WarwireError, match="unknown device 'tpu'"):
        resolve_device("tpu")


def test_int8_onnx_is_a_cpu_backend():
    assert backend_for("cuda", "auto") == "torch" and backend_for("cpu", "onnx") == "onnx"
    with pytest.raises(WarwireError, match="--backend onnx runs on the CPU"):
        backend_for("cuda", "onnx")


@no_gpu
def test_without_a_gpu_auto_is_the_cpu_and_cuda_is_one_line(tiny_model, tmp_path):
    assert resolve_device("auto") == "cpu"
    (tmp_path / "a.txt").write_text("Drones hit the depot.", encoding="utf-8")
    result = CliRunner().invoke(app, ["predict", str(tiny_model), str(tmp_path / "a.txt"), "--device", "cuda"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: --device cuda: no CUDA GPU is visible to PyTorch (use --device cpu or auto)"
    ]


@gpu
def test_on_a_gpu_bf16_gives_the_cpu_labels(tiny_model):
    from warwire.modeling.loader import load_classifier

    texts = ["Two drones hit an oil depot overnight, the governor said.", "The ministry denied shelling the village."] * 20
    on_cpu = load_classifier(tiny_model, backend="torch", device="cpu")
    on_gpu = load_classifier(tiny_model, backend="torch", device="cuda")
    assert on_gpu.model.device.type == "cuda"
    cpu_labels, cpu_scores = on_cpu.predict(texts)
    gpu_labels, gpu_scores = on_gpu.predict(texts, batch_size=256)
    assert abs(cpu_scores - gpu_scores).max() < 0.02
    assert (cpu_labels == gpu_labels).mean() > 0.98
