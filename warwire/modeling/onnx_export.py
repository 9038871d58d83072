"""Export a fine-tuned transformer to an int8 ONNX graph (used by ``warwire.modeling.onnx_runtime``).

Steps: (1) find the few input channels of each linear layer whose activations are
outliers (BERT-family models carry a handful of channels 5-15x larger than the rest);
(2) split those channels off into a small fp32 product, so the int8 product sees an
activation range set by ordinary channels (the LLM.int8() decomposition);
(3) export with the torch.export-based exporter (dynamic batch and sequence axes) and
check the fp32 graph reproduces PyTorch; (4) quantize the other linear layers
dynamically to int8 (per-channel weights, activations quantized per batch at run time).

Why step 2: ONNX Runtime's dynamic quantization uses one activation scale per tensor,
so a single channel at 28 (the rest near 2) leaves ordinary values a few levels each.
On the trained MiniLM's test split (batch sizes 1 to 64), plain int8 changed the label
set of 1.8-2.9% of sentences; with its 33 outlier channels in fp32, 1.3-1.6%,
for about 10% of int8's speed. (SmoothQuant-style rescaling was tried and was worse:
per-channel weight quantization then suffers.)
"""

from __future__ import annotations

import logging
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
from scipy.special import expit

from warwire.errors import WarwireError, first_line

# A channel is an outlier when its largest activation on the calibration sentences
# exceeds this multiple of the layer's median channel maximum.
OUTLIER_RATIO = 5.0
# The parameter name of the fp32 outlier weights: their products are not quantized.
OUTLIER_WEIGHT = "fp32_outlier_weight"
# The fp32 graph must reproduce PyTorch's logits within this.
EXPORT_TOLERANCE = 1e-3
# The int8 graph's mean probability change on the calibration sentences must stay under
# this: a guard against a broken export, far above int8's usual ~0.005.
INT8_GUARD = 0.05

# News-style sentences, unlabeled, written for calibration: they only need to make the
# model's outlier channels show, which every sentence does. Varied length on purpose.
CALIBRATION_TEXTS = (
    "Two drones hit an oil depot overnight, the regional governor said on Telegram.",
    "The ministry denied that its forces had shelled the village.",
    "Medics said 12 people were wounded, three of them seriously.",
    "Talks are due to resume in Geneva next month.",
    "Sirens sounded across the capital for almost three hours on Tuesday night.",
    '"We shot down 35 of them. The rest hit the suburbs," the air force said in a statement.',
    "Rebels said they had captured the airport, a claim the army rejected as propaganda.",
    "Share this article",
    "A missile struck a crowded market in the city centre shortly after noon, killing at least "
    "nine civilians and wounding dozens more, according to the local health department.",
    "The spokesman dismissed the video as fake.",
    "Police said three officers were killed in the ambush on the highway.",
    "Satellite images reviewed by reporters show at least four destroyed hangars.",
    "Leave a comment",
    "The United Nations called for an independent investigation into the strike.",
    "Residents described hearing a series of loud explosions before dawn.",
    "The defence ministry said its air defences had intercepted all incoming rockets.",
    "No group has claimed responsibility for the bombing.",
    "Officials gave no figure for casualties.",
    "Photo: Reuters",
    "The militia's leader, speaking on condition of anonymity, said fighters had withdrawn "
    "from two positions east of the river to avoid further losses.",
    "Fire crews worked through the night to put out the blaze at the fuel depot.",
    "The president vowed to respond to what he called an act of terror.",
    "At least 40 soldiers have been killed since the ceasefire collapsed in March.",
    "Electricity was cut to more than 200,000 homes after the attack on the power station.",
    "The embassy urged its citizens to leave the country immediately.",
    "Read more:",
    "Humanitarian groups say aid convoys have been blocked for weeks.",
    "Witnesses said gunmen opened fire on worshippers as they left the mosque.",
    "The army said a shell struck a school but caused no injuries.",
    "Prices of bread and fuel have tripled since the blockade began.",
)


@contextmanager
def quiet():
    """The exporter's progress lines, deprecation warnings and logger chatter are not for users.

    The root logger too: ONNX Runtime's quantizer logs advice there.
    """
    loggers = [logging.getLogger(name) for name in ("", "torch.onnx", "torch.export", "torch._export", "onnxscript")]
    levels = [logger.level for logger in loggers]
    try:
        for logger in loggers:
            logger.setLevel(logging.ERROR)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


