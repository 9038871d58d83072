import codecs
import csv
import json

import pytest

from warwire.errors import WarwireError
from warwire.prediction.inputs import decode, input_paths, iter_articles
from warwire.prediction.outputs import check_output_path, open_rows

warnings = []


def collect(inputs):
    warnings.clear()
    return [(a.article_id, a.text) for a in iter_articles([str(i) for i in inputs], warnings.append)]


def test_txt_directory_jsonl_and_csv_inputs(tmp_path):
    (tmp_path / "dir" / "sub").mkdir(parents=True)
    (tmp_path / "dir" / "b.txt").write_text("Second.", encoding="utf-8")
    (tmp_path / "dir" / "sub" / "a.txt").write_text("First.", encoding="utf-8")
    (tmp_path / "one.txt").write_text("Alone.", encoding="utf-8")
    (tmp_path / "recs.jsonl").write_text(json.dumps({"id": "r1", "text": "Rec."}) + "\n\n", encoding="utf-8")
    (tmp_path / "recs.csv").write_text('id,text\nc1,"Comma, quoted."\n', encoding="utf-8")
    got = collect([tmp_path / "one.txt", tmp_path / "dir", tmp_path / "recs.jsonl", tmp_path / "recs.csv"])
    assert got == [("one", "Alone."), ("b", "Second."), ("sub/a", "First."), ("r1", "Rec."), ("c1", "Comma, quoted.")]


def test_a_mixed_directory_reads_the_articles_and_names_what_it_skipped(tmp_path):
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "a.txt").write_text("Drones hit the depot.", encoding="utf-8")
    for name in ("photo.png", "notes.pdf", "table.csv", "x.docx"):
        (tmp_path / "dir" / name).write_bytes(b"\x89PNG not an article")
    got = collect([tmp_path / "dir"])
    assert got == [("a", "Drones hit the depot.")]
    assert len(warnings) == 1 and "skipped 4 file(s)" in warnings[0] and "notes.pdf" in warnings[0] and "1 more" in warnings[0]


def test_html_goes_through_main_text_extraction(tmp_path):
    page = (
        "<html><head><title>x</title></head><body><nav>Home | World | Sport</nav>"
        "<article><h1>Drone strike hits depot</h1><p>A drone struck a fuel depot near the city on Monday, "
        "the regional governor said in a statement on his official channel.</p>"
        "<p>Firefighters worked through the night to contain the blaze at the site, officials added.</p></article>"
        "<footer>Copyright 2024</footer></body></html>"
    )
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    [(article_id, text)] = collect([tmp_path / "page.html"])
    assert "A drone struck a fuel depot" in text
    assert "Copyright" not in text and "Home | World" not in text


def test_decoding_falls_back_and_says_so():
    got = []
    assert decode("Kyiv – café".encode("utf-16"), "f", got.append) == "Kyiv – café"
    assert decode(codecs.BOM_UTF8 + "é".encode(), "f", got.append) == "é"
    assert got == []
    assert decode("café".encode("latin-1"), "f.txt", got.append) == "café"
    assert got and "f.txt" in got[0] and "Latin-1" in got[0]


def test_utf16_jsonl_is_decoded_before_it_is_split_into_lines(tmp_path):
    records = [{"id": "k1", "text": "Kyiv – a drone hit the depot."}, {"id": "k2", "text": "Sirens in Ľviv."}]
    for encoding in ("utf-16", "utf-16-be"):  # the BOM tells the byte order; -be: a BOM written by hand
        bom = codecs.BOM_UTF16_BE if encoding == "utf-16-be" else b""
        text = "".join(json.dumps(r, ensure_ascii=False) + "\r\n" for r in records)
        (tmp_path / f"{encoding}.jsonl").write_bytes(bom + text.encode(encoding))
        assert collect([tmp_path / f"{encoding}.jsonl"]) == [(r["id"], r["text"]) for r in records]
    assert warnings == []


