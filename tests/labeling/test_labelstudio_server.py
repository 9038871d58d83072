"""The round trip against a real Label Studio, started on localhost by this test.

Skipped where label-studio is not installed (``pip install label-studio``, in its own
venv: ``.ci/run`` installs it and points LABEL_STUDIO_BIN at it).
"""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest
from typer.testing import CliRunner

from warwire.cli import app
from warwire.corpus.io import read_jsonl

BINARY = next(
    (path for path in (os.environ.get("LABEL_STUDIO_BIN"), shutil.which("label-studio")) if path and os.path.isfile(path)), None
)
TOKEN = "0123456789abcdef0123456789abcdef01234567"
pytestmark = [pytest.mark.local_server, pytest.mark.skipif(not BINARY, reason="label-studio is not installed")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(base, path, payload=None, method=None):
    request = urllib.request.Request(
        base + path,
        data=None if payload is None else json.dumps(payload).encode(),
        method=method or ("POST" if payload is not None else "GET"),
        headers={"Authorization": f"Token {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


@pytest.fixture(scope="module")
def label_studio(tmp_path_factory):
    port, data = free_port(), tmp_path_factory.mktemp("label-studio")
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true", "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true"}
    command = [
        BINARY,
        "start",
        "--no-browser",
        "-p",
        str(port),
        "--host",
        base,
        "--data-dir",
        str(data),
        "--username",
        "admin@warwire.test",
        "--password",
        "warwire-test-pw",
        "--user-token",
        TOKEN,
    ]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 180
        while True:
            try:
                if call(base, "/health")["status"] == "UP":
                    break
            except OSError:
                pass
            assert server.poll() is None and time.time() < deadline, "Label Studio did not start"
            time.sleep(1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_config_tasks_annotations_and_export_round_trip(label_studio, tiny_model, tmp_path):
    runner = CliRunner()
    config = runner.invoke(app, ["label", "config"]).stdout
    project = call(label_studio, "/api/projects", {"title": "warwire round trip", "label_config": config})

    (tmp_path / "a.txt").write_text("A drone hit the depot. The ministry denied it.\nFive people were killed.\n")
    tasks_file = tmp_path / "tasks.json"
    result = runner.invoke(
        app,
        [
            "label",
            "export",
            str(tiny_model),
            str(tmp_path / "a.txt"),
            "--output",
            str(tasks_file),
            "--select",
            "all",
            "--backend",
            "torch",
        ],
    )
    assert result.exit_code == 0, result.output
    exported = json.loads(tasks_file.read_text())
    call(label_studio, f"/api/projects/{project['id']}/import", exported)

    stored = call(label_studio, f"/api/tasks?project={project['id']}")
    stored = stored["tasks"] if isinstance(stored, dict) else stored
    assert sorted(t["data"]["text"] for t in stored) == sorted(t["data"]["text"] for t in exported)

    gold = {
        "A drone hit the depot.": ["attack_report"],
        "The ministry denied it.": ["denial"],
        "Five people were killed.": ["casualty_statement"],
    }
    for task in stored:  # what a person would submit in the labeling interface
        result = [{"from_name": "labels", "to_name": "text", "type": "choices", "value": {"choices": gold[task["data"]["text"]]}}]
        call(label_studio, f"/api/tasks/{task['id']}/annotations", {"result": result})

    export = call(label_studio, f"/api/projects/{project['id']}/export?exportType=JSON")
    (tmp_path / "export.json").write_text(json.dumps(export))
    result = runner.invoke(app, ["label", "import", str(tmp_path / "export.json"), "--output", str(tmp_path / "mine.jsonl")])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (tmp_path / "mine.jsonl").read_text().splitlines()]
    assert {r["text"]: r["labels"] for r in rows} == gold
    assert [r["sentence_index"] for r in rows] == [0, 1, 2]
    assert [e.labels for e in read_jsonl(tmp_path / "mine.jsonl")] == [r["labels"] for r in rows]  # the corpus's checks
