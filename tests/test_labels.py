from warwire.labels import LABELS, from_multi_hot, to_multi_hot, unknown_labels


def test_multi_hot_round_trip_keeps_label_order():
    vector = to_multi_hot(["denial", "attack_report"])
    assert vector == [1.0, 0.0, 1.0, 0.0]
    assert from_multi_hot(vector) == ["attack_report", "denial"]
    assert unknown_labels(["denial", "threat"]) == ["threat"]
    assert len(LABELS) == 4
