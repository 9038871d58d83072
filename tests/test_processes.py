"""What other processes can do to an output: kill -9 mid-write, or write it at the same time."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from warwire.config import load_recipe
from warwire.training.run import train


@pytest.fixture()
def tfidf_model(tmp_path, tfidf_recipe):
    train(load_recipe(tfidf_recipe), tmp_path / "tfidf")
    return tmp_path / "tfidf"


def big_input(path, articles=4000):
    with path.open("w") as handle:
        for i in range(articles):
            text = f"A drone hit depot {i}, the governor said. The ministry denied it. Five people were killed."
            handle.write(json.dumps({"id": f"a{i}", "text": text}) + "\n")
    return path


def predict(model, source, output):
    command = [sys.executable, "-m", "warwire.cli", "predict", str(model), str(source), "--output", str(output)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "HF_HUB_OFFLINE": "1"})


def test_kill_9_leaves_nothing_at_the_target(tmp_path, tfidf_model):
    source, output = big_input(tmp_path / "in.jsonl", 20000), tmp_path / "out.jsonl"
    process = predict(tfidf_model, source, output)
    deadline = time.time() + 60
    while not list(tmp_path.glob(".out.jsonl.*.partial")) and time.time() < deadline:
        time.sleep(0.05)  # until it is writing
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    assert not output.exists()  # a hidden .partial may stay; the target never holds half a file


def test_two_writers_leave_one_complete_output(tmp_path, tfidf_model):
    source, output = big_input(tmp_path / "in.jsonl", 2000), tmp_path / "out.jsonl"
    first, second = predict(tfidf_model, source, output), predict(tfidf_model, source, output)
    assert first.wait() == 0 and second.wait() == 0
    rows = [json.loads(line) for line in output.read_text().splitlines()]
    assert len(rows) == 6000 and rows[-1]["article_id"] == "a1999"
    assert not list(tmp_path.glob(".out.jsonl.*"))
