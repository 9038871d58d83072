import json
import subprocess
import sys

import numpy as np
import pytest

from warwire.modeling.onnx_runtime import load_tokenizer
from warwire.modeling.rust_tokenizer import RustTokenizer


@pytest.fixture(scope="module")
def tokenizer(tiny_model):
    return RustTokenizer.from_dir(tiny_model, ["input_ids", "token_type_ids", "attention_mask"])


def test_pads_on_the_right_with_the_pad_token(tokenizer, tiny_model):
    encoded = tokenizer(["Shelling hit the port.", "Two drones were shot down over the city overnight."])
    padded = tokenizer.pad(dict(encoded))
    pad_id = tokenizer.backend.token_to_id(json.loads((tiny_model / "tokenizer_config.json").read_text())["pad_token"])
    short, long = (len(ids) for ids in encoded["input_ids"])
    assert short < long and padded["input_ids"].shape == (2, long) and padded["input_ids"].dtype == np.int64
    assert padded["input_ids"][0, :short].tolist() == encoded["input_ids"][0]
    assert set(padded["input_ids"][0, short:].tolist()) == {pad_id}
    assert padded["attention_mask"][0].tolist() == [1] * short + [0] * (long - short)
    assert padded["token_type_ids"].sum() == 0


def test_truncation_cuts_and_records_the_overflow(tokenizer):
    text = "A very long line of reporting " * 20
    cut = tokenizer([text, "Short."], truncation=True, max_length=16)
    whole = tokenizer([text])  # no truncation unless asked, as in transformers
    assert len(cut["input_ids"][0]) == 16 and len(whole["input_ids"][0]) > 16
    assert [bool(e.overflowing) for e in cut.encodings] == [True, False]
    assert tokenizer(text)["input_ids"] == whole["input_ids"][0]  # one string: one list of ids
    with pytest.raises(ValueError, match="max_length"):
        tokenizer([text], truncation=True)
    with pytest.raises(ValueError, match="NumPy"):
        tokenizer.pad(dict(cut), return_tensors="pt")


def test_a_dir_without_tokenizer_json_falls_back_to_autotokenizer(tmp_path, tiny_model):
    for name in ("config.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
        if (tiny_model / name).is_file():
            (tmp_path / name).write_bytes((tiny_model / name).read_bytes())
    assert RustTokenizer.from_dir(tmp_path, ["input_ids"]) is None
    fallback = load_tokenizer(tmp_path, ["input_ids"])
    assert not isinstance(fallback, RustTokenizer) and hasattr(fallback, "pad")


def test_the_cached_int8_path_imports_neither_transformers_nor_torch(tiny_model):
    from warwire.modeling.loader import load_classifier

    load_classifier(tiny_model, backend="onnx").prepare()  # the export (which needs torch) made here
    script = (
        "import sys; from warwire.modeling.loader import load_classifier; "
        f"c = load_classifier({str(tiny_model)!r}, backend='onnx'); c.score(['Shelling hit the port.']); "
        "print(sorted(m for m in ('transformers', 'torch') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_packaged_minilm_tokenizer_matches_autotokenizer_on_corpus_sentences():
    """The int8 path's tokenizer against transformers' on real text, through the one
    tokenizing call (``encode``): the test split's sentences alone and with their previous
    sentence as context (the ``context = "previous"`` pairs), cut and padded."""
    from pathlib import Path

    from transformers import AutoTokenizer

    from warwire.corpus.io import read_jsonl
    from warwire.modeling.batching import encode
    from warwire.modeling.context import previous_sentences
    from warwire.training.backbones import packaged_minilm

    backbone = Path(packaged_minilm())
    names = ["input_ids", "token_type_ids", "attention_mask"]
    ours, theirs = RustTokenizer.from_dir(backbone, names), AutoTokenizer.from_pretrained(backbone)
    examples = read_jsonl(Path(__file__).resolve().parents[2] / "data" / "corpus" / "test.jsonl")
    texts = [e.text for e in examples]
    previous = previous_sentences([e.article_id for e in examples], texts)
    for start in range(0, len(texts), 64):
        batch = slice(start, start + 64)
        for contexts in (None, previous[batch]):
            mine = ours.pad(dict(encode(ours, texts[batch], contexts, 48)))
            reference = theirs.pad(encode(theirs, texts[batch], contexts, 48), return_tensors="np")
            for name in names:
                assert mine[name].tolist() == reference[name].tolist(), (name, start, contexts is not None)
