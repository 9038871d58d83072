"""Training validates everything before it deletes or writes anything."""

import pytest
from conftest import tiny_recipe_toml

from warwire.config import load_recipe
from warwire.corpus.io import file_sha256
from warwire.errors import WarwireError
from warwire.modeling.modeldir import read_info
from warwire.training.run import train, work_dir_for


def test_max_length_beyond_the_backbone_is_refused(tmp_path, tiny_backbone, corpus_dir):
    recipe = tiny_recipe_toml(tmp_path / "long.toml", tiny_backbone, corpus_dir, max_length=100)
    with pytest.raises(WarwireError, match=r"long\.toml: 'max_length' 100 exceeds the backbone's limit of 64 tokens"):
        train(load_recipe(recipe), tmp_path / "m", where=str(recipe))
    assert not (tmp_path / "m").exists()


def test_a_bad_recipe_keeps_the_checkpoints_of_an_interrupted_run(tmp_path, tiny_backbone, corpus_dir):
    output = tmp_path / "m"
    checkpoint = work_dir_for(output) / "checkpoint-3"
    checkpoint.mkdir(parents=True)
    (checkpoint / "trainer_state.json").write_text("{}")
    recipe = tiny_recipe_toml(tmp_path / "r.toml", tiny_backbone, corpus_dir, train_file=str(tmp_path / "missing.jsonl"))
    with pytest.raises(WarwireError, match="missing.jsonl"):
        train(load_recipe(recipe), output)
    assert (checkpoint / "trainer_state.json").is_file()


def test_smoke_overrides_are_checked(tmp_path, tfidf_recipe):
    with pytest.raises(WarwireError, match="--max-steps applies to transformer recipes"):
        train(load_recipe(tfidf_recipe), tmp_path / "m", max_steps=2)
    with pytest.raises(WarwireError, match="--max-train-samples must be at least 1"):
        train(load_recipe(tfidf_recipe), tmp_path / "m", max_train_samples=0)


def test_the_data_record_hashes_the_file_as_it_was_read(tmp_path, tfidf_recipe, corpus_dir, monkeypatch):
    # A corpus rebuilt while a long run trains must not be recorded as the data it learned from.
    import warwire.training.run as run

    train_file = corpus_dir / "train.jsonl"
    read_sha = file_sha256(train_file)
    fit = run._fit

    def fit_then_rebuild_the_corpus(*args, **kwargs):
        result = fit(*args, **kwargs)
        train_file.write_text(train_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        return result

    monkeypatch.setattr(run, "_fit", fit_then_rebuild_the_corpus)
    train(load_recipe(tfidf_recipe), tmp_path / "m")
    record = read_info(tmp_path / "m").data["train"]
    assert record["sha256"] == read_sha != file_sha256(train_file)
