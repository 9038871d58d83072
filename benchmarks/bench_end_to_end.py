"""End-to-end prediction speed, time per stage, and a profile, on real-news-length articles.

    python benchmarks/bench_end_to_end.py MODEL_DIR [--sentences 5500] [--profile 25] [--skip-pipeline]

The input: the corpus's dev, test and stress articles rebuilt as JSONL articles (a
headline line, then paragraphs of three sentences, as scraped news arrives), repeated
up to ``--sentences``. It prints:

1. ``warwire predict MODEL_DIR big.jsonl --backend onnx --output out.jsonl`` timed as a
   whole process (start-up, reading, segmentation, scoring, writing), the issue's figure;
2. ``predict_rows`` in one process with and without the reader thread, for comparison;
3. each stage timed alone in one process: reading, segmentation, tokenization, int8
   scoring, casualty figures and writing;
4. the obvious ``transformers.pipeline`` over the pre-split sentences (fp32), for the ratio;
5. with ``--profile N``: the top N functions by cumulative time of one in-process run (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SPLITS = [REPO / "data" / "corpus" / f"{name}.jsonl" for name in ("dev", "test", "stress")]


def articles_from_corpus() -> list[dict]:
    """The corpus's articles as raw text: headline line, then paragraphs of three sentences."""
    grouped: dict[str, list[str]] = {}
    for path in SPLITS:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            grouped.setdefault(row["article_id"], []).append(row["text"])
    articles = []
    for article_id, sentences in grouped.items():
        head, body = sentences[0], sentences[1:]
        paragraphs = [" ".join(body[i : i + 3]) for i in range(0, len(body), 3)]
        articles.append({"id": article_id, "text": "\n\n".join([head, *paragraphs]), "sentences": len(sentences)})
    return articles


def write_input(path: Path, sentences: int) -> tuple[int, int]:
    """Repeat the corpus articles into ``path`` until about ``sentences``; return (articles, sentences)."""
    pool = articles_from_corpus()
    written = count = 0
    with path.open("w", encoding="utf-8") as handle:
        while count < sentences:
            article = pool[written % len(pool)]
            handle.write(json.dumps({"id": f"{article['id']}-{written}", "text": article["text"]}) + "\n")
            written += 1
            count += article["sentences"]
    return written, count


