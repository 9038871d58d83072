"""Atomic writes: the target appears whole or not at all."""

import os

import pytest

from warwire.errors import WarwireError
from warwire.fileio import atomic_dir, atomic_files, atomic_open, atomic_write, check_output_dir


def leftovers(directory):
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def test_atomic_write_replaces_whole_and_keeps_umask_permissions(tmp_path):
    target = tmp_path / "out.txt"
    atomic_write(target, "first")
    atomic_write(target, b"second")
    assert target.read_text() == "second"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert leftovers(tmp_path) == []


def test_a_failure_inside_leaves_the_old_file_and_no_partial(tmp_path):
    target = tmp_path / "rows.jsonl"
    atomic_write(target, "old\n")
    with pytest.raises(RuntimeError), atomic_open(target) as handle:
        handle.write("new, half written")
        raise RuntimeError("disk on fire")
    assert target.read_text() == "old\n"
    assert leftovers(tmp_path) == []


def test_several_files_are_staged_before_any_is_replaced(tmp_path):
    atomic_files(tmp_path, {"a.txt": "a1", "b.txt": "b1"})

    class Unrenderable(str):
        def encode(self, encoding):
            raise RuntimeError("cannot render")

    with pytest.raises(RuntimeError):
        atomic_files(tmp_path, {"a.txt": "a2", "b.txt": Unrenderable()})
    assert (tmp_path / "a.txt").read_text() == "a1" and (tmp_path / "b.txt").read_text() == "b1"
    assert leftovers(tmp_path) == []


def test_missing_directory_is_one_line(tmp_path):
    with pytest.raises(WarwireError, match="does not exist"):
        atomic_write(tmp_path / "nope" / "x.txt", "x")


def test_a_dir_target_that_is_a_file_is_one_line(tmp_path):
    taken = tmp_path / "report"
    taken.write_text("a file, not a dir")
    with pytest.raises(WarwireError, match=r"report: exists and is not a directory$"):
        atomic_files(taken, {"metrics.json": "{}"})
    with pytest.raises(WarwireError, match=r"report/eval: lies under .*report, which exists and is not a directory$"):
        atomic_files(taken / "eval", {"metrics.json": "{}"})
    with pytest.raises(WarwireError, match="exists and is not a directory"), atomic_dir(taken / "model"):
        pass
    assert taken.read_text() == "a file, not a dir"
    check_output_dir(tmp_path / "new" / "dirs")  # missing dirs are fine: they are made when written


def test_atomic_dir_appears_only_complete_and_needs_overwrite(tmp_path):
    output = tmp_path / "model"
    with pytest.raises(RuntimeError), atomic_dir(output) as staging:
        (staging / "weights").write_text("half")
        raise RuntimeError("interrupted")
    assert not output.exists() and leftovers(tmp_path) == []
    with atomic_dir(output) as staging:
        (staging / "weights").write_text("v1")
    with pytest.raises(WarwireError, match="already exists"), atomic_dir(output):
        pass
    with atomic_dir(output, overwrite=True) as staging:
        (staging / "weights").write_text("v2")
    assert (output / "weights").read_text() == "v2" and leftovers(tmp_path) == []


def test_a_full_disk_is_one_line_and_leaves_nothing(tmp_path):
    import errno

    target = tmp_path / "predictions.jsonl"
    full = pytest.raises(WarwireError, match=r"predictions.jsonl: cannot write \(No space left on device\)")
    with full, atomic_open(target) as handle:
        handle.write("a row\n")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert not target.exists() and leftovers(tmp_path) == []


def test_other_errors_inside_are_not_blamed_on_the_target(tmp_path):
    with pytest.raises(FileNotFoundError), atomic_open(tmp_path / "out.jsonl"):
        (tmp_path / "missing-input.txt").read_text()
    assert leftovers(tmp_path) == []
