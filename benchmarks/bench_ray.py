"""``warwire predict --engine ray`` on a local Ray against the local engine, same input.

    python benchmarks/bench_ray.py MODEL_DIR [--sentences 5500]

Each run is a whole ``warwire predict`` process (for Ray: starting the local cluster,
the workers, loading the model on each) on the input of ``bench_end_to_end.py``; the
rows of every run are compared with the local engine's. Runs: the local engine (one
process per core), Ray with 1 worker of 2 CPUs, Ray with 2 workers of 1 CPU.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_end_to_end import prepared_run, timed_process  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("--sentences", type=int, default=5500)
    args = parser.parse_args()
    work, _, articles, sentences, predict = prepared_run(args.model_dir, args.sentences, "warwire-ray-")
    print(f"input: {articles} articles, {sentences} sentences; whole processes, start-up included")
    runs = {
        "local engine (one process per core)": [],
        "ray, 1 worker x 2 CPUs": ["--engine", "ray", "--workers", "1", "--worker-cpus", "2"],
        "ray, 2 workers x 1 CPU": ["--engine", "ray", "--workers", "2", "--worker-cpus", "1"],
    }
    reference = None
    for number, (name, extra) in enumerate(runs.items()):
        out = work / f"run-{number}.jsonl"
        seconds = timed_process([*predict, *extra, "--output", str(out)])
        rows = out.read_bytes()
        reference = reference or rows
        same = "identical rows" if rows == reference else "ROWS DIFFER from the local engine"
        count = rows.count(b"\n")  # rows: sentences as warwire segments them
        print(f"  {name}: {seconds:.1f} s, {count / seconds:.0f} sentences/s, {same}")


if __name__ == "__main__":
    main()
