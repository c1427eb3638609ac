"""``corridors flows``: the OD demand assigned with queues at capacity-bound crossings."""

from __future__ import annotations

import argparse

from corridors.cli.common import by_option, command, network_of, print_json


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``flows``."""
    flows = command(
        sub,
        "flows",
        _flows,
        "the OD demand at equilibrium: crossings queue when loaded (volume against capacity), "
        "mode shares by destination region",
    )
    flows.add_argument(
        "--demand",
        metavar="FILE",
        help="a CSV of origin, destination, feu_per_year (default: the gravity model)",
    )
    flows.add_argument("--scenario", metavar="NAME|FILE", help="assign on a scenario's network")
    flows.add_argument(
        "--rounds",
        type=int,
        default=30,
        metavar="N",
        help="rounds of successive averages (default 30; 1 is all-or-nothing)",
    )
    by_option(flows, "generalized")
    flows.add_argument("--json", action="store_true", help="print JSON")


def _flows(args) -> int:
    from corridors.analysis.equilibrium import equilibrium

    network = network_of(args)
    if args.scenario:
        from corridors.network.scenarios import apply_scenario, load_scenario

        network = apply_scenario(network, load_scenario(network, args.scenario, args.data))
    found = equilibrium(network, args.demand, by=args.by, rounds=args.rounds)
    per_train = float(network.parameters.loc["feu_per_train", "value"])
    exits = _china_rail_exits(network, found.flows.crossings)
    crossings = found.crossings.assign(
        trains_per_year=found.crossings.feu_per_year / per_train,
        capacity_trains_per_year=found.crossings.capacity_feu_per_year / per_train,
        share_of_china_europe_rail=found.crossings.id.map(exits / exits.sum()),
    )
    rail_sea = found.flows.rail_sea[["id", "name", "feu_per_year"]]
    rail_sea = rail_sea.assign(trains_per_year=rail_sea.feu_per_year / per_train)
    split = found.flows.mode_split(network)
    if args.json:
        print_json(
            {
                "rounds": found.rounds,
                "gap": found.gap,
                "units": {
                    "feu_per_year": "FEU a year of the demand (the gravity model: exports)",
                    "total_china_europe_rail_teu": "TEU a year over the China-Europe exit ports' "
                    "rail crossings (2 TEU per FEU; exports only)",
                    "trains_per_year": f"FEU / {per_train:g} (feu_per_train)",
                    "queue_hours": "hours each way at the equilibrium flow",
                },
                "mode_share": {
                    region: {mode: {"feu": float(share)} for mode, share in row.items()}
                    for region, row in split.iterrows()
                },
                "crossings": crossings.to_dict("records"),
                "rail_sea": rail_sea.to_dict("records"),
                "ports": found.flows.ports[["id", "name", "feu_per_year"]].to_dict("records"),
                "total_china_europe_rail_teu": float(exits.sum() * 2),
            }
        )
        return 0
    print(f"equilibrium after {found.rounds} rounds, relative gap {found.gap:.2%}")
    print("\nmode share of the FEU by destination region:")
    print((split * 100).round(1).to_string())
    print("\ncrossings with a capacity:")
    shown = crossings[["name", "feu_per_year", "capacity_feu_per_year", "utilisation"]]
    shown = shown.assign(queue_days=crossings.queue_hours / 24).round(
        {"feu_per_year": 0, "capacity_feu_per_year": 0, "utilisation": 2, "queue_days": 1}
    )
    print(shown.to_string(index=False))
    return 0


def _china_rail_exits(network, crossings):
    """FEU a year over the rail crossings of the China-Europe exit ports, by crossing id."""
    from corridors.analysis.flows import china_europe_ports, rail_crossings_at

    ids = rail_crossings_at(network, china_europe_ports(network))
    return crossings.set_index("id").feu_per_year.reindex(ids).dropna()
