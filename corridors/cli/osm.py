"""``corridors osm import``: link lengths and geometries from an OpenStreetMap extract."""

from __future__ import annotations

import argparse
from pathlib import Path

from corridors.cli.common import command, print_json


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``osm``."""
    osm = command(
        sub,
        "osm",
        _osm,
        "OpenStreetMap: derive link lengths and geometries from an OSM extract",
    )
    osm.add_argument("action", choices=["import"])
    osm.add_argument("file", type=Path, help="an .osm, .osm.bz2 or .osm.pbf extract")
    osm.add_argument("--bbox", metavar="W,S,E,N", help="keep only this box (degrees)")
    osm.add_argument("--links", nargs="+", metavar="ID", help="only these links (default: all)")
    osm.add_argument(
        "--tolerance", type=float, default=2.0, metavar="KM", help="snap places within KM (2)"
    )
    osm.add_argument(
        "--out", type=Path, metavar="FILE", help="where to write (default: data/osm_links.geojson)"
    )
    osm.add_argument("--dry-run", action="store_true", help="report, write nothing")
    osm.add_argument("--json", action="store_true", help="print JSON")


def _osm(args) -> int:
    from corridors.network.assemble import OSM_LINKS_FILE, build_network
    from corridors.network.osm import check_bbox, check_tolerance, import_osm
    from corridors.network.tables import default_data_dir, writable

    data_dir = args.data or default_data_dir()
    out = None
    if not args.dry_run:
        out = args.out or writable(data_dir) / OSM_LINKS_FILE
    bbox = check_bbox(args.bbox) if args.bbox else None
    check_tolerance(args.tolerance)
    network = build_network(data_dir)
    report = import_osm(
        network, args.file, links=args.links, bbox=bbox, tolerance_km=args.tolerance, out=out
    )
    if args.json:
        print_json(report.to_dict("records"))
        return 0
    if report.empty:
        print(f"no corridor link has both its places within {args.tolerance:g} km of {args.file}")
        return 0
    print(report.round(2).to_string(index=False))
    if out is not None and (report.status == "updated").any():
        print(f"wrote {out}; run `corridors build` to rebuild graphs/")
    return 0
