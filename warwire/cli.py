"""The ``warwire`` command line: parses arguments and calls the library, nothing more."""

from __future__ import annotations

import functools
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

from warwire.errors import WarwireError, render

app = typer.Typer(rich_markup_mode=None, add_completion=False, no_args_is_help=True, help="Label the sentences of conflict news.")
data_app = typer.Typer(rich_markup_mode=None, no_args_is_help=True, help="Check and build the labeled corpus.")
app.add_typer(data_app, name="data")
label_app = typer.Typer(
    rich_markup_mode=None, no_args_is_help=True, help="Label your own sentences in Label Studio and bring them back."
)
app.add_typer(label_app, name="label")


DEVICE_HELP = "auto (a CUDA GPU if one is visible, else the CPU), cpu or cuda (PyTorch under bf16 autocast)."
BACKEND_HELP = (
    "torch (fp32), onnx (int8 ONNX Runtime, exported once into MODEL_DIR/onnx/) or auto "
    "(onnx if available, else torch). The TF-IDF baseline has one path."
)


def _warn(message: str) -> None:
    typer.echo(f"warning: {message}", err=True)


def _note(message: str) -> None:
    typer.echo(message, err=True)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def user_errors(command):
    """Run a command so that bad input is one line on stderr and exit status 2.

    SIGTERM is turned into KeyboardInterrupt so the same clean-up (no half-written
    model dir or output) runs for Ctrl-C and for a killed job.
    """

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            return command(*args, **kwargs)
        except WarwireError as error:
            typer.echo(render(error), err=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            typer.echo("interrupted: nothing half-written was left behind", err=True)
            raise typer.Exit(130) from None

    return wrapper


def _progress(total: int | None, unit: str, description: str):
    """A stderr progress bar that only appears for work that takes more than a moment."""
    from tqdm.auto import tqdm

    # disable=None: no bar when stderr is not a terminal (logs, CI), where it is only noise.
    return tqdm(total=total, unit=unit, desc=description, file=sys.stderr, delay=1.0, dynamic_ncols=True, disable=None)


@app.command()
@user_errors
def train(
    config: Annotated[Path, typer.Option(help="Training recipe (TOML).")] = Path("train/minilm.toml"),
    output: Annotated[Path | None, typer.Option(help="Model dir to create [default: models/<recipe name>].")] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing model dir.")] = False,
    resume: Annotated[bool, typer.Option(help="Continue an interrupted run from its last checkpoint.")] = False,
    max_steps: Annotated[int | None, typer.Option(help="Stop after N optimizer steps (smoke runs).")] = None,
    max_train_samples: Annotated[int | None, typer.Option(help="Train on the first N sentences only (smoke runs).")] = None,
    device: Annotated[str, typer.Option(help=DEVICE_HELP)] = "auto",
):
    """Train a model from a recipe; the model dir appears only when complete."""
    from warwire.config import load_recipe
    from warwire.modeling.device import resolve_device
    from warwire.training.run import train as run_training

    recipe = load_recipe(config)
    output = output or Path("models") / config.stem
    result = run_training(
        recipe,
        output,
        overwrite=overwrite,
        resume=resume,
        max_steps=max_steps,
        max_train_samples=max_train_samples,
        where=str(config),
        device=resolve_device(device),
    )
    typer.echo(
        f"trained {recipe.kind} model in {result.seconds:.0f} s; "
        f"dev macro-F1 {result.dev_metrics['macro_f1']:.3f} (thresholds tuned on dev); model: {result.output}"
    )


@app.command()
@user_errors
def distill(
    teacher: Annotated[Path, typer.Option(help="The teacher's model dir (e.g. one trained from train/mpnet.toml).")],
    config: Annotated[Path, typer.Option(help="The student's recipe (TOML).")] = Path("train/minilm.toml"),
    output: Annotated[Path | None, typer.Option(help="Model dir to create [default: models/<recipe name>-distilled].")] = None,
    unlabeled: Annotated[
        list[str] | None,
        typer.Option(help="Unlabeled articles the teacher also labels for the student (any `predict` input; repeatable)."),
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing model dir.")] = False,
    resume: Annotated[
        bool, typer.Option(help="Continue an interrupted distillation from its last checkpoint (the teacher scores again).")
    ] = False,
    device: Annotated[str, typer.Option(help=DEVICE_HELP)] = "auto",
):
    """Train the recipe's model from gold labels and a teacher's probabilities (soft targets)."""
    from warwire.config import load_recipe
    from warwire.modeling.device import resolve_device
    from warwire.training.distill import score_with_teacher, unlabeled_examples
    from warwire.training.run import check_resumable
    from warwire.training.run import train as run_training

    recipe = load_recipe(config)
    if recipe.kind != "transformer":
        raise WarwireError(f"{config}: distillation needs a transformer recipe, not {recipe.kind!r}")
    output = output or Path("models") / f"{config.stem}-distilled"
    if output.exists() and not (overwrite or resume):
        raise WarwireError(f"{output}: already exists (pass --overwrite to replace it)")
    if resume:  # before the teacher's scoring, which takes minutes
        check_resumable(recipe, output, distilled=True)
    device = resolve_device(device)
    sentences = []
    if unlabeled:
        from warwire.prediction.inputs import iter_articles
        from warwire.prediction.pipeline import sentences_of

        sentences = unlabeled_examples(list(sentences_of(iter_articles(unlabeled, _warn))))
        if not sentences:
            raise WarwireError(f"{', '.join(unlabeled)}: no sentences in the unlabeled input")
    with _progress(None, "sent", "teacher scoring") as bar:
        scores = score_with_teacher(teacher, recipe, sentences, unlabeled or (), warn=_warn, on_batch=bar.update, device=device)
    result = run_training(recipe, output, overwrite=overwrite, resume=resume, where=str(config), device=device, teacher=scores)
    typer.echo(
        f"distilled {recipe.backbone} from {teacher} in {result.seconds:.0f} s "
        f"({scores.record['unlabeled_sentences']} unlabeled sentences); "
        f"dev macro-F1 {result.dev_metrics['macro_f1']:.3f}; model: {result.output}"
    )


@app.command()
@user_errors
def evaluate(
    model_dir: Annotated[Path, typer.Argument(help="A trained model dir.")],
    data: Annotated[Path | None, typer.Option(help="Labeled JSONL (default: the corpus's test split).")] = None,
    report_dir: Annotated[
        Path | None, typer.Option(help="Where metrics.json and report.md go (default: MODEL_DIR/eval).")
    ] = None,
    bootstrap: Annotated[int, typer.Option(min=1, help="Bootstrap resamples (of whole articles) for the 95% intervals.")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap resampling.")] = 0,
    slice_by: Annotated[
        list[str] | None,
        typer.Option(
            help="Metadata key to report metrics per value of "
            "(repeatable; default: keys with a few repeated values, e.g. conflict, register)."
        ),
    ] = None,
    top_errors: Annotated[int, typer.Option(min=0, help="Most confident false positives and negatives shown per label.")] = 5,
    backend: Annotated[str, typer.Option(help=BACKEND_HELP)] = "auto",
    device: Annotated[str, typer.Option(help=DEVICE_HELP)] = "auto",
):
    """Evaluate a model on labeled data; write metrics.json, report.md (+ PNGs) and predictions.jsonl."""
    from warwire.evaluation.evaluate import DEFAULT_DATA
    from warwire.evaluation.evaluate import evaluate as run_evaluation
    from warwire.evaluation.report import headline_table
    from warwire.evaluation.reportdir import write_report
    from warwire.fileio import check_output_dir
    from warwire.modeling.device import resolve_device
    from warwire.modeling.loader import load_classifier

    report_dir = report_dir or model_dir / "eval"
    check_output_dir(report_dir)  # before the scoring, which may take minutes
    classifier = load_classifier(model_dir, warn=_warn, backend=backend, notify=_note, device=resolve_device(device, backend))
    data = data or DEFAULT_DATA
    with _progress(None, "sent", "scoring") as bar:
        evaluation = run_evaluation(
            classifier,
            data,
            on_batch=bar.update,
            resamples=bootstrap,
            seed=seed,
            slice_by=slice_by or None,
            top_errors=top_errors,
            model_dir=model_dir,
        )
    metrics_path = write_report(evaluation, report_dir, str(model_dir))
    typer.echo(headline_table(evaluation.metrics))
    if evaluation.metrics["macro_f1_ci"] is None:
        articles, needed = evaluation.metrics["articles"], evaluation.metrics["bootstrap"]["min_articles"]
        typer.echo(f"\nno intervals: {articles} article(s), the bootstrap needs at least {needed}")
    else:
        typer.echo(f"\n95% intervals: article-level bootstrap, {bootstrap} resamples, seed {seed}")
    typer.echo(f"report: {metrics_path.parent / 'report.md'}")


@app.command()
@user_errors
def compare(
    report_dirs: Annotated[
        list[Path],
        typer.Argument(help="Two or more report dirs of `warwire evaluate` on the same data; the first is the reference."),
    ],
    output: Annotated[
        Path | None, typer.Option(help="Where comparison.md and comparison.json go (default: the report dirs' common parent).")
    ] = None,
    bootstrap: Annotated[int, typer.Option(min=1, help="Paired bootstrap resamples (of whole articles).")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap resampling.")] = 0,
):
    """Compare evaluations side by side, with a paired bootstrap test of each difference."""
    from warwire.evaluation.compare import compare as run_comparison
    from warwire.evaluation.compare import comparison_table, default_output, write_comparison
    from warwire.fileio import check_output_dir

    if output is not None:
        check_output_dir(output)  # before the paired bootstrap; the default is the reports' parent dir
    comparison = run_comparison(report_dirs, resamples=bootstrap, seed=seed)
    path = write_comparison(comparison, output or default_output(report_dirs))
    typer.echo(comparison_table(comparison))
    typer.echo(f"\ncomparison: {path}")


@app.command()
@user_errors
def predict(
    model_dir: Annotated[Path, typer.Argument(help="A trained model dir.")],
    inputs: Annotated[
        list[str], typer.Argument(help=".txt/.html articles, directories of them, .jsonl/.csv with id,text, or - for stdin.")
    ],
    output: Annotated[Path | None, typer.Option(help="FILE.jsonl or FILE.csv [default: JSONL on stdout].")] = None,
    batch_size: Annotated[
        int | None,
        typer.Option(min=1, help="Sentences per inference batch [default: 16 on a CPU (least padding), 256 on a GPU]."),
    ] = None,
    backend: Annotated[str, typer.Option(help=BACKEND_HELP)] = "auto",
    device: Annotated[str, typer.Option(help=DEVICE_HELP)] = "auto",
    summary: Annotated[
        Path | None, typer.Option(help="Also write one row per article (see `warwire summarize`) to FILE.jsonl or FILE.csv.")
    ] = None,
    engine: Annotated[
        str, typer.Option(help="local (this process) or ray (a Ray cluster: RAY_ADDRESS, --ray-address, or a local one).")
    ] = "local",
    ray_address: Annotated[str | None, typer.Option(help="Ray cluster to join [default: RAY_ADDRESS, else start one].")] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Processes scoring in parallel with the int8 backend (local engine) [default: one per core], "
            "or Ray workers [default: one per --worker-cpus CPUs of the cluster].",
        ),
    ] = None,
    worker_cpus: Annotated[int, typer.Option(min=1, help="CPUs (scoring threads) per Ray worker.")] = 2,
):
    """Label every sentence of the input articles (streamed: memory stays flat)."""
    from contextlib import nullcontext

    from warwire.modeling.device import DEFAULT_BATCH, resolve_device
    from warwire.prediction.engines import CPU_ENGINES, open_engine
    from warwire.prediction.inputs import input_paths, iter_articles
    from warwire.prediction.outputs import check_output_path, open_rows
    from warwire.prediction.pipeline import PredictStats
    from warwire.prediction.summary import SUMMARY_COLUMNS, tee_summaries

    paths = input_paths(inputs)
    for target in filter(None, (output, summary)):
        check_output_path(target, paths)
    if output is not None and summary is not None and output.resolve() == summary.resolve():
        raise WarwireError(f"{summary}: --summary must differ from --output")
    device = resolve_device(device, backend, cpu_only=engine in CPU_ENGINES)
    run = open_engine(
        model_dir, engine, backend, device, batch_size or DEFAULT_BATCH[device], workers, worker_cpus, ray_address,
        warn=_warn, notify=_note,
    )  # fmt: skip
    stats = PredictStats()
    summaries = open_rows(summary, SUMMARY_COLUMNS) if summary is not None else nullcontext()
    with _progress(None, "sent", "predicting") as bar, open_rows(output) as writer, summaries as summary_writer:
        rows = run(iter_articles(inputs, _warn), bar.update, stats)
        if summary_writer is not None:
            rows = tee_summaries(rows, summary_writer.write)
        for row in rows:
            writer.write(row)
    if stats.truncated:
        _warn(f"{stats.truncated} sentence(s) reached the model's token limit and were truncated")
    typer.echo(f"{stats.sentences} sentences from {stats.articles} articles" + (f" -> {output}" if output else ""), err=True)


@app.command()
@user_errors
def summarize(
    predictions: Annotated[Path, typer.Argument(help="Rows of `warwire predict` (.jsonl or .csv).")],
    output: Annotated[Path | None, typer.Option(help="FILE.jsonl or FILE.csv [default: JSONL on stdout].")] = None,
):
    """One row per article: whether it reports an attack, which sentences carry each label,
    and every killed/injured figure stated (with its sentence), lowest and highest."""
    from warwire.prediction.outputs import check_output_path, open_rows
    from warwire.prediction.summary import SUMMARY_COLUMNS, read_prediction_rows, summarize_rows

    if output is not None:
        check_output_path(output, [predictions.resolve()])
    articles = 0
    with open_rows(output, SUMMARY_COLUMNS) as writer:
        for row in summarize_rows(read_prediction_rows(predictions)):
            writer.write(row)
            articles += 1
        if not articles:
            raise WarwireError(f"{predictions}: no prediction rows (the file is empty)")
    typer.echo(f"{articles} articles" + (f" -> {output}" if output else ""), err=True)


@app.command()
@user_errors
def export(
    model_dir: Annotated[Path, typer.Argument(help="A trained transformer model dir.")],
    force: Annotated[bool, typer.Option(help="Export again even if the cached export is up to date.")] = False,
):
    """Export a model dir to int8 ONNX for `predict --backend onnx` (otherwise done on first use)."""
    from warwire.modeling.modeldir import read_info
    from warwire.modeling.onnx_runtime import cache_path, load_onnx_classifier

    info = read_info(model_dir)
    if info.kind != "transformer":
        raise WarwireError(f"{model_dir}: only transformer models export to ONNX; this is a {info.kind} model")
    exported = []
    load_onnx_classifier(model_dir, info, notify=lambda m: (exported.append(m), _note(m)), force_export=force)
    typer.echo(f"{cache_path(model_dir)}: " + ("exported" if exported else "up to date"))


@data_app.command("check")
@user_errors
def data_check(
    corpus_dir: Annotated[Path, typer.Argument(help="Directory with train/dev/test.jsonl.")] = Path("data/corpus"),
    unlabeled: Annotated[
        list[str] | None,
        typer.Option(
            help="Unlabeled articles for `warwire distill` (any `predict` input; repeatable) in which no test or "
            "stress sentence may repeat [default: data/unlabeled beside the corpus dir, if there is one]."
        ),
    ] = None,
):
    """Validate the corpus and print counts per split and label."""
    from warwire.corpus.check import check_corpus, format_counts

    if unlabeled is None:
        beside = corpus_dir.parent / "unlabeled"
        unlabeled = [str(beside)] if beside.is_dir() else []
    unlabeled_texts = []
    if unlabeled:
        from warwire.prediction.inputs import iter_articles
        from warwire.prediction.pipeline import sentences_of

        unlabeled_texts = [text for _, _, text in sentences_of(iter_articles(unlabeled, _warn))]
    report = check_corpus(corpus_dir, unlabeled_texts)
    typer.echo(format_counts(report.counts))
    for problem in report.problems + [f"near-duplicate across splits: {n}" for n in report.near_duplicates]:
        typer.echo(f"problem: {problem}", err=True)
    if report.problems or report.near_duplicates:
        raise WarwireError(f"{corpus_dir}: {len(report.problems) + len(report.near_duplicates)} problem(s) found")
    typer.echo("ok: no problems found")


@data_app.command("build")
@user_errors
def data_build(
    data_dir: Annotated[Path, typer.Option(help="Holds source/ (the labeled articles, splits.toml) and annotation/.")] = Path(
        "data"
    ),
    output_dir: Annotated[Path | None, typer.Option(help="Where the split files go [default: DATA_DIR/corpus].")] = None,
):
    """Rebuild the JSONL corpus (train/dev/test/stress) from the sources, second passes and adjudications."""
    from warwire.corpus.build import build

    result = build(data_dir, output_dir)
    counts = ", ".join(f"{split}: {n} sentences" for split, n in result.sentences.items())
    typer.echo(f"{counts} -> {output_dir or data_dir / 'corpus'}")
    if result.unadjudicated:
        _warn(
            f"{result.unadjudicated} disagreement(s) between labeling passes are not adjudicated yet "
            f"(listed in {data_dir / 'annotation' / 'disagreements.jsonl'}); the first pass stands for them"
        )


@data_app.command("blind")
@user_errors
def data_blind(
    sources: Annotated[list[Path], typer.Argument(help="Labeled source files (one sentence a line).")],
    output_dir: Annotated[Path, typer.Option(help="Where the blind copies go (same file names).")] = Path(
        "data/annotation/blind"
    ),
):
    """Write copies of source files with every label replaced by '?', for a blind second pass."""
    from warwire.corpus.build import blind_targets, read_sources
    from warwire.corpus.source_format import render_article
    from warwire.fileio import atomic_write, make_dir

    targets = blind_targets(sources, output_dir)
    # Every source is read before the first copy is written: a bad one leaves no copies.
    parsed = [read_sources([source]) for source in sources]
    make_dir(output_dir)
    for target, articles in zip(targets, parsed):
        atomic_write(target, "".join(render_article(a, blind=True) for a in articles))
        typer.echo(f"{target}: {len(articles)} articles, {sum(len(a.sentences) for a in articles)} sentences")


@data_app.command("stats")
@user_errors
def data_stats(
    corpus_dir: Annotated[Path, typer.Argument(help="Directory with train/dev/test(/stress).jsonl.")] = Path("data/corpus"),
    annotation_dir: Annotated[Path, typer.Option(help="Where agreement.json and stress_agreement.json are.")] = Path(
        "data/annotation"
    ),
):
    """Print the corpus statistics (Markdown) that the data card shows."""
    from warwire.corpus.stats import corpus_stats

    typer.echo(corpus_stats(corpus_dir, annotation_dir))


@app.command()
@user_errors
def show(
    predictions: Annotated[Path, typer.Argument(help="Rows of `warwire predict` (.jsonl or .csv).")],
    output: Annotated[Path, typer.Option(help="The page to write (FILE.html), self-contained: it fetches nothing.")],
):
    """Write an HTML page of the predictions: sentences highlighted by label, scores on hover,
    a filter per label, each article's summary and casualty figures."""
    from warwire.fileio import atomic_write
    from warwire.labeling.view import render_page
    from warwire.prediction.outputs import check_output_path
    from warwire.prediction.summary import read_prediction_rows

    check_output_path(output, [predictions.resolve()], formats=(".html",))
    rows = list(read_prediction_rows(predictions))
    if not rows:
        raise WarwireError(f"{predictions}: no prediction rows (the file is empty)")
    atomic_write(output, render_page(rows, title=f"warwire: {predictions.name}"))
    typer.echo(f"{len(rows)} sentences -> {output}", err=True)


@label_app.command("config")
@user_errors
def label_config():
    """Print the Label Studio labeling config (paste it into the project's Labeling Interface)."""
    from warwire.labeling.labelstudio import label_config as config

    typer.echo(config(), nl=False)


@label_app.command("export")
@user_errors
def label_export(
    model_dir: Annotated[Path, typer.Argument(help="A trained model dir (pre-annotates the tasks).")],
    inputs: Annotated[list[str], typer.Argument(help="Articles, as for `warwire predict`.")],
    output: Annotated[Path, typer.Option(help="Label Studio tasks, JSON (import it into the project).")],
    select: Annotated[
        str,
        typer.Option(
            help="uncertain: sentences whose closest score lies nearest its label's threshold, "
            "spread across articles; random; all (in article order)."
        ),
    ] = "uncertain",
    limit: Annotated[int | None, typer.Option(min=1, help="At most N tasks.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of --select random.")] = 0,
    backend: Annotated[str, typer.Option(help=BACKEND_HELP)] = "auto",
):
    """Write Label Studio tasks for the input articles' sentences, pre-annotated by the model."""
    import json

    from warwire.fileio import atomic_write
    from warwire.labeling.labelstudio import SELECTIONS, tasks
    from warwire.modeling.loader import load_classifier
    from warwire.prediction.inputs import input_paths, iter_articles
    from warwire.prediction.outputs import check_output_path
    from warwire.prediction.pipeline import predict_rows

    if select not in SELECTIONS:
        raise WarwireError(f"--select must be one of {', '.join(SELECTIONS)}, got {select!r}")
    check_output_path(output, input_paths(inputs), formats=(".json",))
    classifier = load_classifier(model_dir, warn=_warn, backend=backend, notify=_note)
    with _progress(None, "sent", "scoring") as bar:
        rows = list(predict_rows(classifier, iter_articles(inputs, _warn), on_sentences=bar.update))
    chosen = tasks(rows, classifier.info.thresholds, model_dir.name, select=select, limit=limit, seed=seed)
    atomic_write(output, json.dumps(chosen, ensure_ascii=False, indent=1) + "\n")
    typer.echo(f"{len(chosen)} tasks of {len(rows)} sentences ({select}) -> {output}", err=True)


@label_app.command("import")
@user_errors
def label_import(
    exports: Annotated[list[Path], typer.Argument(help="Label Studio JSON exports of tasks made by `warwire label export`.")],
    output: Annotated[Path, typer.Option(help="Labeled JSONL, the corpus format (train on it with a recipe).")],
):
    """Turn Label Studio exports into labeled JSONL; several annotators: a label needs half of them."""
    import json

    from warwire.fileio import atomic_write
    from warwire.labeling.labelstudio import import_exports
    from warwire.prediction.outputs import check_output_path

    check_output_path(output, [p.resolve() for p in exports], formats=(".jsonl",))
    records, skipped = import_exports(exports)
    if not records:
        raise WarwireError(f"{', '.join(map(str, exports))}: no annotated tasks")
    atomic_write(output, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    typer.echo(
        f"{len(records)} sentences -> {output}; skipped {skipped['cancelled']} cancelled annotation(s) "
        f"and {skipped['unannotated']} task(s) without an annotation",
        err=True,
    )


def main() -> None:
    app()


if __name__ == "__main__":
    main()
