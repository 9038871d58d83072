"""warwire show: a self-contained page, rendered in a real headless Chromium."""

import json
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from warwire.cli import app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# As the machine's notes advise: no background connections, no sandbox as root.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

ROWS = [
    {
        "article_id": "kharkiv",
        "sentence_index": 0,
        "start": 0,
        "end": 30,
        "text": "Missile strike kills three in Kharkiv",
        "labels": ["attack_report", "casualty_statement"],
        "scores": {"attack_report": 0.97, "official_claim": 0.1, "denial": 0.01, "casualty_statement": 0.95},
        "killed": 3,
        "injured": None,
    },
    {
        "article_id": "kharkiv",
        "sentence_index": 1,
        "start": 31,
        "end": 80,
        "text": "The ministry denied <targeting> homes.",
        "labels": ["denial"],
        "scores": {"attack_report": 0.2, "official_claim": 0.3, "denial": 0.9, "casualty_statement": 0.0},
        "killed": None,
        "injured": None,
    },
]


@pytest.fixture()
def page(tmp_path):
    predictions = tmp_path / "p.jsonl"
    predictions.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    result = CliRunner().invoke(app, ["show", str(predictions), "--output", str(tmp_path / "view.html")])
    assert result.exit_code == 0, result.output
    return tmp_path / "view.html"


def test_the_page_fetches_nothing_and_escapes_text(page):
    html = page.read_text()
    assert "http://" not in html and "https://" not in html and "<link" not in html and "src=" not in html
    assert "&lt;targeting&gt;" in html and "Killed: 3 (sentence 0)" in html


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (installed by .ci/run)")
def test_chromium_renders_the_text_summary_and_a_screenshot(page, tmp_path):
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run(
        [CHROMIUM, *FLAGS, *profile, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    assert "Missile strike kills three in Kharkiv" in dom and "The ministry denied &lt;targeting&gt; homes." in dom
    assert "1 casualty statement(s)" in dom and 'data-label="denial"' in dom
    shot = tmp_path / "view.png"
    subprocess.run(
        [CHROMIUM, *FLAGS, *profile, "--window-size=1000,500", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000
