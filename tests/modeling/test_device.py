"""``--device auto|cpu|cuda``: honoured where possible, one line where not; GPU tests skip without one."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from warwire.cli import app
from warwire.errors import WarwireError
from warwire.modeling import device as device_module
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


def test_auto_is_the_cpu_for_cpu_only_backends_and_engines_even_with_a_gpu(monkeypatch):
    monkeypatch.setattr(device_module, "cuda_available", lambda: True)  # as on a GPU machine
    assert resolve_device("auto") == "cuda" and resolve_device("auto", "torch") == "cuda"
    assert resolve_device("auto", "onnx") == "cpu"  # int8 ONNX Runtime is a CPU backend
    assert resolve_device("auto", "auto", cpu_only=True) == "cpu"  # e.g. --engine ray
    # Asked for by name, cuda stays cuda, for backend_for and the ray engine to refuse.
    assert resolve_device("cuda", "onnx") == "cuda" and resolve_device("cuda", cpu_only=True) == "cuda"
    with pytest.raises(WarwireError, match="--backend onnx runs on the CPU"):
        backend_for(resolve_device("cuda", "onnx"), "onnx")


class Stop(Exception):
    """Ends a command once the device it resolved is seen."""


def test_predict_and_evaluate_pass_the_cpu_for_ray_and_onnx_when_the_device_is_auto(monkeypatch, tmp_path):
    import warwire.modeling.loader
    import warwire.prediction.engines

    monkeypatch.setattr(device_module, "cuda_available", lambda: True)
    seen = []

    def open_engine(model_dir, engine, backend, device, *args, **kwargs):
        seen.append((engine, backend, device))
        raise Stop

    def load_classifier(model_dir, backend, device, **kwargs):
        seen.append(("evaluate", backend, device))
        raise Stop

    monkeypatch.setattr(warwire.prediction.engines, "open_engine", open_engine)
    monkeypatch.setattr(warwire.modeling.loader, "load_classifier", load_classifier)
    (tmp_path / "a.txt").write_text("Drones hit the depot.", encoding="utf-8")
    runner = CliRunner()
    for options in (["--engine", "ray"], ["--backend", "onnx"], ["--backend", "torch"]):
        result = runner.invoke(app, ["predict", str(tmp_path / "m"), str(tmp_path / "a.txt"), *options])
        assert isinstance(result.exception, Stop), result.output
    for backend in ("onnx", "auto"):
        result = runner.invoke(app, ["evaluate", str(tmp_path / "m"), "--backend", backend, "--report-dir", str(tmp_path / "r")])
        assert isinstance(result.exception, Stop), result.output
    assert seen == [
        ("ray", "auto", "cpu"),
        ("local", "onnx", "cpu"),
        ("local", "torch", "cuda"),
        ("evaluate", "onnx", "cpu"),
        ("evaluate", "auto", "cuda"),
    ]


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
