"""report.md: the evaluation as a reviewer reads it on a code host, rendered from the
metrics dict alone (so it can be rebuilt from metrics.json).

Sections, in order: Headline, Per label, Precision-recall curves, Calibration, Label
co-occurrence, Slices, Most confident errors, Reproduce. Every figure with an
interval shows it as ``value [low, high]`` (95%, article-level bootstrap).
"""

from __future__ import annotations

import shlex

from warwire.labels import LABELS, NONE_LABEL
from warwire.markdown import fmt, table

PR_CURVES_PNG = "pr_curves.png"
RELIABILITY_PNG = "reliability.png"
HEADLINE_ROWS = (
    ("macro_f1", "**macro-F1** (headline: mean of the four labels' F1)"),
    ("micro_f1", "micro-F1 (all label decisions pooled)"),
    ("exact_match", "exact match (all four decisions right)"),
    ("none_accuracy", "accuracy on sentences with no label"),
    ("ece", "expected calibration error (lower is better)"),
)


def fmt_ci(value, interval) -> str:
    """``0.812 [0.771, 0.850]``, or the bare value when there is no interval."""
    if value is None:
        return "–"
    return fmt(value) if not interval else f"{fmt(value)} [{fmt(interval[0])}, {fmt(interval[1])}]"


def label_names(labels: list[str]) -> str:
    return ", ".join(labels) or NONE_LABEL


def headline_table(metrics: dict) -> str:
    """The per-label table with macro and micro rows, each F1 with its interval.

    Args:
        metrics: an evaluation's metrics dict.

    Returns:
        A Markdown table (also what ``warwire evaluate`` prints).
    """
    rows = []
    for label in LABELS:
        m = metrics["per_label"][label]
        rows.append(
            [
                label,
                fmt(m.get("threshold"), 2),
                fmt_ci(m["precision"], m.get("precision_ci")),
                fmt_ci(m["recall"], m.get("recall_ci")),
                fmt_ci(m["f1"], m.get("f1_ci")),
                m["support"],
                fmt_ci(m.get("average_precision"), m.get("average_precision_ci")),
                fmt(m.get("ece")),
            ]
        )
    rows.append(["**macro**", "", "", "", f"**{fmt_ci(metrics['macro_f1'], metrics.get('macro_f1_ci'))}**", "", "", ""])
    rows.append(["micro", "", "", "", fmt_ci(metrics["micro_f1"], metrics.get("micro_f1_ci")), "", "", ""])
    header = ["label", "threshold", "precision", "recall", "F1", "support", "AP", "ECE"]
    return "\n".join(table(header, rows, align="lrrrrrrr"))


def _summary(metrics: dict) -> list[str]:
    rows = []
    for key, name in HEADLINE_ROWS:
        value, interval = metrics.get(key), metrics.get(f"{key}_ci")
        shown = f"**{fmt(value)}**" if key == "macro_f1" else fmt(value)
        rows.append([name, shown, "–" if not interval else f"{fmt(interval[0])} – {fmt(interval[1])}"])
    return table(["metric", "value", "95% CI"], rows, align="lrl")


def _intro(metrics: dict, model_dir: str) -> list[str]:
    data, boot = metrics["data"], metrics["bootstrap"]
    kind = ", ".join(filter(None, (metrics.get("model", {}).get(key) for key in ("kind", "backend"))))
    if metrics["articles"] < boot["min_articles"]:
        intervals = (
            f"- **Intervals**: none: {metrics['articles']} article(s), and an article-level "
            f"bootstrap needs at least {boot['min_articles']}."
        )
    else:
        intervals = (
            f"- **Intervals**: {round(boot['level'] * 100)}% percentile bootstrap over **articles** "
            f"({boot['resamples']} resamples, seed {boot['seed']}): the sentences of one article are "
            "drawn together, because they are not independent."
        )
    return [
        f"# Evaluation of `{model_dir}`",
        "",
        f"- **Model**: `{model_dir}`" + (f" ({kind})." if kind else "."),
        f"- **Data**: `{data['path']}`: {metrics['sentences']} sentences in {metrics['articles']} articles "
        f"(sha256 `{data['sha256'][:12]}…`).",
        intervals,
    ]


def _figures(figures: dict | None) -> list[str]:
    """The casualty-figure section, when the data carried gold figures."""
    if not figures:
        return []
    rows = [[rule, m["figures"], fmt(m["accuracy"])] for rule, m in figures["per_rule"].items()]
    return [
        "## Casualty figures",
        "",
        f"Killed and injured figures exactly right, end to end (predicted labels, then extraction): "
        f"**{fmt(figures['accuracy'])}** of {figures['figures']} figures in {figures['sentences']} sentences "
        f"(killed {fmt(figures['killed_accuracy'])}, injured {fmt(figures['injured_accuracy'])}).",
        "",
        *table(["rule", "figures", "accuracy"], rows, align="lrr"),
        "",
    ]


def _cooccurrence(cooccurrence: dict) -> list[str]:
    names = cooccurrence["labels"]
    header, align = ["gold \\ predicted", *names], "l" + "r" * len(names)

    def counts_table(key: str) -> list[str]:
        return table(header, [[name, *counts] for name, counts in zip(names, cooccurrence[key])], align=align)

    return [
        "Sentences carrying the row's gold label and the column's predicted label "
        "(`none`: no label at all); the diagonal holds the true positives.",
        "",
        *counts_table("counts"),
        "",
        "Confusions only: the column's label predicted on sentences of the row's gold label "
        "*without* being gold (column `none`: nothing predicted for a labeled sentence).",
        "",
        *counts_table("confusions"),
    ]


