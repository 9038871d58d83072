"""``warwire predict --engine ray``: the same prediction on a Ray cluster, with Ray Data.

The driver reads the inputs (the same readers and one-line errors as the local engine)
and cuts them into the local engine's groups of whole articles
(``warwire.prediction.pipeline.article_groups``). Each group is one row of a Ray
Dataset; ``map_batches`` hands groups to a pool of actors, each holding the int8 ONNX
model, which segment and score them with ``segment_group`` and ``score_group``: the code
the local engine runs, on the same groups, so the rows are identical. With
``preserve_order`` the rows come back in input order and are written by the driver.

The model dir travels through Ray's object store, so workers need warwire installed
(``pip install "warwire[ray]"``) but no copy of the model or the inputs. The input is
sent in windows of about ``WINDOW_CHARACTERS`` so the driver's memory stays bounded on
millions of articles; each window is one Dataset (workers load the model once per window).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from warwire.errors import WarwireError
from warwire.prediction.inputs import Article
from warwire.prediction.pipeline import GROUP_CHARACTERS, PredictStats, article_groups

INSTALL_HINT = 'pip install "warwire[ray]"'
# Text per Dataset: large enough that loading the model on each worker (a second or
# two) is amortised over minutes of scoring, small enough to hold on the driver.
WINDOW_CHARACTERS = 64 * 2**20
# Files a worker needs to score with the int8 backend: everything in the model dir but
# its evaluation reports and training leftovers.
_SKIPPED_PARTS = ("eval", "checkpoints")


def import_ray():
    """The ``ray`` module with Ray Data, or a one-line error saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401 - Ray Data is a separate extra of ray
    except ImportError:
        raise WarwireError(f"--engine ray needs Ray with Ray Data: {INSTALL_HINT}") from None
    return ray


def model_files(model_dir: Path) -> dict[str, bytes]:
    """The model dir's files (relative path -> bytes), with its int8 export, to ship to workers."""
    files = {}
    for path in sorted(model_dir.rglob("*")):
        relative = path.relative_to(model_dir)
        if path.is_file() and relative.parts[0] not in _SKIPPED_PARTS and not relative.name.startswith("."):
            files[str(relative)] = path.read_bytes()
    return files


class GroupScorer:
    """A Ray Data actor: unpacks the model once, then segments and scores groups."""

    def __init__(self, files_ref, batch_size: int):
        import ray

        from warwire.modeling.loader import load_classifier

        self._dir = tempfile.TemporaryDirectory(prefix="warwire-model-")
        root = Path(self._dir.name)
        for relative, data in ray.get(files_ref).items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_bytes(data)
        self.classifier = load_classifier(root, backend="onnx")
        self.batch_size = batch_size

    def __call__(self, batch: dict) -> dict:
        from warwire.prediction.pipeline import score_group, segment_group

        out_rows, out_stats = [], []
        for encoded in batch["group"]:
            group = [Article(article_id, text, source) for article_id, text, source in json.loads(encoded)]
            rows, stats = score_group(self.classifier, segment_group(group), self.batch_size)
            out_rows.append(json.dumps(rows))
            out_stats.append(json.dumps([stats.articles, stats.sentences, stats.truncated]))
        return {"rows": out_rows, "stats": out_stats}


def _windows(articles: Iterable[Article], group_characters: int) -> Iterator[list[str]]:
    """Groups, JSON-encoded, in windows of about WINDOW_CHARACTERS."""
    window, size = [], 0
    for group in article_groups(articles, group_characters):
        window.append(json.dumps([(a.article_id, a.text, a.source) for a in group]))
        size += sum(len(a.text) for a in group)
        if size >= WINDOW_CHARACTERS:
            yield window
            window, size = [], 0
    if window:
        yield window


def connect(address: str | None, notify: Callable[[str], None] | None = None):
    """Join the cluster at ``address`` (or ``RAY_ADDRESS``), else start a local one."""
    ray = import_ray()
    address = address or os.environ.get("RAY_ADDRESS") or None
    if not ray.is_initialized():
        if notify is not None:
            notify(f"ray: joining the cluster at {address}" if address else "ray: starting a local cluster")
        try:
            ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
        except (ConnectionError, RuntimeError, ValueError) as error:
            raise WarwireError(f"ray: cannot join the cluster at {address} ({error})") from None
    return ray


def default_workers(ray, cpus_per_worker: int) -> int:
    """One worker per ``cpus_per_worker`` CPUs of the cluster, at least one."""
    return max(1, int(ray.cluster_resources().get("CPU", 1)) // cpus_per_worker)


def predict_rows_ray(
    model_dir: Path,
    articles: Iterable[Article],
    batch_size: int = 16,
    workers: int | None = None,
    cpus_per_worker: int = 2,
    address: str | None = None,
    on_sentences: Callable[[int], None] | None = None,
    stats: PredictStats | None = None,
    notify: Callable[[str], None] | None = None,
    group_characters: int = GROUP_CHARACTERS,
) -> Iterator[dict]:
    """Yield the rows ``warwire.prediction.pipeline.predict_rows`` yields, scored on Ray.

    The int8 export is made (or checked) here on the driver, once, before any work is sent.
    Each worker uses ``cpus_per_worker`` threads (Ray sets OMP_NUM_THREADS to its CPUs).
    """
    from warwire.modeling.loader import load_classifier

    # Validates the dir and makes a missing or stale export now: the actors copy the dir, and
    # without a valid export each of them would export it again.
    load_classifier(model_dir, backend="onnx", notify=notify).prepare()
    ray = connect(address, notify)
    workers = workers or default_workers(ray, cpus_per_worker)
    stats = stats if stats is not None else PredictStats()
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True  # rows in input order
    context.enable_progress_bars = False  # warwire's own bar counts sentences
    files_ref = ray.put(model_files(Path(model_dir)))
    for window in _windows(articles, group_characters):
        dataset = ray.data.from_items([{"group": group} for group in window], override_num_blocks=len(window))
        scored = dataset.map_batches(
            GroupScorer,
            fn_constructor_kwargs={"files_ref": files_ref, "batch_size": batch_size},
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=min(workers, len(window))),
            num_cpus=cpus_per_worker,
        )
        for result in scored.iter_rows():
            rows = json.loads(result["rows"])
            articles_done, sentences, truncated = json.loads(result["stats"])
            stats.add(PredictStats(articles_done, sentences, truncated))
            if on_sentences is not None:
                on_sentences(sentences)
            yield from rows
