"""Compare two or more evaluations of the same data: a side-by-side table with deltas
against the first (the reference) and a paired, article-level bootstrap of every
difference (interval and p-value).

Evaluations made on different data are refused: their difference would mix the
models with the data. The data's sha256 in metrics.json decides, and the sentence ids
in predictions.jsonl must match too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from warwire.errors import WarwireError
from warwire.evaluation.bootstrap import CONFIDENCE_LEVEL, DEFAULT_RESAMPLES, DEFAULT_SEED, bootstrap, paired_difference
from warwire.evaluation.reportdir import PREDICTIONS_FILE, Report, json_safe, load_report
from warwire.evaluation.weighted_metrics import all_metrics
from warwire.fileio import atomic_files
from warwire.labels import LABELS
from warwire.markdown import fmt, table

# (path in the metrics dict, row name): the rows of the comparison, headline first.
ROWS = (
    (("macro_f1",), "macro-F1"),
    (("micro_f1",), "micro-F1"),
    (("exact_match",), "exact match"),
    (("none_accuracy",), "accuracy on no-label sentences"),
    (("ece",), "ECE (lower is better)"),
    *((("per_label", label, "f1"), f"{label} F1") for label in LABELS),
    *((("per_label", label, "average_precision"), f"{label} AP") for label in LABELS),
)


def check_same_data(reports: Sequence[Report]) -> None:
    """Refuse evaluations of different data (sha256) or different sentences (ids)."""
    reference = reports[0]
    for other in reports[1:]:
        mine, theirs = reference.metrics["data"]["sha256"], other.metrics["data"]["sha256"]
        if mine != theirs:
            raise WarwireError(
                f"{other.path}: evaluated on different data than {reference.path} "
                f"(sha256 {theirs[:12]}… vs {mine[:12]}…); evaluations can only be compared on the same data"
            )
        if other.ids != reference.ids or other.article_ids != reference.article_ids:
            raise WarwireError(
                f"{other.path}: {PREDICTIONS_FILE} lists other sentences than {reference.path}'s; re-run both evaluations"
            )


def _names(paths: Sequence[Path]) -> list[str]:
    """Column names: the dir names, or the paths as given where two dir names clash."""
    names = [p.name or str(p) for p in paths]
    return [str(p) if names.count(n) > 1 else n for p, n in zip(paths, names)]


def _leaf(tree: dict, path: tuple[str, ...]):
    for key in path:
        tree = tree[key]
    return tree


def compare(
    report_dirs: Sequence[Path | str],
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    level: float = CONFIDENCE_LEVEL,
) -> dict:
    """Compare evaluations: values, deltas against the first, paired bootstrap of each delta.

    Args:
        report_dirs: two or more report dirs of ``warwire evaluate`` on the same data;
            the first is the reference the others are compared with.
        resamples: paired bootstrap resamples (articles drawn with replacement; every
            model is scored on the same draws).
        seed: bootstrap seed.
        level: coverage of the intervals.

    Returns:
        The comparison dict written to comparison.json.
    """
    if len(report_dirs) < 2:
        raise WarwireError("compare needs at least two report dirs")
    if resamples < 1:
        raise WarwireError(f"--bootstrap must be at least 1, got {resamples}")
    paths = [Path(p) for p in report_dirs]
    reports = [load_report(p) for p in paths]
    check_same_data(reports)
    names = _names(paths)
    article_ids = reports[0].article_ids
    samples = []
    for r in reports:
        # The same seed and articles give every model the same resamples: a paired test.
        samples.append(bootstrap(lambda w, r=r: all_metrics(r.gold, r.predicted, r.scores, w), article_ids, resamples, seed))
    rows = {}
    for path, title in ROWS:
        # Point values as each evaluation recorded them; only the resamples are computed here.
        values = [_leaf(r.metrics, path) for r in reports]
        deltas = {
            names[k]: {
                "delta": None if values[k] is None or values[0] is None else values[k] - values[0],
                **paired_difference(_leaf(samples[0], path), _leaf(samples[k], path), level),
            }
            for k in range(1, len(reports))
        }
        rows[".".join(path)] = {"name": title, "values": dict(zip(names, values)), "deltas": deltas}
    first = reports[0].metrics
    return json_safe(
        {
            "reference": names[0],
            "reports": [
                {"name": n, "path": str(r.path), "model": r.metrics.get("model", {}).get("path")} for n, r in zip(names, reports)
            ],
            "data": {
                "path": first["data"].get("path"),
                "sha256": first["data"]["sha256"],
                "sentences": len(article_ids),
                "articles": len(set(article_ids)),
            },
            "bootstrap": {"resamples": resamples, "seed": seed, "level": level, "unit": "article", "paired": True},
            "metrics": rows,
        }
    )


def _delta_cell(delta: dict) -> str:
    ci = delta["ci"]
    interval = "" if not ci else f" [{ci[0]:+.3f}, {ci[1]:+.3f}]"
    return "–" if delta["delta"] is None else f"{delta['delta']:+.3f}{interval}"


def comparison_table(comparison: dict) -> str:
    """The side-by-side Markdown table: one column per evaluation, then delta and p
    for each evaluation after the reference."""
    names = [r["name"] for r in comparison["reports"]]
    reference, others = names[0], names[1:]
    header = ["metric", *names]
    for other in others:
        header += [f"{other} − {reference} [95% CI]", "p"]
    rows = []
    for row in comparison["metrics"].values():
        # The headline row in bold, as in report.md.
        title = f"**{row['name']}**" if row is comparison["metrics"].get("macro_f1") else row["name"]
        cells = [title, *(fmt(row["values"][n]) for n in names)]
        for other in others:
            delta = row["deltas"][other]
            cells += [_delta_cell(delta), fmt(delta["p_value"])]
        rows.append(cells)
    return "\n".join(table(header, rows, align="l" + "r" * (len(header) - 1)))


def comparison_markdown(comparison: dict) -> str:
    """comparison.md: what was compared, on which data, the table and how to read it."""
    data, boot = comparison["data"], comparison["bootstrap"]
    macro = comparison["metrics"]["macro_f1"]
    verdicts = []
    for other, delta in macro["deltas"].items():
        ci = delta["ci"] or [float("nan")] * 2
        verdicts.append(
            f"- **{other}** vs **{comparison['reference']}**: macro-F1 {delta['delta']:+.3f} "
            f"(95% CI {ci[0]:+.3f} to {ci[1]:+.3f}, p = {fmt(delta['p_value'])})."
        )
    lines = [
        "# Comparison of evaluations",
        "",
        *[
            f"- `{r['name']}`: report `{r['path']}`" + (f", model `{r['model']}`" if r["model"] else "")
            for r in comparison["reports"]
        ],
        f"- **Data**: `{data['path']}`, {data['sentences']} sentences in {data['articles']} articles "
        f"(sha256 `{data['sha256'][:12]}…`), the same for every evaluation.",
        f"- **Test**: paired bootstrap over articles ({boot['resamples']} resamples, seed {boot['seed']}): "
        "each resample draws articles with replacement and scores every model on the same draw. "
        'p is the two-sided bootstrap p-value of "no difference".',
        "",
        "## Macro-F1 difference",
        "",
        *verdicts,
        "",
        "## All figures",
        "",
        comparison_table(comparison),
        "",
    ]
    return "\n".join(lines)


def default_output(report_dirs: Sequence[Path | str]) -> Path:
    """The report dirs' common parent (``eval/`` for ``eval/minilm eval/tfidf``)."""
    parents = [str(Path(p).resolve().parent) for p in report_dirs]
    return Path(os.path.commonpath(parents))


def write_comparison(comparison: dict, output_dir: Path | str) -> Path:
    """Write comparison.md and comparison.json atomically; return the .md path."""
    output_dir = Path(output_dir)
    atomic_files(
        output_dir,
        {
            "comparison.json": (json.dumps(comparison, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode(),
            "comparison.md": comparison_markdown(comparison).encode(),
        },
    )
    return output_dir / "comparison.md"
