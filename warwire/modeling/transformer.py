"""PyTorch inference of a fine-tuned transformer model dir (fp32, the reference path).

Fine-tuning lives in ``warwire.training.finetune``; this module never imports
``Trainer`` or ``datasets``.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
import transformers
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from warwire.errors import WarwireError, first_line
from warwire.labels import ID2LABEL, LABELS
from warwire.modeling.batching import BatchScorer, available_cores
from warwire.modeling.modeldir import WEIGHTS_FILE, ModelInfo

# Warnings about unused or fresh head weights are for developers, not users.
transformers.utils.logging.set_verbosity_error()


@contextmanager
def no_loading_bar():
    """Hide the per-tensor 'Loading weights' bar, keep the training bar."""
    transformers.utils.logging.disable_progress_bar()
    try:
        yield
    finally:
        transformers.utils.logging.enable_progress_bar()


class TransformerClassifier(BatchScorer):
    """Scores sentences with a fine-tuned transformer from a model dir (PyTorch, fp32).

    ``score(texts, batch_size, on_batch)`` comes from ``warwire.modeling.batching.BatchScorer``
    (length-sorted batches, truncation count), shared with the ONNX backend.
    """

    tensor_type = "pt"
    backend = "torch"

    def __init__(self, tokenizer, model, info: ModelInfo, max_length: int, device: str = "cpu"):
        super().__init__(tokenizer, info, max_length)
        self.device = torch.device(device)
        self.model = model.eval().to(self.device)
        # One intra-op thread per core this process may use (torch's default counts
        # the machine's cores, which oversubscribes a container or a taskset).
        torch.set_num_threads(available_cores())

    @classmethod
    def load(cls, model_dir: Path, info: ModelInfo, device: str = "cpu") -> TransformerClassifier:
        weights = model_dir / WEIGHTS_FILE
        if not weights.is_file():
            raise WarwireError(f"{model_dir}: missing weights file {WEIGHTS_FILE}")
        try:
            with no_loading_bar():
                tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True, trust_remote_code=False)
                model = AutoModelForSequenceClassification.from_pretrained(
                    model_dir, local_files_only=True, use_safetensors=True, trust_remote_code=False
                )
        except Exception as error:  # corrupt weights surface as many error types
            raise WarwireError(f"{model_dir}: cannot load model ({first_line(error)})") from None
        if model.config.num_labels != len(LABELS) or model.config.id2label != ID2LABEL:
            raise WarwireError(f"{model_dir}: the model head's labels {model.config.id2label} do not match {list(LABELS)}")
        return cls(tokenizer, model, info, int(info.recipe.get("max_length", 128)), device)

    def _probabilities(self, encoded) -> np.ndarray:
        cuda = self.device.type == "cuda"
        # bf16 on a GPU: about twice fp32's speed, with fp32's range (no loss scaling).
        with torch.inference_mode(), torch.autocast("cuda", dtype=torch.bfloat16, enabled=cuda):
            logits = self.model(**{name: tensor.to(self.device) for name, tensor in encoded.items()}).logits
            return torch.sigmoid(logits.float()).cpu().numpy()
