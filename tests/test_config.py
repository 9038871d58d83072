import tomllib
from pathlib import Path

import pytest

from warwire.config import TfidfRecipe, TransformerRecipe, load_recipe, recipe_from_dict
from warwire.errors import WarwireError


def test_recipe_defaults_and_overrides():
    recipe = recipe_from_dict({"epochs": 2})
    assert isinstance(recipe, TransformerRecipe) and recipe.kind == "transformer"
    assert recipe.epochs == 2.0 and isinstance(recipe.epochs, float)
    assert recipe.seed == TransformerRecipe().seed
    tfidf = recipe_from_dict({"kind": "tfidf", "c": 1})
    assert isinstance(tfidf, TfidfRecipe) and tfidf.c == 1.0


@pytest.mark.parametrize(
    "values, message",
    [
        ({"epoch": 3}, "unknown key"),
        ({"kind": "tfidf", "epochs": 3}, r"unknown key\(s\) \['epochs'\] for a tfidf recipe"),
        ({"kind": "tfidf", "learning_rate": 0.1}, "for a tfidf recipe"),
        ({"ngram_max": 2}, "for a transformer recipe"),
        ({"epochs": "three"}, "'epochs' must be float"),
        ({"seed": 1.5}, "'seed' must be int"),
        ({"seed": True}, "'seed' must be int"),
        ({"kind": "svm"}, "'kind' must be one of"),
        ({"kind": "tfidf", "class_weight": "auto"}, "'class_weight' must be one of"),
        ({"epochs": -3}, "'epochs' must be > 0"),
        ({"epochs": 0}, "'epochs' must be > 0"),
        ({"learning_rate": 0.0}, "'learning_rate' must be > 0"),
        ({"batch_size": 0}, "'batch_size' must be >= 1"),
        ({"eval_batch_size": -1}, "'eval_batch_size' must be >= 1"),
        ({"warmup_ratio": 1.5}, "'warmup_ratio' must be < 1"),
        # transformers reads a warmup_steps value >= 1 as a step count, not a ratio
        ({"warmup_ratio": 1.0}, "'warmup_ratio' must be < 1"),
        ({"kind": []}, r"'kind' must be one of \['transformer', 'tfidf'\], got \[\]"),
        ({"kind": {"a": 1}}, "'kind' must be one of"),
        ({"learning_rate": float("nan")}, "'learning_rate' must be a finite number"),
        ({"kind": "tfidf", "min_df": 0}, "'min_df' must be >= 1"),
    ],
)
def test_recipe_rejects_bad_values(values, message):
    with pytest.raises(WarwireError, match=message) as error:
        recipe_from_dict(values, where="r.toml")
    assert str(error.value).startswith("r.toml: ") and "\n" not in str(error.value)


def test_the_bounds_themselves_are_allowed_where_closed():
    recipe = recipe_from_dict({"warmup_ratio": 0.0, "distill_weight": 1.0})
    assert recipe.warmup_ratio == 0.0 and recipe.distill_weight == 1.0


def test_load_recipe_names_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("epochs = [", encoding="utf-8")
    with pytest.raises(WarwireError, match="bad.toml: not valid TOML"):
        load_recipe(bad)
    with pytest.raises(WarwireError, match="no such recipe"):
        load_recipe(tmp_path / "missing.toml")


def test_shipped_recipes_load():
    assert isinstance(load_recipe("train/minilm.toml"), TransformerRecipe)
    assert isinstance(load_recipe("train/tfidf.toml"), TfidfRecipe)


def test_pyproject_requires_the_python_that_has_tomllib():
    """config.py imports tomllib unconditionally: it is in the standard library from 3.11 on."""
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["requires-python"] == ">=3.11"
    assert pyproject["tool"]["ruff"]["target-version"] == "py311"
