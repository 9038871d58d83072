"""``warwire predict --engine ray`` on a local Ray against the local engine, same input.

    python benchmarks/bench_ray.py MODEL_DIR [--sentences 5500]

Each run is a whole ``warwire predict`` process (for Ray: starting the local cluster,
the workers, loading the model on each) on the input of ``bench_end_to_end.py``; the
rows of every run are compared with the local engine's. Runs: the local engine (one
process per core), Ray with 1 worker of 2 CPUs, Ray with 2 workers of 1 CPU.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_end_to_end import write_input  # noqa: E402


def run(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        args, check=True, env={**os.environ, "HF_HUB_OFFLINE": "1"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("--sentences", type=int, default=5500)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="warwire-ray-"))
    big = work / "big.jsonl"
    articles, sentences = write_input(big, args.sentences)
    predict = [sys.executable, "-m", "warwire.cli", "predict", str(args.model_dir), str(big), "--backend", "onnx"]
    subprocess.run([sys.executable, "-m", "warwire.cli", "export", str(args.model_dir)], check=True, capture_output=True)
    print(f"input: {articles} articles, {sentences} sentences; whole processes, start-up included")
    runs = {
        "local engine (one process per core)": [],
        "ray, 1 worker x 2 CPUs": ["--engine", "ray", "--workers", "1", "--worker-cpus", "2"],
        "ray, 2 workers x 1 CPU": ["--engine", "ray", "--workers", "2", "--worker-cpus", "1"],
    }
    reference = None
    for number, (name, extra) in enumerate(runs.items()):
        out = work / f"run-{number}.jsonl"
        seconds = run([*predict, *extra, "--output", str(out)])
        rows = out.read_bytes()
        reference = reference or rows
        same = "identical rows" if rows == reference else "ROWS DIFFER from the local engine"
        count = rows.count(b"\n")  # rows: sentences as warwire segments them
        print(f"  {name}: {seconds:.1f} s, {count / seconds:.0f} sentences/s, {same}")


if __name__ == "__main__":
    main()
