"""Choosing an engine: options checked before any input is read; local engines agree."""

from __future__ import annotations

import pytest

from warwire.errors import WarwireError
from warwire.prediction.engines import open_engine
from warwire.prediction.inputs import Article
from warwire.prediction.pipeline import PredictStats


def test_an_unknown_engine_or_a_ray_engine_on_torch_is_one_line(tiny_model):
    with pytest.raises(WarwireError, match="unknown engine 'spark'; use one of local, ray"):
        open_engine(tiny_model, engine="spark")
    with pytest.raises(WarwireError, match="--engine ray scores with int8 ONNX on CPU workers"):
        open_engine(tiny_model, engine="ray", backend="torch")


def test_a_bad_model_dir_is_reported_when_the_engine_opens(tmp_path):
    with pytest.raises(WarwireError, match="no such model dir"):
        open_engine(tmp_path / "missing")


def test_one_process_and_the_torch_backend_give_rows_of_the_same_sentences(tiny_model):
    articles = [Article(f"a{n}", "Drones hit the depot. The army denied it. Two died.", "gen") for n in range(5)]
    onnx_rows = list(open_engine(tiny_model, backend="onnx", workers=1)(articles, None, PredictStats()))
    torch_rows = list(open_engine(tiny_model, backend="torch")(articles, None, PredictStats()))
    strip = lambda rows: [(r["article_id"], r["sentence_index"], r["text"]) for r in rows]  # noqa: E731
    assert strip(onnx_rows) == strip(torch_rows) and len(onnx_rows) == 15


def test_the_default_workers_are_the_usable_cores_whatever_omp_num_threads_says(monkeypatch, tmp_path):
    import os

    import warwire.modeling.loader
    import warwire.prediction.pipeline
    from warwire.modeling.batching import available_cores, usable_cores

    class Int8:
        backend = "onnx"

    started = []
    monkeypatch.setattr(warwire.modeling.loader, "load_classifier", lambda *args, **kwargs: Int8())
    monkeypatch.setattr(
        warwire.prediction.pipeline,
        "predict_rows_parallel",
        lambda c, m, a, processes, *rest, **kw: started.append(processes) or [],
    )
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # threads per process, e.g. left by a job script
    assert usable_cores() == 3 and available_cores() == 1
    open_engine(tmp_path)([], None, PredictStats())
    assert started == [3]
