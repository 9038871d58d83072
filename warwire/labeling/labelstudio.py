"""The loop with people, through Label Studio: its labeling config, pre-annotated tasks
chosen where the model is least sure, and its JSON exports turned back into labeled data.

Label Studio stays the tool people label in; warwire only writes what it imports and
reads what it exports (the JSON export format of Label Studio 1.x).
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np

from warwire.corpus.io import parse_example
from warwire.errors import WarwireError
from warwire.labels import LABELS, unknown_labels
from warwire.modeling.context import previous_sentences

FROM_NAME, TO_NAME = "labels", "text"
SELECTIONS = ("uncertain", "random", "all")


def label_config() -> str:
    """The labeling config: the sentence, the sentence before it, four multiple choices
    with hotkeys 1-4 (no choice means no label)."""
    choices = "\n".join(
        f"    <Choice value={quoteattr(label)} hotkey={quoteattr(str(i))}/>" for i, label in enumerate(LABELS, start=1)
    )
    return f"""<View>
  <Header value="Previous sentence"/>
  <Text name="context" value="$context"/>
  <Header value="Sentence to label (choose none, one or several)"/>
  <Text name="{TO_NAME}" value="$text"/>
  <Choices name="{FROM_NAME}" toName="{TO_NAME}" choice="multiple" showInLine="true">
{choices}
  </Choices>
</View>
"""


def uncertainty(scores: np.ndarray, thresholds: dict[str, float]) -> np.ndarray:
    """Per sentence, the distance of its closest score to that label's threshold
    (smaller is less sure: one decision could flip)."""
    cut = np.array([thresholds[label] for label in LABELS])
    return np.abs(np.asarray(scores) - cut).min(axis=1)


def spread_by_article(order: Sequence[int], article_ids: Sequence[str]) -> list[int]:
    """``order`` re-ranked so that every article's first pick comes before any article's
    second: a few long articles cannot fill the whole batch."""
    rank_in_article: dict[str, int] = defaultdict(int)
    ranked = []
    for position, index in enumerate(order):
        rank = rank_in_article[article_ids[index]]
        rank_in_article[article_ids[index]] += 1
        ranked.append((rank, position, index))
    return [index for _, _, index in sorted(ranked)]


def choose(rows: Sequence[dict], thresholds: dict[str, float], select: str, limit: int | None, seed: int) -> list[int]:
    """Indices of the rows to label, in the order to label them."""
    if select not in SELECTIONS:
        raise WarwireError(f"unknown selection {select!r}; use one of {', '.join(SELECTIONS)}")
    indices = list(range(len(rows)))
    if select == "uncertain":
        margin = uncertainty(np.array([[r["scores"][label] for label in LABELS] for r in rows]), thresholds)
        indices = spread_by_article(sorted(indices, key=lambda i: (margin[i], i)), [r["article_id"] for r in rows])
    elif select == "random":
        random.Random(seed).shuffle(indices)
    return indices if limit is None else indices[:limit]


def tasks(
    rows: Sequence[dict],
    thresholds: dict[str, float],
    model_version: str,
    select: str = "uncertain",
    limit: int | None = None,
    seed: int = 0,
) -> list[dict]:
    """Label Studio tasks, pre-annotated with the model's labels, from prediction rows."""
    contexts = previous_sentences([r["article_id"] for r in rows], [r["text"] for r in rows])
    margins = uncertainty(np.array([[r["scores"][label] for label in LABELS] for r in rows]), thresholds) if rows else []
    out = []
    for i in choose(rows, thresholds, select, limit, seed):
        row = rows[i]
        out.append(
            {
                "data": {
                    "text": row["text"],
                    "context": contexts[i],
                    "article_id": row["article_id"],
                    "sentence_index": row["sentence_index"],
                },
                "predictions": [
                    {
                        "model_version": model_version,
                        "score": round(float(1 - 2 * margins[i]), 4),  # 1: a score on a threshold; lower: surer
                        "result": [
                            {
                                "from_name": FROM_NAME,
                                "to_name": TO_NAME,
                                "type": "choices",
                                "value": {"choices": list(row["labels"])},
                            }
                        ]
                        if row["labels"]
                        else [],
                    }
                ],
            }
        )
    return out


def _choices(annotation: dict, where: str) -> list[str]:
    chosen = []
    for result in annotation.get("result") or []:
        if result.get("type") == "choices" and result.get("from_name") == FROM_NAME:
            chosen += result.get("value", {}).get("choices", [])
    bad = unknown_labels(chosen)
    if bad:
        raise WarwireError(f"{where}: unknown label(s) {bad}; the labels are {list(LABELS)}")
    return chosen


def resolve(annotations: Iterable[list[str]]) -> list[str]:
    """Several annotators' choices -> one label set: a label is kept when at least half
    of the annotators chose it (one annotator: their choice)."""
    annotations = list(annotations)
    return [label for label in LABELS if 2 * sum(label in a for a in annotations) >= len(annotations)]


def read_export(path: Path) -> tuple[list[dict], dict[str, int]]:
    """Labeled records from one Label Studio JSON export, and counts of what was skipped."""
    try:
        exported = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WarwireError(f"{path}: not a Label Studio JSON export ({error})") from None
    if not isinstance(exported, list):
        raise WarwireError(f"{path}: not a Label Studio JSON export (expected a list of tasks)")
    records, skipped = [], {"cancelled": 0, "unannotated": 0}
    for number, task in enumerate(exported, start=1):
        where = f"{path}: task {number}"
        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict) or not {"text", "article_id", "sentence_index"} <= set(data):
            raise WarwireError(f"{where}: 'data' must hold text, article_id and sentence_index (tasks of `warwire label export`)")
        annotations = [a for a in task.get("annotations") or [] if isinstance(a, dict)]
        kept = [a for a in annotations if not a.get("was_cancelled")]
        skipped["cancelled"] += len(annotations) - len(kept)
        if not kept:
            skipped["unannotated"] += 1
            continue
        try:
            index = int(data["sentence_index"])
        except (TypeError, ValueError):
            raise WarwireError(f"{where}: 'sentence_index' must be an integer") from None
        record = {
            "id": f"{data['article_id']}-s{index:03d}",
            "article_id": str(data["article_id"]),
            "text": data["text"],
            "labels": resolve(_choices(a, where) for a in kept),
            "sentence_index": index,
            "annotators": len(kept),
        }
        parse_example(record, where)  # the same checks as the corpus
        records.append(record)
    return records, skipped


def import_exports(paths: Sequence[Path]) -> tuple[list[dict], dict[str, int]]:
    """Records of several exports, each article's sentences in order; a sentence labeled
    in two exports is an error (which would win is not ours to guess)."""
    records, skipped = [], {"cancelled": 0, "unannotated": 0}
    seen: dict[str, Path] = {}
    for path in paths:
        found, counts = read_export(Path(path))
        for record in found:
            if record["id"] in seen:
                raise WarwireError(f"{path}: sentence {record['id']!r} is also in {seen[record['id']]}")
            seen[record["id"]] = Path(path)
        records += found
        skipped = {key: skipped[key] + counts[key] for key in skipped}
    records.sort(key=lambda r: (r["article_id"], r["sentence_index"]))
    return records, skipped
