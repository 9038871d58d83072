"""Prediction speed and memory: the obvious way against warwire's PyTorch and int8 paths.

    python benchmarks/bench_predict.py MODEL_DIR [--sentences 3000] [--repeats 3] [--memory-sentences 100000]

One run, the same sentences for every path, each path in its own process so that its
peak memory (the child's ru_maxrss) is its own; each path scores them ``--repeats``
times and the fastest pass counts:

- pipeline: ``transformers.pipeline("text-classification", top_k=None,
  function_to_apply="sigmoid")`` on the model dir, fed the sentences in input order
  with ``batch_size`` and ``truncation=True``: what one writes without thinking about speed.
- torch: warwire's PyTorch path (length-sorted batches per group of about 2,000 sentences,
  inference mode, one thread per available core).
- onnx: warwire's int8 path (the same, on ONNX Runtime with the int8 export; the
  one-time export is timed separately and not counted).

Sentences: the corpus test split (data/corpus/test.jsonl) and the example articles,
repeated in order up to ``--sentences``; generated sentences if neither exists. On the
test split's sentences the table also gives each path's macro-F1 and its label-set
agreement with the PyTorch path.

Then a memory run: ``warwire predict MODEL_DIR big.jsonl --backend onnx`` on a generated
JSONL of articles holding ``--memory-sentences`` sentences, end to end (reading,
segmentation, scoring, writing), with its peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEST_SPLIT = REPO / "data" / "corpus" / "test.jsonl"
EXAMPLES = REPO / "examples"
ARTICLE_SENTENCES = 20  # sentences per generated article in the memory run
GROUP_SENTENCES = 2048  # about what one group of warwire.prediction.pipeline holds


# ---------------------------------------------------------------- the sentences


def _generated(count: int) -> list[str]:
    """Conflict-news-like sentences from templates (used only if no corpus is present)."""
    rng = random.Random(0)
    actors = ["The army", "Rebels", "The ministry", "Police", "A spokesman", "Local officials", "Witnesses"]
    verbs = ["said", "denied", "reported", "claimed", "confirmed", "rejected reports"]
    events = [
        "that a drone hit an oil depot overnight",
        "that shells struck the market, killing four civilians",
        "that its troops had fired on the convoy",
        "that 12 people were wounded in the attack on the station",
        "that talks would resume next month",
    ]
    return [f"{rng.choice(actors)} {rng.choice(verbs)} {rng.choice(events)}." for _ in range(count)]


def sentence_pool() -> tuple[list[str], list[dict]]:
    """(sentences, labeled test rows at the start of them); test rows may be empty."""
    rows = []
    if TEST_SPLIT.is_file():
        rows = [json.loads(line) for line in TEST_SPLIT.read_text(encoding="utf-8").splitlines() if line.strip()]
    sentences = [row["text"] for row in rows]
    if EXAMPLES.is_dir():
        from warwire.prediction.segment import segment

        for path in sorted(EXAMPLES.glob("*.txt")):
            sentences += [span.text for span in segment(path.read_text(encoding="utf-8"))]
    return (sentences or _generated(1000)), rows


def sentences_for(count: int) -> tuple[list[str], list[dict]]:
    pool, rows = sentence_pool()
    repeated = (pool * (count // len(pool) + 1))[:count]
    return repeated, rows[: min(len(rows), count)]


# ---------------------------------------------------------------- the workers


def _chunks(items: list[str], size: int):
    for first in range(0, len(items), size):
        yield items[first : first + size]


def worker(path: str, model_dir: str, sentences_file: str, batch_size: int, scores_file: str, repeats: int) -> dict:
    """Score the sentences one way, ``repeats`` times; return timings (run in a child process).

    The fastest pass counts: on a shared machine, slower passes measure the neighbours.
    """
    import numpy as np

    from warwire.labels import LABELS

    sentences = json.loads(Path(sentences_file).read_text(encoding="utf-8"))
    started = time.perf_counter()
    extra = {}
    if path == "pipeline":
        import torch
        from transformers import pipeline

        pipe = pipeline("text-classification", model=model_dir, tokenizer=model_dir, top_k=None, function_to_apply="sigmoid")
        extra["threads"] = torch.get_num_threads()

        def score(texts):
            out = np.zeros((len(texts), len(LABELS)), dtype=np.float32)
            for i, result in enumerate(pipe(texts, batch_size=batch_size, truncation=True)):
                for entry in result:
                    out[i, LABELS.index(entry["label"])] = entry["score"]
            return out

    else:
        from warwire.modeling.loader import load_classifier

        classifier = load_classifier(model_dir, backend=path)
        extra["class"] = type(classifier).__name__

        def score(texts):
            # about 2,000 sentences at a time, as `warwire predict` scores a group of articles
            # (length sorting happens inside a group)
            return np.concatenate([classifier.score(c, batch_size=batch_size) for c in _chunks(texts, GROUP_SENTENCES)])

    load_seconds = time.perf_counter() - started
    score(sentences[:batch_size])  # warm-up: first-call allocations and kernel selection
    passes = []
    for _ in range(repeats):
        started = time.perf_counter()
        scores = score(sentences)
        passes.append(time.perf_counter() - started)
    np.save(scores_file, scores)
    return {
        "path": path,
        "sentences": len(sentences),
        "seconds": min(passes),
        "passes": passes,
        "load_seconds": load_seconds,
        **extra,
    }


def run_child(args: list[str], log: Path) -> tuple[int, float, int]:
    """Run a child process, its output into ``log``; return (exit status, wall seconds, peak RSS in MiB).

    os.wait4 gives the rusage of this one child (RUSAGE_CHILDREN would be the
    maximum over all children so far).
    """
    started = time.perf_counter()
    with log.open("w") as handle:
        process = subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, env={**os.environ, "HF_HUB_OFFLINE": "1"})
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        sys.stderr.write(log.read_text()[-3000:])
        raise SystemExit(f"{' '.join(map(str, args[:4]))}...: exit status {process.returncode}")
    return process.returncode, seconds, usage.ru_maxrss // 1024  # Linux reports KiB


# ---------------------------------------------------------------- the report


def machine() -> str:
    import onnxruntime
    import torch
    import transformers

    cpu = platform.processor() or platform.machine()
    flags = ""
    try:
        info = Path("/proc/cpuinfo").read_text()
        cpu = next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("model name")), cpu)
        flags = " AVX-512 VNNI" if "avx512_vnni" in info else (" AVX-VNNI" if "avx_vnni" in info else "")
    except OSError:
        pass
    memory = ""
    try:
        kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")))
        memory = f", {kib / 2**20:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    from warwire.modeling.batching import available_cores

    return (
        f"{cpu}, {available_cores()} cores available{flags}{memory}; Python {platform.python_version()}, "
        f"torch {torch.__version__}, transformers {transformers.__version__}, onnxruntime {onnxruntime.__version__}"
    )


def quality(scores, rows, thresholds, reference=None) -> str:
    """Macro-F1 on the labeled rows, and label-set agreement with ``reference`` scores."""
    import numpy as np

    from warwire.evaluation.metrics import compute_metrics
    from warwire.labels import to_multi_hot
    from warwire.modeling.classifier import apply_thresholds

    if not rows:
        return ""
    n = len(rows)
    gold = np.array([to_multi_hot(row["labels"]) for row in rows])
    decided = apply_thresholds(scores[:n], thresholds)
    text = f"{compute_metrics(gold, decided)['macro_f1']:.4f}"
    if reference is not None:
        same = (decided == apply_thresholds(reference[:n], thresholds)).all(axis=1).mean()
        text += f" | {100 * same:.1f}%"
    else:
        text += " | (reference)"
    return text


def memory_input(path: Path, count: int) -> int:
    """A JSONL of articles with ``count`` sentences in all (one sentence a line, so
    segmentation finds exactly these); returns the number of articles."""
    pool, _ = sentence_pool()
    articles = 0
    with path.open("w", encoding="utf-8") as handle:
        for first in range(0, count, ARTICLE_SENTENCES):
            lines = [pool[i % len(pool)] for i in range(first, min(first + ARTICLE_SENTENCES, count))]
            handle.write(json.dumps({"id": f"bench-{articles}", "text": "\n".join(lines)}) + "\n")
            articles += 1
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model_dir", type=Path, help="a trained transformer model dir")
    parser.add_argument("--sentences", type=int, default=3000, help="sentences scored by each path in each pass (default 3000)")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes per path; the fastest counts (default 3)")
    parser.add_argument(
        "--batch-size", type=int, default=16, help="sentences per batch, every path (default 16, as warwire predict)"
    )
    parser.add_argument("--paths", default="pipeline,torch,onnx", help="comma-separated subset of pipeline,torch,onnx")
    parser.add_argument("--memory-sentences", type=int, default=100_000, help="sentences in the memory run; 0 skips it")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--scores", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, str(args.model_dir), args.input, args.batch_size, args.scores, args.repeats)))
        return

    import numpy as np

    from warwire.modeling.modeldir import read_info
    from warwire.modeling.onnx_runtime import cache_path

    info = read_info(args.model_dir)
    paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    work = Path(tempfile.mkdtemp(prefix="warwire-bench-"))
    try:
        print(f"machine: {machine()}")
        print(f"model: {args.model_dir} ({info.recipe.get('backbone')}, max_length {info.recipe.get('max_length')})")
        if "onnx" in paths:
            exported = not cache_path(args.model_dir).is_file()
            _, seconds, _ = run_child([sys.executable, "-m", "warwire.cli", "export", str(args.model_dir)], work / "export.log")
            print(f"int8 export: {'made' if exported else 'cached'} ({seconds:.0f} s, once per model dir)")
        sentences, rows = sentences_for(args.sentences)
        (work / "sentences.json").write_text(json.dumps(sentences), encoding="utf-8")
        average = sum(map(len, sentences)) / len(sentences)
        print(
            f"sentences: {len(sentences)} ({average:.0f} characters on average; {len(rows)} of them labeled, the test split), "
            f"batch size {args.batch_size}, best of {args.repeats} passes"
        )
        results = {}
        for path in paths:
            scores_file = work / f"{path}.npy"
            log = work / f"{path}.log"
            _, _, rss = run_child(
                [
                    sys.executable,
                    __file__,
                    str(args.model_dir),
                    "--worker",
                    path,
                    "--input",
                    str(work / "sentences.json"),
                    "--scores",
                    str(scores_file),
                    "--batch-size",
                    str(args.batch_size),
                    "--repeats",
                    str(args.repeats),
                ],
                log,
            )
            result = json.loads(log.read_text().strip().splitlines()[-1])
            result["rss"] = rss
            result["scores"] = np.load(scores_file)
            results[path] = result
            speeds = ", ".join(f"{result['sentences'] / seconds:.0f}" for seconds in result["passes"])
            print(
                f"  {path}: {result['sentences'] / result['seconds']:.0f} sentences/s (passes: {speeds}), peak RSS {rss} MiB",
                flush=True,
            )

        base = results.get("pipeline")
        reference = results.get("torch", {}).get("scores")
        if results:
            print()
            print("| path | sentences/s | vs pipeline | peak RSS (MiB) | load (s) | test macro-F1 | same labels as torch |")
            print("|---|---:|---:|---:|---:|---:|---:|")
        names = {
            "pipeline": "transformers pipeline (fp32)",
            "torch": "warwire --backend torch (fp32)",
            "onnx": "warwire --backend onnx (int8)",
        }
        for path, result in results.items():
            speed = result["sentences"] / result["seconds"]
            ratio = f"{speed / (base['sentences'] / base['seconds']):.2f}x" if base else "-"
            agreement = quality(result["scores"], rows, info.thresholds, None if path == "torch" else reference) or "- | -"
            print(f"| {names[path]} | {speed:.0f} | {ratio} | {result['rss']} | {result['load_seconds']:.1f} | {agreement} |")
        if base and "threads" in base:
            print(f"\n(pipeline ran with torch's default {base['threads']} threads; warwire with one per available core)")

        if args.memory_sentences:
            big = work / "big.jsonl"
            articles = memory_input(big, args.memory_sentences)
            out = work / "big-out.jsonl"
            command = [
                sys.executable,
                "-m",
                "warwire.cli",
                "predict",
                str(args.model_dir),
                str(big),
                "--output",
                str(out),
                "--backend",
                "onnx",
                "--batch-size",
                str(args.batch_size),
            ]
            _, seconds, rss = run_child(command, work / "memory.log")
            with out.open("rb") as handle:
                rows_out = sum(1 for _ in handle)
            print(
                f"\nmemory run: warwire predict --backend onnx on {rows_out} sentences in {articles} articles "
                f"({big.stat().st_size / 2**20:.0f} MiB JSONL in, {out.stat().st_size / 2**20:.0f} MiB out): "
                f"peak RSS {rss} MiB, {seconds:.0f} s end to end ({rows_out / seconds:.0f} sentences/s with reading, "
                "segmentation and writing)"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