def test_broken_utf16_jsonl_is_one_line(tmp_path):
    (tmp_path / "odd.jsonl").write_bytes('{"id": "a", "text": "x"}\n'.encode("utf-16") + b"\x00")  # an odd byte
    with pytest.raises(WarwireError, match=r"odd.jsonl: broken UTF-16 text"):
        collect([tmp_path / "odd.jsonl"])


def test_a_csv_article_longer_than_the_csv_default_field_limit_is_read(tmp_path, csv_default_field_limit):
    article = "Drones hit the depot overnight, the governor said. " * 4000  # 204,000 characters
    (tmp_path / "long.csv").write_text(f'id,text\nlong,"{article}"\nshort,Sirens.\n', encoding="utf-8")
    assert collect([tmp_path / "long.csv"]) == [("long", article), ("short", "Sirens.")]


def test_a_latin1_record_file_warns_once_not_once_per_line(tmp_path):
    lines = ["Le café a été frappé.", "Déni du ministère.", "Trois blessés à l'hôpital."]
    (tmp_path / "l.csv").write_bytes(("id,text\n" + "".join(f"c{i},{t}\n" for i, t in enumerate(lines))).encode("latin-1"))
    (tmp_path / "l.jsonl").write_bytes(
        "".join(json.dumps({"id": f"j{i}", "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(lines)).encode("latin-1")
    )
    got = collect([tmp_path / "l.csv", tmp_path / "l.jsonl"])
    assert [text for _, text in got] == lines * 2
    assert len(warnings) == 2, warnings  # one per file
    assert "l.csv:2: not valid UTF-8" in warnings[0] and "l.jsonl:1: not valid UTF-8" in warnings[1]
    assert all("Latin-1" in w and "any later line" in w for w in warnings)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("bin.txt", b"\x00\x01\x02PNG", "bin.txt: looks like a binary file"),
        ("bad.jsonl", b'{"id": "a", "text": "x"}\n{"id": ', "bad.jsonl:2: malformed JSON"),
        ("num.jsonl", b'{"id": "a", "text": 5}\n', "num.jsonl:1: 'text' must be a string"),
        ("noid.csv", b"name,text\na,b\n", r"noid.csv: CSV lacks column\(s\) \['id'\]"),
        ("dup.jsonl", b'{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n', "dup.jsonl:2: duplicate article id 'a'"),
        ("x.pdf", b"%PDF", "unsupported input type '.pdf'"),
    ],
)
def test_bad_inputs_name_file_and_problem(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(WarwireError, match=message):
        collect([tmp_path / name])


def test_output_path_checks(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("{}", encoding="utf-8")
    with pytest.raises(WarwireError, match="also an input"):
        check_output_path(source, input_paths([str(source)]))
    with pytest.raises(WarwireError, match="does not exist"):
        check_output_path(tmp_path / "missing" / "out.jsonl", [])
    with pytest.raises(WarwireError, match="must end in .jsonl or .csv"):
        check_output_path(tmp_path / "out.txt", [])


ROW = {
    "article_id": "a",
    "sentence_index": 0,
    "start": 0,
    "end": 3,
    "text": "Hi.",
    "labels": ["denial"],
    "scores": {"denial": 0.9},
    "killed": None,
    "injured": 3,
}


def test_csv_and_jsonl_rows(tmp_path):
    for name in ("out.csv", "out.jsonl"):
        with open_rows(tmp_path / name) as writer:
            writer.write(ROW)
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert rows[0]["labels"] == "denial" and json.loads(rows[0]["scores"]) == {"denial": 0.9}
    assert rows[0]["killed"] == "" and rows[0]["injured"] == "3"
    assert json.loads((tmp_path / "out.jsonl").read_text()) == ROW


def test_interrupted_output_leaves_no_file(tmp_path):
    with pytest.raises(KeyboardInterrupt), open_rows(tmp_path / "out.jsonl") as writer:
        writer.write(ROW)
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
