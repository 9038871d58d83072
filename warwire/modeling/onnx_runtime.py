"""int8 inference on CPU: a transformer model dir exported once to ONNX, its linear
layers dynamically quantized to int8 (ONNX Runtime), cached inside the model dir.

The cache is ``MODEL_DIR/onnx/model-int8.onnx``. Its metadata records the SHA-256 of
the weights and config it was exported from and the export recipe's version; a file
whose key does not match the model dir (retrained, edited, older warwire) is
re-exported, never used. The file is written to a temporary name and renamed, so an
interrupted export leaves no half-written cache.

Why this is fast: int8 matrix products use the CPU's VNNI instructions (about 4x the
multiply throughput of fp32), ONNX Runtime fuses GELU and layer norm when it loads the
graph, and with sentences sorted by length (``warwire.modeling.batching``) little time goes to
padding. How the export keeps int8 close to fp32 is in ``warwire.modeling.onnx_export``.

Loading stays safe: an ONNX file is a protobuf graph of standard operators (no
pickle, no custom-op libraries are registered, so no code runs from the model dir).
"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.special import expit

from warwire.corpus.io import file_sha256
from warwire.errors import WarwireError, first_line
from warwire.fileio import atomic_path
from warwire.labels import LABELS
from warwire.modeling.batching import BatchScorer, available_cores
from warwire.modeling.modeldir import WEIGHTS_FILE, ModelInfo

ONNX_DIR = "onnx"
ONNX_FILE = "model-int8.onnx"
CONFIG_FILE = "config.json"
# Bump when the export or quantization recipe changes: older caches are then re-exported.
EXPORT_FORMAT = "1"
KEY_FORMAT = "warwire.export_format"
KEY_WEIGHTS = "warwire.weights_sha256"
KEY_CONFIG = "warwire.config_sha256"


def cache_path(model_dir: Path | str) -> Path:
    """Where the int8 export of ``model_dir`` is cached."""
    return Path(model_dir) / ONNX_DIR / ONNX_FILE


def onnx_runtime_available() -> bool:
    """ONNX Runtime and the ONNX exporter's dependencies are importable."""
    return all(importlib.util.find_spec(name) is not None for name in ("onnxruntime", "onnx", "onnxscript"))


def cache_key(model_dir: Path) -> dict[str, str]:
    """What the cached export must have been made from: the weights, the config, the recipe."""
    weights = model_dir / WEIGHTS_FILE
    if not weights.is_file():
        raise WarwireError(f"{model_dir}: missing weights file {WEIGHTS_FILE}")
    config = model_dir / CONFIG_FILE
    return {
        KEY_FORMAT: EXPORT_FORMAT,
        KEY_WEIGHTS: file_sha256(weights),
        KEY_CONFIG: file_sha256(config) if config.is_file() else "",
    }


def load_tokenizer(model_dir: Path, input_names: list[str] | None = None):
    """The model dir's tokenizer for the ONNX graph whose inputs are ``input_names``.

    With a ``tokenizer.json``, the Rust tokenizer is read from it directly
    (``warwire.modeling.rust_tokenizer``), told which inputs the graph takes: the same
    tokenizer ``AutoTokenizer`` builds (the same ids for every corpus sentence, alone and
    in pairs), without importing transformers or torch, so a worker starts about 1.5 s
    sooner. Otherwise, ``AutoTokenizer``.
    """
    try:
        if input_names is not None:
            from warwire.modeling.rust_tokenizer import RustTokenizer

            tokenizer = RustTokenizer.from_dir(model_dir, input_names)
            if tokenizer is not None:
                return tokenizer
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(model_dir, local_files_only=True, trust_remote_code=False)
    except Exception as error:  # a broken tokenizer surfaces as many error types
        raise WarwireError(f"{model_dir}: cannot load tokenizer ({first_line(error)})") from None


def _session(path: Path):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = available_cores()
    options.inter_op_num_threads = 1  # one graph at a time; parallelism is inside each op
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _session_key(session) -> dict[str, str]:
    metadata = session.get_modelmeta().custom_metadata_map
    return {key: metadata.get(key, "") for key in (KEY_FORMAT, KEY_WEIGHTS, KEY_CONFIG)}


