"""``--engine ray``: the same rows as the local engine, on a real local Ray cluster."""

from __future__ import annotations

import json
import sys

import pytest
from conftest import DEV_ROWS, TEST_ROWS, TRAIN_ROWS

from warwire.errors import WarwireError
from warwire.prediction.inputs import Article

ALL_ROWS = TRAIN_ROWS + DEV_ROWS + TEST_ROWS


def _articles(count: int) -> list[Article]:
    return [
        Article(f"art-{n}", " ".join(text for text, _ in ALL_ROWS[n % 9 : n % 9 + 2 + n % 5]), f"gen:{n}") for n in range(count)
    ]


def test_without_ray_the_engine_is_a_one_line_error_saying_how_to_install(monkeypatch):
    from warwire.prediction.ray_engine import import_ray

    monkeypatch.setitem(sys.modules, "ray", None)  # what a missing package looks like to import
    with pytest.raises(WarwireError, match=r'pip install "warwire\[ray\]"'):
        import_ray()


def test_cli_without_ray_exits_2_with_one_line_and_writes_nothing(monkeypatch, tiny_model, tmp_path):
    from typer.testing import CliRunner

    from warwire.cli import app

    monkeypatch.setitem(sys.modules, "ray", None)
    (tmp_path / "a.txt").write_text("Drones hit the depot. The army denied it.", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        app, ["predict", str(tiny_model), str(tmp_path / "a.txt"), "--engine", "ray", "--output", str(out)]
    )
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "warwire[ray]" in lines[0]
    assert not out.exists()


@pytest.mark.local_server
def test_ray_rows_are_identical_to_the_local_engine(tiny_model, tmp_path):
    """Two workers on a local cluster, many small groups: same rows, same order, same counts.

    The model dir starts without its int8 export: the driver makes it, once, before the
    actors copy the dir (else every actor would export it again).
    """
    import shutil

    ray = pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    from warwire.modeling.loader import load_classifier
    from warwire.modeling.onnx_runtime import cache_path
    from warwire.prediction.pipeline import PredictStats, predict_rows
    from warwire.prediction.ray_engine import predict_rows_ray

    model = tmp_path / "model"
    shutil.copytree(tiny_model, model, ignore=shutil.ignore_patterns("onnx"))
    articles = _articles(40)
    local_stats, ray_stats = PredictStats(), PredictStats()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        remote = list(predict_rows_ray(model, articles, workers=2, cpus_per_worker=1, group_characters=400, stats=ray_stats))
    finally:
        ray.shutdown()
    exported = cache_path(model).stat().st_mtime_ns
    local = list(predict_rows(load_classifier(model, backend="onnx"), articles, group_characters=400, stats=local_stats))
    assert cache_path(model).stat().st_mtime_ns == exported  # the driver's export was valid: not made again
    assert len(local) > 100
    assert json.dumps(remote) == json.dumps(local)
    assert ray_stats == local_stats
