"""Loading a network: :func:`load_network`, the one call most users need.

It reads the snapshot ``corridors build`` wrote (:mod:`corridors.network.snapshot`) while
that is current, and otherwise reads and checks ``data/``
(:func:`corridors.network.assemble.build_network`), once per folder and process.
"""

from __future__ import annotations

import functools
from pathlib import Path

from corridors.network.model import Network
from corridors.network.snapshot import read_snapshot
from corridors.network.tables import default_data_dir

__all__ = ["load_network"]


@functools.lru_cache(maxsize=4)
def _load_cached(data_dir: Path) -> Network:
    network = read_snapshot(data_dir)
    if network is None:
        from corridors.network.assemble import build_network  # shapely and pyproj: only here

        network = build_network(data_dir)
    return network


def load_network(data_dir: str | Path | None = None) -> Network:
    """The network built from ``data_dir`` (the default data when omitted), cached.

    Examples
    --------
    >>> net = load_network()
    >>> net.places.loc["kuantan", "iso3"]
    'MYS'
    """
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    return _load_cached(folder.resolve())
