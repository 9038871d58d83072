"""Batch prediction: articles in, one labeled row per sentence out, streamed in groups
of whole articles so memory stays flat however many articles come in.

Both engines (this local one and ``warwire.prediction.ray_engine``) cut the input into
the same groups and score each group the same way (``score_group``). That is what makes
their rows identical: the int8 backend quantizes activations per batch, so a sentence's
scores depend on which sentences share its batch, and batches are formed inside a group.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from warwire.labels import LABELS
from warwire.modeling.context import contexts_for
from warwire.prediction.casualties import CASUALTY, NO_FIGURES, extract_figures
from warwire.prediction.inputs import Article
from warwire.prediction.segment import Span, segment

# Characters of article text scored together (about 2,000 news sentences): bounds memory
# (texts, encodings, scores) per group while leaving enough sentences to sort by length
# and batch with little padding. Counted in characters, not sentences, so that groups can
# be cut before segmentation (the Ray engine cuts them on the driver and segments on the
# workers).
GROUP_CHARACTERS = 300_000


@dataclass
class PredictStats:
    articles: int = 0
    sentences: int = 0
    truncated: int = 0

    def add(self, other: PredictStats) -> None:
        self.articles += other.articles
        self.sentences += other.sentences
        self.truncated += other.truncated


def article_groups(articles: Iterable[Article], max_characters: int = GROUP_CHARACTERS) -> Iterator[list[Article]]:
    """Consecutive whole articles, each group closed once it holds ``max_characters``."""
    group: list[Article] = []
    size = 0
    for article in articles:
        group.append(article)
        size += len(article.text)
        if size >= max_characters:
            yield group
            group, size = [], 0
    if group:
        yield group


Segmented = list[tuple[Article, int, Span]]


def segment_group(group: list[Article]) -> Segmented:
    """(article, sentence index, span) for every sentence of the group, in order."""
    return [(article, index, span) for article in group for index, span in enumerate(segment(article.text))]


def sentences_of(articles: Iterable[Article]) -> Iterator[tuple[str, int, str]]:
    """(article id, sentence index, text) of every sentence, as ``predict`` cuts them."""
    for article in articles:
        for _, index, span in segment_group([article]):
            yield article.article_id, index, span.text


def score_group(classifier, sentences: Segmented, batch_size: int, on_sentences=None) -> tuple[list[dict], PredictStats]:
    """The output rows of one segmented group, and its counts."""
    stats = PredictStats(articles=len({id(article) for article, _, _ in sentences}), sentences=len(sentences))
    if not sentences:
        return [], stats
    texts = [span.text for _, _, span in sentences]
    # Groups hold whole articles, so every sentence's context is in its group.
    contexts = contexts_for(classifier.context, [article.article_id for article, _, _ in sentences], texts)
    truncated_before = classifier.truncated
    decisions, scores = classifier.predict(texts, batch_size=batch_size, on_batch=on_sentences, contexts=contexts)
    stats.truncated = classifier.truncated - truncated_before
    rows = []
    for (article, index, span), row_scores, row_decisions in zip(sentences, scores, decisions):
        labels = [label for label, on in zip(LABELS, row_decisions) if on]
        figures = extract_figures(span.text) if CASUALTY in labels else NO_FIGURES
        rows.append(
            {
                "article_id": article.article_id,
                "sentence_index": index,
                "start": span.start,
                "end": span.end,
                "text": span.text,
                "labels": labels,
                "scores": {label: round(float(s), 4) for label, s in zip(LABELS, row_scores)},
                "killed": figures.killed,
                "injured": figures.injured,
            }
        )
    return rows, stats


def prefetched(items: Iterator, depth: int = 1) -> Iterator:
    """``items``, produced by a thread up to ``depth`` ahead of the consumer.

    Reading and segmenting the next group (pure Python) then overlaps with scoring this
    one (ONNX Runtime and the tokenizer release the GIL). An exception in the producer is
    raised in the consumer, at the item where it happened.
    """
    done = object()
    slots: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce():
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        slots.put((item, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slots.put((done, None))
        except BaseException as error:  # noqa: BLE001 - handed to the consumer
            slots.put((done, error))

    thread = threading.Thread(target=produce, name="warwire-reader", daemon=True)
    thread.start()
    try:
        while True:
            item, error = slots.get()
            if error is not None:
                raise error
            if item is done:
                return
            yield item
    finally:
        stop.set()


def predict_rows(
    classifier,
    articles: Iterable[Article],
    batch_size: int = 16,
    group_characters: int = GROUP_CHARACTERS,
    on_sentences: Callable[[int], None] | None = None,
    stats: PredictStats | None = None,
    prefetch: bool = True,
) -> Iterator[dict]:
    """Yield one row per sentence, in input order, with labels and per-label scores.

    Args:
        classifier: a loaded model (``warwire.modeling.loader.load_classifier``).
        articles: (article_id, text) records, e.g. from ``warwire.prediction.inputs.iter_articles``.
        on_sentences: called with the number of sentences scored, for progress bars.
        stats: filled with counts of articles, sentences and truncated sentences.
        prefetch: read and segment the next group in a thread while this one is scored.
    """
    stats = stats if stats is not None else PredictStats()
    groups = map(segment_group, article_groups(articles, group_characters))
    for sentences in prefetched(groups) if prefetch else groups:
        rows, group_stats = score_group(classifier, sentences, batch_size, on_sentences)
        stats.add(group_stats)
        yield from rows


# ---------------------------------------------------------------- worker processes

# The classifier of a worker process, loaded once by ``_start_worker``.
_worker_classifier = None


def _start_worker(model_dir: str, backend: str) -> None:
    """Load the model in a worker process, with one scoring thread (the processes are the parallelism)."""
    import os

    global _worker_classifier
    os.environ["OMP_NUM_THREADS"] = "1"  # read by available_cores(): one intra-op thread
    from warwire.modeling.loader import load_classifier

    _worker_classifier = load_classifier(model_dir, backend=backend)


def _score_in_worker(group: list[Article], batch_size: int) -> tuple[list[dict], PredictStats]:
    return score_group(_worker_classifier, segment_group(group), batch_size)


def predict_rows_parallel(
    classifier,
    model_dir,
    articles: Iterable[Article],
    workers: int,
    batch_size: int = 16,
    group_characters: int = GROUP_CHARACTERS,
    on_sentences: Callable[[int], None] | None = None,
    stats: PredictStats | None = None,
) -> Iterator[dict]:
    """``predict_rows`` with ``workers`` processes, each segmenting and scoring whole groups
    with one thread; rows come back in input order and are identical to ``predict_rows``'s.

    On a CPU, processes with one thread each outrun one process with many: segmentation
    (pure Python) runs on every core instead of waiting for the scorer, and small int8
    products scale poorly across threads. ``classifier`` is ``model_dir`` loaded here with
    the int8 backend: its export is made here, once, before workers start; an input of a
    single group is scored with it, without starting processes, and so is everything if
    the export fell back to PyTorch.
    """
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    stats = stats if stats is not None else PredictStats()
    groups = article_groups(articles, group_characters)
    first, second = next(groups, []), next(groups, None)
    if second is None:  # one group: not worth starting processes
        yield from predict_rows(classifier, first, batch_size, group_characters, on_sentences, stats, prefetch=False)
        return
    classifier.prepare()  # the one-time export, after the input proved readable
    if classifier.backend != "onnx":
        rest = (article for group in itertools.chain([first, second], groups) for article in group)
        yield from predict_rows(classifier, rest, batch_size, group_characters, on_sentences, stats)
        return

    def collect(future) -> list[dict]:
        rows, group_stats = future.result()
        stats.add(group_stats)
        if on_sentences is not None:
            on_sentences(group_stats.sentences)
        return rows

    # spawn, not fork: this process holds ONNX Runtime threads, which fork does not copy safely
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(str(model_dir), "onnx"))
    pending: deque = deque()
    try:
        for group in itertools.chain([first, second], groups):
            pending.append(pool.submit(_score_in_worker, group, batch_size))
            if len(pending) > 2 * workers:  # bounded: memory stays flat on any input
                yield from collect(pending.popleft())
        while pending:
            yield from collect(pending.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
