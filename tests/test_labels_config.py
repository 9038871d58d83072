import pytest

from warwire.config import Recipe, load_recipe, recipe_from_dict
from warwire.errors import WarwireError
from warwire.labels import LABELS, from_multi_hot, to_multi_hot, unknown_labels


def test_multi_hot_round_trip_keeps_label_order():
    vector = to_multi_hot(["denial", "attack_report"])
    assert vector == [1.0, 0.0, 1.0, 0.0]
    assert from_multi_hot(vector) == ["attack_report", "denial"]
    assert unknown_labels(["denial", "threat"]) == ["threat"]
    assert len(LABELS) == 4


def test_recipe_defaults_and_overrides():
    recipe = recipe_from_dict({"epochs": 2, "kind": "tfidf"})
    assert recipe.epochs == 2.0 and isinstance(recipe.epochs, float)
    assert recipe.kind == "tfidf"
    assert recipe.seed == Recipe().seed


@pytest.mark.parametrize(
    "values, message",
    [
        ({"epoch": 3}, "unknown key"),
        ({"epochs": "three"}, "'epochs' must be float"),
        ({"seed": 1.5}, "'seed' must be int"),
        ({"seed": True}, "'seed' must be int"),
        ({"kind": "svm"}, "'kind' must be one of"),
        ({"class_weight": "auto"}, "class_weight"),
    ],
)
def test_recipe_rejects_bad_values(values, message):
    with pytest.raises(WarwireError, match=message):
        recipe_from_dict(values, where="r.toml")


def test_load_recipe_names_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("epochs = [", encoding="utf-8")
    with pytest.raises(WarwireError, match="bad.toml: not valid TOML"):
        load_recipe(bad)
    with pytest.raises(WarwireError, match="no such recipe"):
        load_recipe(tmp_path / "missing.toml")


def test_shipped_recipes_load():
    assert load_recipe("train/minilm.toml").kind == "transformer"
    assert load_recipe("train/tfidf.toml").kind == "tfidf"
