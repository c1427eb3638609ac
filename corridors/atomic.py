"""Writing files whole or not at all, and one build at a time.

Every file the package writes (GeoPackage, GraphML, the sea-leg cache, fitted tables, CSVs,
charts) is written to a temporary file in the same folder and moved into place with
``os.replace``, which is atomic: a reader, or a run killed half-way, sees the old file or the
new one, never a part of one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path", "build_lock"]


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
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            leftover.unlink(missing_ok=True)


@contextlib.contextmanager
def build_lock(folder: str | Path) -> Iterator[None]:
    """Hold an exclusive lock for ``folder`` so that builds into it run in turn.

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
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
