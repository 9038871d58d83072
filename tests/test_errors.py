from warwire.errors import WarwireError, first_line, render


def test_first_line_keeps_what_went_wrong():
    assert first_line(ValueError("bad header\n  at byte 12\n  more detail")) == "bad header"
    assert first_line(ValueError("   ")) == "ValueError"


def test_render_is_one_line():
    assert render(WarwireError("a.jsonl:3: malformed JSON")) == "error: a.jsonl:3: malformed JSON"
    assert render(OSError("disk full\ntraceback follows")) == "error: disk full"