def export_int8(model_dir: Path | str, info: ModelInfo, key: dict[str, str] | None = None, classifier=None) -> Path:
    """Export ``model_dir`` to int8 ONNX and cache it; return the cached file's path.

    Always exports (``load_onnx_classifier`` checks the cache first). Needs torch;
    the steps are in ``warwire.modeling.onnx_export``. ``classifier``: the model dir already
    loaded as a TransformerClassifier (its model is modified), else it is loaded here.

    Example:
        >>> export_int8(Path("models/minilm"), read_info(Path("models/minilm")))
        PosixPath('models/minilm/onnx/model-int8.onnx')
    """
    import onnx

    from warwire.modeling.onnx_export import export_quantized
    from warwire.modeling.transformer import TransformerClassifier

    model_dir = Path(model_dir)
    key = key or cache_key(model_dir)
    target = cache_path(model_dir)
    classifier = classifier or TransformerClassifier.load(model_dir, info)
    try:
        target.parent.mkdir(exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    except OSError as error:
        raise WarwireError(f"{target.parent}: cannot write the ONNX export cache ({error.strerror})") from None
    try:
        quantized, facts = export_quantized(classifier.model, classifier.tokenizer, classifier.max_length, work, str(model_dir))
        model = onnx.load(str(quantized))
        for name, value in {**key, **facts}.items():
            entry = model.metadata_props.add()
            entry.key, entry.value = name, value
        with atomic_path(target) as staged:  # readers see the old file or the new one
            onnx.save(model, str(staged))
    except OSError as error:
        raise WarwireError(f"{target}: cannot write the ONNX export ({error.strerror or error})") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


class OnnxClassifier(BatchScorer):
    """Scores sentences with the cached int8 ONNX export of a model dir.

    Same interface as ``TransformerClassifier``: ``info``, ``truncated`` and
    ``score(texts, batch_size, on_batch)``. Made by ``load_onnx_classifier``; when the
    cache had to be rebuilt, the export runs on the first ``score`` call.
    """

    tensor_type = "np"
    backend = "onnx"

    def __init__(self, tokenizer, info: ModelInfo, max_length: int, session=None, export=None, fallback=None):
        """Args:
        session: an ONNX Runtime session of the export, or None to call ``export()``
            (which returns one) on first use.
        fallback: a TransformerClassifier to score with if that export fails, or None
            to raise the failure.
        """
        super().__init__(tokenizer, info, max_length)
        self.session = None
        self._export = export
        self._fallback = fallback
        if session is not None:
            self._use(session)

    def _use(self, session) -> None:
        outputs = session.get_outputs()
        if len(outputs) != 1 or outputs[0].shape[-1] != len(LABELS):
            raise WarwireError(f"ONNX export has outputs {[o.shape for o in outputs]}, expected (batch, {len(LABELS)})")
        self.session = session
        self.input_names = [i.name for i in session.get_inputs()]
        self._export = self._fallback = None  # the PyTorch model is no longer needed

    def prepare(self) -> None:
        """Make the one-time export now if it is still pending (else on the first ``score``)."""
        if self._export is not None:
            self._start()

    def _start(self) -> None:
        export, self._export = self._export, None
        try:
            self._use(export())
        except WarwireError:
            if self._fallback is None:
                raise
            self.backend = "torch"

    def _probabilities(self, encoded) -> np.ndarray:
        if self._export is not None:
            self._start()
        if self.session is None:  # the export failed and a fallback was allowed
            import torch

            return self._fallback._probabilities({name: torch.from_numpy(value) for name, value in encoded.items()})
        feed = {name: encoded[name].astype(np.int64, copy=False) for name in self.input_names}
        logits = self.session.run(None, feed)[0]
        return expit(logits)


def _valid_session(path: Path, key: dict[str, str]):
    """A session on the cached export if it exists and was made from this model dir, else None."""
    if not path.is_file():
        return None
    try:
        session = _session(path)
    except Exception:  # noqa: BLE001 - an unreadable cache is stale: export again
        return None
    return session if _session_key(session) == key else None


def load_onnx_classifier(
    model_dir: Path | str,
    info: ModelInfo,
    notify: Callable[[str], None] | None = None,
    force_export: bool = False,
    defer_export: bool = False,
    fallback_warn: Callable[[str], None] | None = None,
) -> OnnxClassifier:
    """The int8 classifier of ``model_dir``, exporting it if the cache is missing or stale.

    The model dir is validated now either way (a stale cache means loading the
    PyTorch model, which checks the weights and labels).

    Args:
        model_dir: a transformer model dir.
        info: its ``warwire.json`` (``warwire.modeling.modeldir.read_info``).
        notify: told when an export starts (about 20 s for MiniLM on 2 cores).
        force_export: export even if a valid cache exists.
        defer_export: export on the first ``score`` call rather than now, so that
            bad input is reported before a slow export.
        fallback_warn: if given, an export that fails is reported through it and
            the PyTorch model scores instead; otherwise the failure is raised.
    """
    model_dir = Path(model_dir)
    if not onnx_runtime_available():
        raise WarwireError("the onnx backend needs onnxruntime, onnx and onnxscript: pip install onnxruntime onnx onnxscript")
    key = cache_key(model_dir)
    path = cache_path(model_dir)
    max_length = int(info.recipe.get("max_length", 128))
    session = None if force_export else _valid_session(path, key)
    if session is not None:
        tokenizer = load_tokenizer(model_dir, [graph_input.name for graph_input in session.get_inputs()])
        return OnnxClassifier(tokenizer, info, max_length, session=session)

    from warwire.modeling.transformer import TransformerClassifier

    reference = TransformerClassifier.load(model_dir, info)  # validates the weights and labels

    def export():
        if notify is not None:
            notify(f"{model_dir}: exporting to int8 ONNX (once; cached in {path})")
        try:
            return _session(export_int8(model_dir, info, key, reference))
        except WarwireError as error:
            if fallback_warn is not None:
                fallback_warn(f"{error}; using the PyTorch backend")
            raise

    classifier = OnnxClassifier(
        reference.tokenizer, info, max_length, export=export, fallback=reference if fallback_warn is not None else None
    )
    if not defer_export:
        classifier._start()
    return classifier
