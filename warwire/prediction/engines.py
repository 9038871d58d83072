"""Which engine runs a prediction, and how: the local one (this process, or one worker
process per core with the int8 backend) or Ray (``warwire.prediction.ray_engine``).

Every engine yields the same rows in the same order; they differ in where the work runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from warwire.errors import WarwireError
from warwire.prediction.inputs import Article
from warwire.prediction.pipeline import PredictStats

ENGINES = ("local", "ray")
# Engines whose workers score on the CPU (int8 ONNX): with them, ``--device auto`` is the CPU.
CPU_ENGINES = ("ray",)
Engine = Callable[[Iterable[Article], Callable[[int], None] | None, PredictStats], Iterator[dict]]


def open_engine(
    model_dir: Path,
    engine: str = "local",
    backend: str = "auto",
    device: str = "cpu",
    batch_size: int = 16,
    workers: int | None = None,
    worker_cpus: int = 2,
    ray_address: str | None = None,
    warn: Callable[[str], None] | None = None,
    notify: Callable[[str], None] | None = None,
) -> Engine:
    """Check the options and load what the engine needs now (so a bad model dir or a
    missing extra is reported before any input is read); return ``run(articles,
    on_sentences, stats)``, which yields the rows.

    Args:
        engine: ``local`` or ``ray``.
        device: ``cpu`` or ``cuda`` (``warwire.modeling.device.resolve_device``).
        workers: local engine: processes scoring with the int8 backend (default: one per
            core; 1: this process alone); Ray: actors (default: one per ``worker_cpus``
            CPUs of the cluster).
    """
    if engine not in ENGINES:
        raise WarwireError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    if engine == "ray":
        return _ray_engine(model_dir, backend, device, batch_size, workers, worker_cpus, ray_address, notify)
    return _local_engine(model_dir, backend, device, batch_size, workers, warn, notify)


def _local_engine(model_dir, backend, device, batch_size, workers, warn, notify) -> Engine:
    from warwire.modeling.batching import usable_cores
    from warwire.modeling.loader import load_classifier
    from warwire.prediction.pipeline import predict_rows, predict_rows_parallel

    classifier = load_classifier(model_dir, warn=warn, backend=backend, notify=notify, device=device)
    # One process per core, whatever OMP_NUM_THREADS says: that sets threads per
    # process, and each worker process runs one thread (pipeline._start_worker).
    processes = workers or usable_cores()

    def run(articles, on_sentences, stats):
        if classifier.backend == "onnx" and processes > 1:
            return predict_rows_parallel(
                classifier, model_dir, articles, processes, batch_size, on_sentences=on_sentences, stats=stats
            )
        return predict_rows(classifier, articles, batch_size=batch_size, on_sentences=on_sentences, stats=stats)

    return run


def _ray_engine(model_dir, backend, device, batch_size, workers, worker_cpus, ray_address, notify) -> Engine:
    from warwire.prediction.ray_engine import import_ray, predict_rows_ray

    if device == "cuda" or backend == "torch":
        raise WarwireError("--engine ray scores with int8 ONNX on CPU workers; drop --device cuda and --backend torch")
    import_ray()  # a missing extra is reported before any work

    def run(articles, on_sentences, stats):
        return predict_rows_ray(
            model_dir, articles, batch_size, workers, worker_cpus, ray_address, on_sentences, stats, notify=notify
        )

    return run
