"""Files a command may read instead of redoing work, used only when current and intact.

A cache file is NumPy's npz (plain arrays and strings, read with ``allow_pickle=False``) with
two extra members:

- ``fingerprint``: a SHA-256 of the data files it was made from and of the code that made it
  (:func:`fingerprint`). A file whose fingerprint differs is stale and is not read further.
- ``content``: a SHA-256 of every other array, so a truncated, bit-flipped or edited file is
  refused (:class:`CacheError`). Members larger than any real cache are refused before they
  are decompressed.

:mod:`corridors.network.snapshot` (the network's tables and geometry) and
:mod:`corridors.graph.cache` (the compiled routing graph) are the caches ``corridors build``
writes; :func:`read_cached` reads any of them.
"""

from __future__ import annotations

import functools
import hashlib
import warnings
import zipfile
from collections.abc import Callable, Iterable
from importlib.metadata import version
from pathlib import Path

import numpy as np

from corridors.atomic import atomic_path

__all__ = ["MAX_HASH_BYTES", "CacheError", "fingerprint", "read_cached", "read_npz", "write_npz"]

# no member of a real cache comes near these (the default network's largest is 1.8 MB)
MAX_MEMBER_BYTES = 256 * 2**20
MAX_TOTAL_BYTES = 1024 * 2**20
MAX_HASH_BYTES = 4096  # the fingerprint and content members: one 64-character string each
DATA_SUFFIXES = (".csv", ".geojson")


class CacheError(ValueError):
    """A cache file that cannot be trusted: too large, incomplete or altered."""


def fingerprint(data_dir: Path, code_files: Iterable[Path], salt: str = "") -> str:
    """SHA-256 of the data files of ``data_dir``, of ``code_files`` and of the corridors
    version (and ``salt``, a format number say): of each file's name and SHA-256."""
    digest = hashlib.sha256(f"{salt} {_version()}".encode())
    files = sorted(p for p in Path(data_dir).iterdir() if p.suffix in DATA_SUFFIXES)
    for path in [*files, *code_files]:
        stat = path.stat()
        digest.update(path.name.encode())
        digest.update(_file_digest(str(path.resolve()), stat.st_size, stat.st_mtime_ns))
    return digest.hexdigest()


@functools.lru_cache(maxsize=512)
def _file_digest(path: str, size: int, modified_ns: int) -> bytes:
    """SHA-256 of a file, read once per process while its size and time are unchanged: a
    command checks two caches against the same data (11 MB of sea legs)."""
    return hashlib.sha256(Path(path).read_bytes()).digest()


@functools.cache
def _version() -> str:
    return version("corridors")


def write_npz(path: Path, arrays: dict[str, np.ndarray], stamp: str) -> Path:
    """Write ``arrays`` with fingerprint ``stamp`` and their content hash, atomically."""
    arrays = {**arrays, "fingerprint": np.array(stamp)}
    arrays["content"] = np.array(_content_hash(arrays))
    with atomic_path(path) as tmp, tmp.open("wb") as handle:
        np.savez_compressed(handle, **arrays)
    return path


def read_npz(path: Path, expected: str) -> dict[str, np.ndarray] | None:
    """The arrays of the cache at ``path``; None when its fingerprint is not ``expected``.

    Raises
    ------
    CacheError
        A member too large, a missing member, or arrays that do not match their hash.
    """
    with zipfile.ZipFile(path) as archive:
        sizes = {info.filename.removesuffix(".npy"): info.file_size for info in archive.infolist()}
    for name in ("fingerprint", "content"):
        if sizes.get(name, 0) > MAX_HASH_BYTES:
            msg = f"its {name} member is {sizes[name]:,} bytes"
            raise CacheError(msg)
    if max(sizes.values(), default=0) > MAX_MEMBER_BYTES or sum(sizes.values()) > MAX_TOTAL_BYTES:
        msg = f"its members hold {sum(sizes.values()):,} bytes, more than any real cache"
        raise CacheError(msg)
    with np.load(path, allow_pickle=False) as found:
        if "fingerprint" not in found.files or "content" not in found.files:
            msg = "it has no fingerprint or content hash (written by an older corridors?)"
            raise CacheError(msg)
        if str(found["fingerprint"]) != expected:
            return None  # stale: the data or the code changed since it was written
        arrays = {name: found[name] for name in found.files}
    if str(arrays["content"]) != _content_hash(arrays):
        msg = "its arrays do not match their content hash (truncated, corrupted or edited)"
        raise CacheError(msg)
    return arrays


def read_cached(path: Path, expected: str, decode: Callable, *, what: str, instead: str):
    """``decode(arrays)`` of the cache at ``path``; None when there is none or it is stale,
    and, with one warning naming ``what`` it is and what is done ``instead``, when it cannot
    be trusted or decoded."""
    if not path.exists():
        return None
    try:
        arrays = read_npz(path, expected)
        return None if arrays is None else decode(arrays)
    except Exception as err:  # whatever is wrong with the file, the work can be done again
        warnings.warn(
            f"ignoring the {what} {path} ({type(err).__name__}: {err}); {instead}, and "
            "`corridors build` rewrites the file",
            stacklevel=3,
        )
        return None


def _content_hash(arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 of every array but ``content`` itself: names, dtypes, shapes and bytes."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        if name != "content":
            array = np.ascontiguousarray(arrays[name])
            digest.update(f"{name} {array.dtype.str} {array.shape}".encode())
            digest.update(array.tobytes())
    return digest.hexdigest()
