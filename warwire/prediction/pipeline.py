"""Batch prediction: articles in, one labeled row per sentence out, streamed in chunks
so memory stays flat however many articles come in."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from warwire.labels import LABELS
from warwire.modeling.context import contexts_for
from warwire.prediction.casualties import CASUALTY, NO_FIGURES, extract_figures
from warwire.prediction.inputs import Article
from warwire.prediction.segment import segment

# Sentences scored together; bounds memory (texts, encodings, scores) per chunk while
# leaving enough sentences to sort by length and batch efficiently.
CHUNK_SENTENCES = 2048


@dataclass
class PredictStats:
    articles: int = 0
    sentences: int = 0
    truncated: int = 0


def _chunks(articles: Iterable[Article], size: int) -> Iterator[list[tuple[Article, int, object]]]:
    """Groups of (article, sentence index, span), whole articles at a time, about ``size`` long."""
    chunk: list = []
    for article in articles:
        chunk.extend((article, index, span) for index, span in enumerate(segment(article.text)))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def predict_rows(
    classifier,
    articles: Iterable[Article],
    batch_size: int = 16,
    chunk_sentences: int = CHUNK_SENTENCES,
    on_sentences: Callable[[int], None] | None = None,
    stats: PredictStats | None = None,
) -> Iterator[dict]:
    """Yield one row per sentence, in input order, with labels and per-label scores.

    Args:
        classifier: a loaded model (``warwire.modeling.loader.load_classifier``).
        articles: (article_id, text) records, e.g. from ``warwire.prediction.inputs.iter_articles``.
        on_sentences: called with the number of sentences scored, for progress bars.
        stats: filled with counts of articles, sentences and truncated sentences.
    """
    stats = stats if stats is not None else PredictStats()
    last_article = None
    for chunk in _chunks(articles, chunk_sentences):
        texts = [span.text for _, _, span in chunk]
        # Chunks hold whole articles, so every sentence's context is in its chunk.
        contexts = contexts_for(classifier.context, [article.article_id for article, _, _ in chunk], texts)
        decisions, scores = classifier.predict(texts, batch_size=batch_size, on_batch=on_sentences, contexts=contexts)
        for (article, index, span), row_scores, row_decisions in zip(chunk, scores, decisions):
            if article is not last_article:
                stats.articles += 1
                last_article = article
            stats.sentences += 1
            labels = [label for label, on in zip(LABELS, row_decisions) if on]
            figures = extract_figures(span.text) if CASUALTY in labels else NO_FIGURES
            yield {
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
    stats.truncated = classifier.truncated
