"""A compiled cache that cannot be trusted is ignored with one warning, never used and never
an internal error: truncated, bit-flipped, edited with its fingerprint kept, a zip bomb, or
written by an older corridors."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
from small import border_network

from corridors.analysis.routing import route
from corridors.cachefile import MAX_HASH_BYTES
from corridors.cli import main
from corridors.graph.cache import cache_path, read_cache, write_cache
from corridors.graph.expand import compile_network
from corridors.network.assemble import build_network

IGNORED = "ignoring the compiled cache"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A small data folder with its cache written; each test works on a copy."""
    folder = tmp_path_factory.mktemp("cache") / "data"
    network = border_network(folder)
    path = cache_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_cache(network, compile_network(network), path)
    return folder


@pytest.fixture
def data(built: Path, tmp_path: Path) -> Path:
    shutil.copytree(built.parent, tmp_path / "copy")
    return tmp_path / "copy" / "data"


def _members(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as found:
        return {name: found[name] for name in found.files}


def _rewrite(path: Path, **changed: np.ndarray) -> None:
    """Write the cache again with some arrays changed, the other members as they were."""
    arrays = {**_members(path), **changed}
    with path.open("wb") as handle:
        np.savez_compressed(handle, **arrays)


def test_the_intact_cache_is_read(data):
    assert read_cache(build_network(data)) is not None


def test_a_truncated_cache_is_ignored_with_a_warning(data):
    path = cache_path(data)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.warns(UserWarning, match=f"{IGNORED} .*corridors build"):
        assert read_cache(build_network(data)) is None


def test_a_flipped_bit_is_ignored_with_a_warning(data):
    path = cache_path(data)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("tail.npy")
    name_len, extra_len = (
        int.from_bytes(raw[info.header_offset + i :][:2], "little") for i in (26, 28)
    )
    start = info.header_offset + 30 + name_len + extra_len  # tail's compressed data
    raw[start + info.compress_size // 2] ^= 0x10
    path.write_bytes(bytes(raw))
    with pytest.warns(UserWarning, match=IGNORED):
        assert read_cache(build_network(data)) is None


def test_arrays_edited_under_a_kept_fingerprint_are_never_used(data):
    path = cache_path(data)
    arrays = _members(path)
    _rewrite(path, head=arrays["head"][::-1].copy())
    with pytest.warns(UserWarning, match="do not match their content hash"):
        assert read_cache(build_network(data)) is None
    _rewrite(path, value_hours=arrays["value_hours"] / 2, head=arrays["head"])
    network = build_network(data)
    with pytest.warns(UserWarning, match="do not match their content hash"):
        r = route(network, "a", "d")
    assert r.total["hours"] == pytest.approx(16.0)  # the data's hours, not the forged half


def test_a_zip_bomb_is_refused_before_it_is_decompressed(data):
    path = cache_path(data)
    arrays = _members(path)
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(50 * 2**20, dtype=np.uint8))  # 50 MB of zeros, about 50 kB zipped
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("fingerprint.npy", buffer.getvalue())
        for name, array in arrays.items():
            if name != "fingerprint":
                member = io.BytesIO()
                np.save(member, array)
                archive.writestr(f"{name}.npy", member.getvalue())
    assert path.stat().st_size < 1_000_000
    with pytest.warns(UserWarning, match="fingerprint member is .* bytes"):
        assert read_cache(build_network(data)) is None
    assert MAX_HASH_BYTES < 50 * 2**20


def test_a_cache_without_a_content_hash_is_ignored(data):
    path = cache_path(data)
    arrays = _members(path)
    del arrays["content"]
    with path.open("wb") as handle:
        np.savez_compressed(handle, **arrays)
    with pytest.warns(UserWarning, match="no fingerprint or content hash"):
        assert read_cache(build_network(data)) is None


def test_the_command_line_routes_past_a_broken_cache_with_one_warning_line(data, capsys):
    cache_path(data).write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["--data", str(data), "route", "a", "d", "--json"]) == 0
    out, err = capsys.readouterr()
    assert '"origin": "a"' in out
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"warning: {IGNORED}")