class OutlierSplitLinear(torch.nn.Module):
    """``linear(x)`` computed as an int8-friendly part plus an fp32 outlier part.

    ``y = linear(x * keep) + x[..., outliers] @ W[:, outliers].T``: exactly the
    original in fp32; after quantization only the first product is int8.
    """

    def __init__(self, linear: torch.nn.Linear, outliers: torch.Tensor):
        super().__init__()
        keep = torch.ones(linear.in_features, dtype=linear.weight.dtype)
        keep[outliers] = 0.0
        self.register_buffer("keep", keep)
        self.register_buffer("outliers", outliers)
        self.linear = linear
        weight = linear.weight.detach()[:, outliers].T.contiguous()  # (outliers, out_features)
        setattr(self, OUTLIER_WEIGHT, torch.nn.Parameter(weight, requires_grad=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x * self.keep) + torch.matmul(x.index_select(-1, self.outliers), getattr(self, OUTLIER_WEIGHT))


def _encode(tokenizer, texts, max_length: int):
    return tokenizer(list(texts), truncation=True, max_length=max_length, padding=True, return_tensors="pt")


def split_outlier_channels(model: torch.nn.Module, tokenizer, max_length: int) -> int:
    """Replace linear layers whose inputs have outlier channels; return how many channels moved to fp32.

    The classification head is left alone: it is tiny and quantization skips it anyway.
    """
    peaks: dict[str, torch.Tensor] = {}

    def record(name):
        def hook(module, inputs, output):
            values = inputs[0].detach().abs().reshape(-1, inputs[0].shape[-1]).amax(dim=0)
            peaks[name] = torch.maximum(peaks[name], values) if name in peaks else values

        return hook

    linears = {
        name: module
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear) and ".encoder." in f".{name}."
    }
    handles = [module.register_forward_hook(record(name)) for name, module in linears.items()]
    try:
        with torch.inference_mode():
            for first in range(0, len(CALIBRATION_TEXTS), 16):
                model(**_encode(tokenizer, CALIBRATION_TEXTS[first : first + 16], max_length))
    finally:
        for handle in handles:
            handle.remove()
    modules = dict(model.named_modules())
    moved = 0
    for name, peak in peaks.items():
        outliers = torch.nonzero(peak > OUTLIER_RATIO * peak.median()).flatten()
        if len(outliers) == 0:
            continue
        parent, _, child = name.rpartition(".")
        setattr(modules[parent], child, OutlierSplitLinear(linears[name], outliers))
        moved += len(outliers)
    return moved


class _Logits(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        extra = {} if token_type_ids is None else {"token_type_ids": token_type_ids}
        return self.model(input_ids=input_ids, attention_mask=attention_mask, **extra).logits


def _export(model, tokenizer, names: list[str], max_length: int, path: Path) -> None:
    """torch.export-based exporter (``dynamo=True``): the legacy TorchScript tracer bakes
    transformers 5's attention-mask logic into constants and gives wrong logits on
    other shapes. Traced with batch 2 (sizes 0 and 1 would be specialized)."""
    encoded = _encode(tokenizer, CALIBRATION_TEXTS[:2], max_length)
    dynamic = torch.export.Dim.DYNAMIC
    program = torch.onnx.export(
        _Logits(model),
        tuple(encoded[name] for name in names),
        dynamo=True,
        input_names=names,
        output_names=["logits"],
        dynamic_shapes={name: {0: dynamic, 1: dynamic} for name in names},
        verbose=False,
    )
    program.save(str(path), external_data=False)


def _onnx_logits(path: Path, encoded, names: list[str]) -> np.ndarray:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return session.run(["logits"], {name: encoded[name].numpy().astype(np.int64) for name in names})[0]


def export_quantized(model, tokenizer, max_length: int, work: Path, where: str) -> tuple[Path, dict[str, str]]:
    """Export ``model`` (a ``...ForSequenceClassification``, eval mode) to int8 ONNX in ``work``.

    Returns the int8 file and facts about the export for its metadata. ``model`` is
    modified (outlier channels split off); pass a model loaded for this purpose.
    Raises WarwireError (naming ``where``) when the model does not export faithfully.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in tokenizer.model_input_names]
    checks = [_encode(tokenizer, CALIBRATION_TEXTS, max_length), _encode(tokenizer, CALIBRATION_TEXTS[3:4], max_length)]
    with torch.inference_mode():
        expected = [model(**{n: e[n] for n in names}).logits.numpy() for e in checks]
    with quiet():
        moved = split_outlier_channels(model, tokenizer, max_length)
        fp32 = work / "fp32.onnx"
        try:
            _export(model, tokenizer, names, max_length, fp32)
        except Exception as error:  # noqa: BLE001 - torch.export fails in many ways on unusual backbones
            raise WarwireError(f"{where}: cannot export to ONNX ({first_line(error)}); use --backend torch") from None
        for encoded, want in zip(checks, expected):
            got = _onnx_logits(fp32, encoded, names)
            if got.shape != want.shape or not np.allclose(got, want, atol=EXPORT_TOLERANCE):
                raise WarwireError(f"{where}: the ONNX export does not reproduce the PyTorch model; use --backend torch")

        graph = onnx.load(str(fp32))
        outlier_weights = {i.name for i in graph.graph.initializer if i.name.endswith(OUTLIER_WEIGHT)}
        keep_fp32 = [node.name for node in graph.graph.node if outlier_weights.intersection(node.input)]
        del graph
        int8 = work / "int8.onnx"
        quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8, per_channel=True, nodes_to_exclude=keep_fp32)
        drift = float(np.abs(expit(_onnx_logits(int8, checks[0], names)) - expit(expected[0])).mean())
    if drift > INT8_GUARD:
        raise WarwireError(f"{where}: int8 quantization changes this model's scores too much ({drift:.3f}); use --backend torch")
    return int8, {"warwire.fp32_outlier_channels": str(moved), "warwire.calibration_drift": f"{drift:.4f}"}
