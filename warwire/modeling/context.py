"""What a transformer model sees beside the sentence it labels.

Many labels depend on the sentence before ("he added" after the minister was named, a
quotation that runs on), so a recipe may give the model context: with
``context = "previous"`` the sentence to label is the first segment of a text pair and
the previous sentence of the same article the second (``[CLS] sentence [SEP] previous
[SEP]``). The same pairs are built at training, evaluation and prediction; the first
sentence of an article gets an empty context. Output rows stay one per sentence.
"""

from __future__ import annotations

from collections.abc import Sequence

from warwire.config import CONTEXT_MODES

__all__ = ["CONTEXT_MODES", "context_mode", "contexts_for", "previous_sentences"]


def context_mode(recipe: dict) -> str:
    """The context mode a model was trained with (model dirs before the option: none)."""
    return recipe.get("context", "none")


def previous_sentences(article_ids: Sequence[str], texts: Sequence[str]) -> list[str]:
    """For each sentence, the one before it in the same article ("" for an article's first).

    Sentences of one article must come in order (the corpus and prediction guarantee it).
    """
    return [texts[i - 1] if i and article_ids[i - 1] == article_ids[i] else "" for i in range(len(texts))]


def contexts_for(mode: str, article_ids: Sequence[str], texts: Sequence[str]) -> list[str] | None:
    """The contexts (second segments) of ``texts`` under ``mode``, or None when the model takes none."""
    return previous_sentences(article_ids, texts) if mode == "previous" else None
