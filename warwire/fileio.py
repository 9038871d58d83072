"""Atomic writes: a file or a dir appears whole at its target, or not at all.

Everything warwire writes for users (model dirs, prediction files, reports, corpus
splits, the ONNX cache) goes through here: content goes to a temporary name beside the
target, is flushed to disk (fsync), then renamed over the target. A rename within one
filesystem is atomic, so readers see the old file or the new one, and a failure, Ctrl-C
or ``kill -9`` leaves at most a hidden ``.NAME.*.partial`` beside it.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path

from warwire.errors import WarwireError

PARTIAL_SUFFIX = ".partial"
# Errors of writing a file (disk full, quota, too large, read-only, I/O): reported as one line.
WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO}


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


@contextmanager
def atomic_path(target: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it is synced and renamed to it.

    The body writes the file at the yielded path by any means (``open``, a library's
    ``save``). If the body raises, the temporary file is removed and ``target`` is
    untouched.
    """
    target = Path(target)
    try:
        descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=PARTIAL_SUFFIX, dir=target.parent)
    except FileNotFoundError:
        raise WarwireError(f"{target}: directory {target.parent} does not exist") from None
    except OSError as error:
        raise WarwireError(f"{target}: cannot write ({error.strerror})") from None
    os.close(descriptor)
    temporary = Path(name)
    # mkstemp makes the file private; outputs get the usual umask permissions.
    umask = os.umask(0)
    os.umask(umask)
    temporary.chmod(0o666 & ~umask)
    try:
        try:
            yield temporary
        except OSError as error:
            if error.errno not in WRITE_ERRORS:  # e.g. an input that failed to read: not ours to name
                raise
            raise WarwireError(f"{target}: cannot write ({error.strerror or error})") from None
        try:
            _fsync(temporary)
            os.replace(temporary, target)
        except OSError as error:
            raise WarwireError(f"{target}: cannot write ({error.strerror or error})") from None
    finally:
        temporary.unlink(missing_ok=True)


@contextmanager
def atomic_open(target: Path | str, mode: str = "w", **kwargs) -> Iterator:
    """``open`` for writing that makes ``target`` appear only when the block succeeds.

    Text mode defaults to UTF-8 and no newline translation.
    """
    if "b" not in mode:
        kwargs.setdefault("encoding", "utf-8")
        kwargs.setdefault("newline", "")
    with atomic_path(target) as temporary, open(temporary, mode, **kwargs) as handle:
        yield handle


def atomic_write(target: Path | str, content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8) to ``target`` atomically."""
    with atomic_open(target, "wb") as handle:
        handle.write(content.encode("utf-8") if isinstance(content, str) else content)


def check_output_dir(directory: Path | str) -> None:
    """Refuse an output dir that is, or would lie under, an existing file: a one-line error.

    Commands call this before slow work (scoring), so the mistake costs nothing;
    ``make_dir`` checks again when the dir is made.
    """
    directory = Path(directory)
    for path in (directory, *directory.parents):
        if path.is_dir():
            return
        if path.exists() or path.is_symlink():  # a file, or a link to nothing: mkdir would fail
            where = "exists" if path == directory else f"lies under {path}, which exists"
            raise WarwireError(f"{directory}: {where} and is not a directory")


def make_dir(directory: Path | str) -> Path:
    """Create ``directory`` (and its parents) if missing; any failure is a one-line error."""
    directory = Path(directory)
    check_output_dir(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WarwireError(f"{directory}: cannot create the directory ({error.strerror or error})") from None
    return directory


def atomic_files(directory: Path | str, files: Mapping[str, str | bytes]) -> None:
    """Write several files into ``directory``: all are staged before the first rename.

    Content is rendered by the caller before this is called, so a failure while staging
    leaves every previous file as it was.
    """
    directory = make_dir(directory)
    with ExitStack() as stack:
        for name, content in files.items():
            temporary = stack.enter_context(atomic_path(directory / name))
            temporary.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        # Leaving the stack renames the staged files (in reverse order), or removes them all.


@contextmanager
def atomic_dir(output: Path | str, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary dir beside ``output``; on success it becomes ``output``.

    If the body raises (or is interrupted), the temporary dir is removed and ``output``
    is untouched, so a dir that exists is always complete. An existing ``output`` is
    replaced only with ``overwrite``.
    """
    output = Path(output)
    if output.exists() and not overwrite:
        raise WarwireError(f"{output}: already exists (pass --overwrite to replace it)")
    make_dir(output.parent)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", suffix=PARTIAL_SUFFIX, dir=output.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a model dir is meant to be shared
    try:
        yield staging
        for path in staging.rglob("*"):
            if path.is_file():
                _fsync(path)
        if output.exists():
            retired = output.with_name(f".{output.name}.old-{os.getpid()}")
            output.rename(retired)
            staging.rename(output)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            staging.rename(output)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
