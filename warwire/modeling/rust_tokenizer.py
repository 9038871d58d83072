"""The int8 path's tokenizer: Hugging Face ``tokenizers`` read straight from a model
dir's ``tokenizer.json``, without importing ``transformers``.

``transformers.PreTrainedTokenizerFast`` wraps this same Rust tokenizer; importing
transformers to get it costs about 1.5 s, paid by the main process and again by every
worker before its first sentence (on 5,000 sentences, a tenth of the run). This class
offers the two calls ``warwire.modeling.batching`` makes, with the same results:
calling it on texts (or text pairs) gives unpadded ids and records what truncation cut,
and ``pad`` pads a batch to its longest member on the right.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

TOKENIZER_FILE = "tokenizer.json"
TOKENIZER_CONFIG = "tokenizer_config.json"


class Encoded(dict):
    """Input name -> per-text ids, plus the Rust ``encodings`` (their ``overflowing`` says
    what truncation cut), like transformers' ``BatchEncoding``."""

    def __init__(self, values: dict, encodings: list):
        super().__init__(values)
        self.encodings = encodings


def _pad_token(config: dict) -> str | None:
    token = config.get("pad_token")
    return token.get("content") if isinstance(token, dict) else token


class RustTokenizer:
    """A ``tokenizers.Tokenizer`` with the calls the batch scorer makes (see the module doc)."""

    def __init__(self, backend, model_input_names: Sequence[str], pad_id: int, pad_type_id: int = 0):
        self.backend = backend
        self.backend.no_padding()  # batches are padded by ``pad``, after sorting by length
        self.model_input_names = list(model_input_names)
        self._pad_values = {"input_ids": pad_id, "token_type_ids": pad_type_id, "attention_mask": 0}

    @classmethod
    def from_dir(cls, model_dir: Path, model_input_names: Sequence[str]) -> RustTokenizer | None:
        """The model dir's tokenizer, or None where it lacks ``tokenizer.json`` or a pad token."""
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        config_path = model_dir / TOKENIZER_CONFIG
        if not (model_dir / TOKENIZER_FILE).is_file() or not config_path.is_file():
            return None
        config = json.loads(config_path.read_text(encoding="utf-8"))
        backend = Tokenizer.from_file(str(model_dir / TOKENIZER_FILE))
        pad_token = _pad_token(config)
        pad_id = backend.token_to_id(pad_token) if pad_token else None
        if pad_id is None:
            return None
        return cls(backend, model_input_names, pad_id, int(config.get("pad_token_type_id", 0)))

    def __call__(
        self,
        texts: Sequence[str] | str,
        pairs: Sequence[str] | str | None = None,
        truncation: bool | str = False,
        max_length: int | None = None,
    ) -> Encoded:
        """Unpadded ids of ``texts`` (or of ``(text, pair)``), cut to ``max_length`` tokens,
        the longer segment first, when ``truncation`` is set. One string gives one list of
        ids per input name, as in transformers."""
        if isinstance(texts, str):
            one = self([texts], None if pairs is None else [pairs], truncation, max_length)
            return Encoded({name: ids[0] for name, ids in one.items()}, one.encodings)
        if truncation:
            if max_length is None:
                raise ValueError("truncation needs max_length")
            self.backend.enable_truncation(max_length, strategy="longest_first", direction="right")
        else:
            self.backend.no_truncation()
        inputs = list(texts) if pairs is None else list(zip(texts, pairs))
        encodings = self.backend.encode_batch(inputs)
        fields = {"input_ids": "ids", "token_type_ids": "type_ids", "attention_mask": "attention_mask"}
        values = {name: [getattr(e, fields[name]) for e in encodings] for name in self.model_input_names}
        return Encoded(values, encodings)

    def pad(self, features: dict[str, list[list[int]]], return_tensors: str = "np") -> dict[str, np.ndarray]:
        """A batch padded on the right to its longest member, as int64 arrays."""
        if return_tensors != "np":
            raise ValueError(f"RustTokenizer pads to NumPy arrays only, not {return_tensors!r}")
        padded = {}
        for name, rows in features.items():
            width = max((len(row) for row in rows), default=0)
            array = np.full((len(rows), width), self._pad_values[name], dtype=np.int64)
            for i, row in enumerate(rows):
                array[i, : len(row)] = row
            padded[name] = array
        return padded
