"""Writing files and folders whole or not at all, and one build at a time.

Every file the package writes (GeoPackage, GraphML, the sea-leg cache, fitted tables, CSVs,
charts) is written to a temporary file in the same folder and moved into place with
``os.replace``, which is atomic: a reader, or a run killed half-way, sees the old file or the
new one, never a part of one. A folder of files that belong together (the assessment) is
written beside its target and swapped into place the same way (:func:`atomic_folder`).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from corridors.errors import CorridorsError

__all__ = ["BusyError", "atomic_folder", "atomic_path", "build_lock"]


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path to write; on success it replaces ``path``, on failure it is removed.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("whole")
    >>> target.read_text()
    'whole'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # the same extension, so that writers that check it (GDAL for .gpkg) are content
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=target.suffix)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # writers (GDAL among them) create the file themselves
    try:
        yield tmp
        os.replace(tmp, target)
    except OSError as err:
        raise _naming(err, target) from err
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            leftover.unlink(missing_ok=True)


def _naming(err: OSError, path: Path) -> OSError:
    """``err`` with ``path`` named, when it names no file (a full disk says only ENOSPC)."""
    if err.filename is not None or err.errno is None:
        return err
    return type(err)(err.errno, err.strerror or os.strerror(err.errno), str(path))


class BusyError(CorridorsError):
    """Another run holds the lock of a folder."""


@contextlib.contextmanager
def atomic_folder(path: str | Path, *, owned: Callable[[Path], bool]) -> Iterator[Path]:
    """A temporary folder beside ``path`` to write into; on success it takes the place of
    ``path`` in one step, so a reader, a kill or a full disk leaves the old folder or the
    new one whole, never a mix. The temporary folder is made first, so an unwritable
    target fails before any work is done; another run into the same folder is refused.

    ``owned(relative_path)`` says which files of an existing ``path`` a run may replace; a
    folder holding any other file is refused, so nothing of the user's is lost.

    Raises
    ------
    BusyError
        Another run is writing the same folder.
    FileExistsError
        ``path`` is a file, or a folder holding files that are not ``owned``.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "report"
    >>> with atomic_folder(target, owned=lambda p: p.suffix == ".md") as tmp:
    ...     _ = (tmp / "report.md").write_text("whole")
    >>> sorted(p.name for p in target.iterdir())
    ['report.md']
    """
    target = Path(path)
    if target.exists() and not target.is_dir():
        msg = f"{target} is a file, not a folder"
        raise FileExistsError(msg)
    if target.is_dir():
        foreign = sorted(
            str(p.relative_to(target))
            for p in target.rglob("*")
            if p.is_file() and not owned(p.relative_to(target))
        )
        if foreign:
            shown = ", ".join(foreign[:5]) + (
                f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
            )
            msg = f"{target} holds files a report does not write ({shown}); choose another folder"
            raise FileExistsError(msg)
    target.parent.mkdir(parents=True, exist_ok=True)
    with build_lock(target, wait=False):
        tmp = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}"
        tmp.mkdir()  # as mkdtemp, but with the permissions the user's umask gives
        try:
            yield tmp
            _swap_into_place(tmp, target)
        except OSError as err:
            raise _naming(err, target) from err
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def _swap_into_place(new: Path, target: Path) -> None:
    """Put the folder ``new`` at ``target``; the old ``target`` (if any) ends up at ``new``."""
    if not target.exists():
        os.rename(new, target)
        os.mkdir(new)  # for the caller to remove, as after an exchange
        return
    if _exchange(new, target):
        return
    # no atomic exchange here (not Linux, or a file system without it): two renames, the
    # window between them as short as it can be
    old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old."))
    os.rename(target, old / "folder")
    os.rename(new, target)
    os.rename(old / "folder", new)
    old.rmdir()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2(RENAME_EXCHANGE); False where
    that is not available."""
    libc_name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(libc_name, use_errno=True) if libc_name else None
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return done == 0


@contextlib.contextmanager
def build_lock(folder: str | Path, *, wait: bool = True) -> Iterator[None]:
    """Hold an exclusive lock for ``folder`` so that builds into it run in turn (or, with
    ``wait=False``, so that a second run is refused with :class:`BusyError`).

    The lock file lives in the temporary folder, named after ``folder``, so it never litters
    the output.
    """
    key = hashlib.sha256(str(Path(folder).resolve()).encode()).hexdigest()[:16]
    with (Path(tempfile.gettempdir()) / f"corridors-{key}.lock").open("a") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; builds there are not serialized
            yield
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            msg = (
                f"another corridors run is writing {folder}; wait for it or choose another folder"
            )
            raise BusyError(msg) from err
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