def prepared_run(model_dir: Path, sentences: int, prefix: str) -> tuple[Path, Path, int, int, list[str]]:
    """A work dir with the benchmark input, its int8 export made: (work dir, input, articles,
    corpus sentences, the ``warwire predict`` command on that input)."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    big = work / "big.jsonl"
    articles, count = write_input(big, sentences)
    subprocess.run([sys.executable, "-m", "warwire.cli", "export", str(model_dir)], check=True, capture_output=True)
    predict = [sys.executable, "-m", "warwire.cli", "predict", str(model_dir), str(big), "--backend", "onnx"]
    return work, big, articles, count, predict


def timed_process(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        args, check=True, env={**os.environ, "HF_HUB_OFFLINE": "1"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def in_process(model_dir: Path, big: Path, prefetch: bool) -> float:
    """Seconds for predict_rows over the input (model loaded and warmed up first)."""
    from warwire.modeling.loader import load_classifier
    from warwire.prediction.inputs import iter_articles
    from warwire.prediction.pipeline import predict_rows

    classifier = load_classifier(model_dir, backend="onnx")
    classifier.score(["warm up"], batch_size=1)
    started = time.perf_counter()
    for _ in predict_rows(classifier, iter_articles([str(big)], lambda message: None), prefetch=prefetch):
        pass
    return time.perf_counter() - started


def stages(model_dir: Path, big: Path) -> dict[str, float]:
    """Seconds of each stage, alone, in this process."""
    import numpy as np

    from warwire.modeling.batching import encode
    from warwire.modeling.loader import load_classifier
    from warwire.prediction.casualties import extract_figures
    from warwire.prediction.inputs import iter_articles
    from warwire.prediction.pipeline import article_groups, score_group, segment_group

    times = {}
    started = time.perf_counter()
    classifier = load_classifier(model_dir, backend="onnx")
    classifier.score(["warm up"], batch_size=1)
    times["start-up (load the model, first batch)"] = time.perf_counter() - started

    started = time.perf_counter()
    articles = list(iter_articles([str(big)], lambda message: None))
    times["read"] = time.perf_counter() - started

    started = time.perf_counter()
    groups = [segment_group(group) for group in article_groups(articles)]
    times["segment"] = time.perf_counter() - started
    texts = [span.text for group in groups for _, _, span in group]

    started = time.perf_counter()
    for first in range(0, len(texts), 2048):
        encode(classifier.tokenizer, texts[first : first + 2048], None, classifier.max_length)
    times["tokenize"] = time.perf_counter() - started

    started = time.perf_counter()
    rows = [row for group in groups for row in score_group(classifier, group, 16)[0]]
    times["tokenize + score + rows"] = time.perf_counter() - started

    started = time.perf_counter()
    for text in texts:
        extract_figures(text)
    times["casualty figures (every sentence; predict only reads casualty ones)"] = time.perf_counter() - started

    started = time.perf_counter()
    with tempfile.TemporaryFile("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    times["write JSONL"] = time.perf_counter() - started
    times["_sentences"] = len(texts)
    del np
    return times


def pipeline_speed(model_dir: Path, texts: list[str]) -> float:
    from transformers import pipeline

    pipe = pipeline(
        "text-classification", model=str(model_dir), tokenizer=str(model_dir), top_k=None, function_to_apply="sigmoid"
    )
    pipe(texts[:16], batch_size=16, truncation=True)
    started = time.perf_counter()
    for _ in pipe(texts, batch_size=16, truncation=True):
        pass
    return len(texts) / (time.perf_counter() - started)


def profile(model_dir: Path, big: Path, top: int) -> str:
    from warwire.modeling.loader import load_classifier
    from warwire.prediction.inputs import iter_articles
    from warwire.prediction.pipeline import predict_rows

    profiler = cProfile.Profile()
    profiler.enable()
    classifier = load_classifier(model_dir, backend="onnx")
    with tempfile.TemporaryFile("w", encoding="utf-8") as handle:
        for row in predict_rows(classifier, iter_articles([str(big)], lambda message: None), prefetch=False):
            handle.write(json.dumps(row) + "\n")
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("--sentences", type=int, default=5500)
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions of a cProfile run")
    parser.add_argument("--skip-pipeline", action="store_true")
    args = parser.parse_args()

    work, big, articles, sentences, warwire = prepared_run(args.model_dir, args.sentences, "warwire-e2e-")
    print(f"input: {articles} articles, {sentences} sentences (corpus dev/test/stress), {big.stat().st_size / 2**20:.1f} MiB")

    seconds = min(timed_process([*warwire, "--output", str(work / "out.jsonl")]) for _ in range(2))
    rows = sum(1 for _ in (work / "out.jsonl").open(encoding="utf-8"))  # sentences as warwire segments them
    speed = rows / seconds
    print(f"warwire predict --backend onnx, whole process: {seconds:.1f} s, {rows} rows, {speed:.0f} sentences/s (best of 2)")
    for prefetch in (True, False):
        seconds = in_process(args.model_dir, big, prefetch)
        print(f"  predict_rows in one process, reader thread {'on' if prefetch else 'off'}: {rows / seconds:.0f} sentences/s")

    times = stages(args.model_dir, big)
    counted = times.pop("_sentences")
    print(f"\nstages alone, in one process ({counted} sentences):")
    for name, value in times.items():
        print(f"  {name}: {value:.2f} s ({counted / value:.0f} sentences/s)" if value else f"  {name}: {value:.2f} s")

    if not args.skip_pipeline:
        texts = [json.loads(line)["text"] for line in (work / "out.jsonl").read_text(encoding="utf-8").splitlines()]
        speed = pipeline_speed(args.model_dir, texts)
        print(f"\ntransformers.pipeline over the pre-split sentences (fp32, batch 16): {speed:.0f} sentences/s")
    if args.profile:
        print("\n" + profile(args.model_dir, big, args.profile))


if __name__ == "__main__":
    main()