def _slices(slices: dict, min_articles: int) -> list[str]:
    if not slices:
        return ["No metadata key with repeated values to slice by (use `--slice-by KEY`)."]
    rows = [
        f"Each slice has its own article-level interval (none below {min_articles} articles: "
        "read those figures as anecdotes). A label with neither gold nor predicted sentences in a "
        "slice has no F1 (–) and is left out of its macro-F1; (n) is the label's gold sentences. "
        "Weakest slice first."
    ]
    label_columns = [f"{label} F1 (n)" for label in LABELS]
    for key, values in slices.items():
        weakest_first = sorted(values.items(), key=lambda kv: (kv[1]["macro_f1"] is None, kv[1]["macro_f1"] or 0.0, kv[0]))
        body = [
            [
                value,
                m["articles"],
                m["sentences"],
                fmt_ci(m["macro_f1"], m["macro_f1_ci"]),
                *(f"{fmt(m['per_label'][label]['f1'])} ({m['per_label'][label]['support']})" for label in LABELS),
            ]
            for value, m in weakest_first
        ]
        header = [key, "articles", "sentences", "macro-F1 [95% CI]", *label_columns]
        rows += ["", f"### By `{key}`", "", *table(header, body, align="l" + "r" * (len(header) - 1))]
    return rows


def _error_table(rows_in: list[dict]) -> list[str]:
    if not rows_in:
        return ["None."]
    rows = [
        [
            f"{e['score']:.3f}",
            e["text"],
            e["article_id"],
            label_names(e["gold"]),
            label_names(e["predicted"]),
            " · ".join(f"{e['scores'][label]:.2f}" for label in LABELS),
        ]
        for e in rows_in
    ]
    return table(["score", "sentence", "article", "gold", "predicted", "all scores"], rows, align="rlllll")


def _errors(errors: dict) -> list[str]:
    rows = [
        "Per label, the false positives with the highest score and the false negatives with the "
        f"lowest. *All scores* are in label order ({', '.join(LABELS)}). Every sentence's scores "
        "are in `predictions.jsonl`."
    ]
    for label in LABELS:
        rows += [
            "",
            f"### {label}",
            "",
            "False positives (predicted, not gold):",
            "",
            *_error_table(errors[label]["false_positives"]),
            "",
            "False negatives (gold, not predicted):",
            "",
            *_error_table(errors[label]["false_negatives"]),
        ]
    return rows


def reproduce_command(metrics: dict, model_dir: str, report_dir: str | None = None) -> str:
    """The ``warwire evaluate`` command line that writes this report again.

    Every option that shapes the report is spelled out, from what the metrics record:
    the backend that scored (after any fallback of ``auto``), the slice keys used
    (chosen or given), the errors kept per label; ``report_dir`` where it is known.
    """
    data, boot = metrics["data"], metrics["bootstrap"]
    words = ["warwire", "evaluate", model_dir, "--data", data["path"]]
    if report_dir is not None:
        words += ["--report-dir", report_dir]
    words += ["--bootstrap", str(boot["resamples"]), "--seed", str(boot["seed"])]
    backend = metrics.get("model", {}).get("backend")
    if backend in ("torch", "onnx"):  # the TF-IDF baseline has no --backend choice
        words += ["--backend", backend]
    for key in metrics["slices"]:
        words += ["--slice-by", key]
    if "top_errors" in metrics:
        words += ["--top-errors", str(metrics["top_errors"])]
    return shlex.join(words)


def report_markdown(metrics: dict, model_dir: str, report_dir: str | None = None) -> str:
    """The whole report.md.

    Args:
        metrics: the evaluation's metrics dict (as in metrics.json).
        model_dir: the model dir as the user named it, for the title.
        report_dir: where the report is written, for the Reproduce command.

    Returns:
        Markdown text; the PNGs it shows lie beside it.
    """
    boot, calibration = metrics["bootstrap"], metrics["calibration"]
    lines = [
        *_intro(metrics, model_dir),
        "",
        "## Headline",
        "",
        *_summary(metrics),
        "",
        "## Per label",
        "",
        "Precision, recall, F1 and average precision (AP, threshold-free) with 95% intervals; the "
        "threshold is the model's decision threshold (tuned on dev); ECE: expected calibration error.",
        "",
        headline_table(metrics),
        "",
        "## Precision-recall curves",
        "",
        f"![Precision-recall curve per label, the decision threshold marked]({PR_CURVES_PNG})",
        "",
        "## Calibration",
        "",
        f"Expected calibration error over all labels: **{fmt(metrics['ece'])}** "
        f"({calibration['bins']} equal-width bins); a well-calibrated label follows the diagonal.",
        "",
        f"![Reliability diagram]({RELIABILITY_PNG})",
        "",
        *_figures(metrics.get("figures")),
        "## Label co-occurrence",
        "",
        *_cooccurrence(metrics["cooccurrence"]),
        "",
        "## Slices",
        "",
        *_slices(metrics["slices"], boot["min_articles"]),
        "",
        "## Most confident errors",
        "",
        *_errors(metrics["errors"]),
        "",
        "## Reproduce",
        "",
        "```",
        reproduce_command(metrics, model_dir, report_dir),
        "```",
        "",
        "Beside this file: `metrics.json` (every figure, for machines), `predictions.jsonl` (gold, "
        f"predicted labels and scores per sentence; what `warwire compare` reads), `{PR_CURVES_PNG}`, "
        f"`{RELIABILITY_PNG}`.",
        "",
    ]
    return "\n".join(lines)
