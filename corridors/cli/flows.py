"""``corridors flows``: the OD demand shared among its routes and modes by the nested logit,
with queues at capacity-bound crossings (a stochastic user equilibrium)."""

from __future__ import annotations

import argparse

import pandas as pd

from corridors.cli.common import command, network_of, print_json


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``flows``."""
    flows = command(
        sub,
        "flows",
        _flows,
        "the OD demand shared among routes and modes by the nested logit, with queues at "
        "loaded crossings: mode shares, volume against capacity, gateways",
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
        default=1000,
        metavar="N",
        help="most rounds of the solver (default 1000: it stops once settled; 1 is the logit "
        "without queues)",
    )
    flows.add_argument("--json", action="store_true", help="print JSON")


def _flows(args) -> int:
    from corridors.analysis.equilibrium import equilibrium
    from corridors.analysis.flows import BASE_YEAR, compare_observed, land_rail_share

    network = network_of(args)
    if args.scenario:
        from corridors.network.scenarios import apply_scenario, load_scenario

        network = apply_scenario(network, load_scenario(network, args.scenario, args.data))
    found = equilibrium(network, args.demand, rounds=args.rounds)
    per_train = float(network.parameters.loc["feu_per_train", "value"])
    trains = found.crossings.feu_per_train
    exits = _china_europe_exits(network, found.flows.pairs)
    crossings = found.crossings.assign(
        trains_per_year=found.crossings.feu_per_year / trains,
        capacity_trains_per_year=found.crossings.capacity_feu_per_year / trains,
        share_of_china_europe_rail=found.crossings.id.map(exits / exits.sum()),
    )
    rail_sea = found.flows.rail_sea[["id", "name", "feu_per_year"]]
    rail_sea = rail_sea.assign(trains_per_year=rail_sea.feu_per_year / per_train)
    split = found.flows.mode_split(network)
    eu = found.flows.mode_share_to(network, value=True)
    if args.json:
        print_json(
            {
                "rounds": found.rounds,
                "gap": found.gap,
                "units": {
                    "year": "the money's year (mode_params.csv) and the rail share's; the train "
                    "counts are of 2020, the one year with all five exit ports",
                    "feu_per_year": "FEU a year of the demand (the gravity model: exports)",
                    "mode_share": "share of China's exports to the EU by how they leave China "
                    "(rail_sea: rail to the port of loading), by the value of the goods (each "
                    "class's value_usd_per_feu, value_classes.csv) and by FEU",
                    "rail_share_value": "share of China's exports to the EU by rail all the "
                    "way (no ship anywhere: the mode at the EU's border, as published)",
                    "total_china_europe_rail_teu": "TEU a year leaving by rail for Europe over "
                    "the China-Europe exit ports (2 TEU per FEU; exports only)",
                    "trains_per_year": "FEU / the crossing's feu_per_train (crossings.csv, "
                    f"else parameters.csv's {per_train:g}); rail-sea: FEU / {per_train:g}",
                    "queue_hours": "hours each way at the equilibrium flow",
                },
                "year": BASE_YEAR,
                "mode_share": found.flows.mode_share_record(network),
                "rail_share_value": land_rail_share(network, found.flows.pairs),
                "mode_share_by_region": {
                    region: {mode: {"feu": float(share)} for mode, share in row.items()}
                    for region, row in split.iterrows()
                },
                "crossings": crossings.to_dict("records"),
                "rail_sea": rail_sea.to_dict("records"),
                "ports": found.flows.ports[["id", "name", "feu_per_year"]].to_dict("records"),
                "corridors": found.flows.corridors[["id", "name", "feu_per_year"]].to_dict(
                    "records"
                ),
                "total_china_europe_rail_teu": float(exits.sum() * 2),
                "unserved": found.unserved.to_dict("records"),
            }
        )
        return 0
    print(f"equilibrium: {found.gap:.2%} of the demand off its crossings' queues")
    shares = ", ".join(f"{mode} {share:.1%}" for mode, share in eu.items())
    print(f"\nChina's exports to the EU by how they leave China, by value: {shares}")
    land = land_rail_share(network, found.flows.pairs)
    print(f"by rail (the mode at the EU's border): {land:.1%}")
    print("\nmode share of the FEU by destination region (%):")
    print((split * 100).round(1).to_string())
    observed = compare_observed(network, found.flows)
    ports = observed[observed.measure == "china_europe_trains"]
    print("\nrail flow for Europe by exit port against the 2020 China-Europe trains:")
    ports = ports.assign(port=ports.places.map(network.places.name_en))
    print(ports[["port", "observed_share", "model_share"]].round(3).to_string(index=False))
    print("\ncrossings with a capacity:")
    shown = crossings[["name", "feu_per_year", "capacity_feu_per_year", "utilisation"]]
    shown = shown.assign(queue_days=crossings.queue_hours / 24).round(
        {"feu_per_year": 0, "capacity_feu_per_year": 0, "utilisation": 2, "queue_days": 1}
    )
    print(shown.to_string(index=False))
    lost = found.unserved[found.unserved.feu_per_year > 0]
    if len(lost):
        print(f"\n{len(lost)} pairs ({lost.feu_per_year.sum():,.0f} FEU a year) have no route:")
        for row in lost.head(10).itertuples():
            print(f"  {row.reason}")
    return 0


def _china_europe_exits(network, pairs):
    """FEU a year leaving by rail for Europe over the China-Europe exit ports, by the id of
    each port's rail crossing."""
    from corridors.analysis.flows import china_europe_rail, rail_crossings_at

    by_port = china_europe_rail(network, pairs)
    return pd.Series(
        {c: by_port[p] for p in by_port.index for c in rail_crossings_at(network, [p])}
    )
