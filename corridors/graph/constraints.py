"""What a route may use, as the engine's masks: ``avoid``, ``via``, ``modes``, ``month`` and
``statuses`` resolved against the network into :class:`Constraints`, and the tags of the
edges those constraints bar (:func:`barred_tags`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corridors.engine import Engine
from corridors.errors import UnknownPlaceError
from corridors.network.model import Network
from corridors.network.names import NameIndex
from corridors.network.schema import MODES, PASSAGES, STATUSES, sea_link

__all__ = [
    "Constraints",
    "as_names",
    "barred_tags",
    "border_scoped",
    "domestic_barred",
    "resolve_avoid",
    "resolve_constraints",
    "whole_number",
]


@dataclass(frozen=True)
class Constraints:
    """What a route may use. Empty sets mean no restriction; ``modes=None`` allows all."""

    statuses: frozenset[str] = frozenset({"operational"})
    modes: frozenset[str] | None = None
    places: frozenset[str] = frozenset()
    elements: frozenset[str] = frozenset()  # link and crossing ids
    countries: frozenset[str] = frozenset()
    passages: frozenset[str] = frozenset()
    closed_for_season: frozenset[str] = frozenset()  # crossing ids closed in the month asked
    services: frozenset[str] = frozenset()  # services that may not carry this trip

    def allows(self, edge: dict) -> bool:
        """Whether an edge of the routing graph may be used."""
        if edge["status"] not in self.statuses:
            return False
        if self.modes is not None and not edge["modes"] <= self.modes:
            return False
        if edge["places"] & self.places or edge["countries"] & self.countries:
            return False
        element = edge["element"]
        if {element, sea_link(element)} & self.elements or element in self.closed_for_season:
            return False
        return not edge["passages"] & self.passages


def barred_tags(engine: Engine, constraints: Constraints) -> list[tuple[str, str]]:
    """The tags of the edges ``constraints`` bar (see :meth:`Constraints.allows`)."""
    c = constraints
    barred = [("status", s) for s in engine.tag_values("status") - c.statuses]
    if c.modes is not None:
        barred += [("mode", m) for m in engine.tag_values("mode") - c.modes]
    barred += [("place", p) for p in c.places] + [("country", x) for x in c.countries]
    links = {e for e in c.elements if e.startswith("sea:")}  # whose variants close with them
    variants = set()
    if links:
        variants = {v for v in engine.tag_values("element") if sea_link(v) in links}
    barred += [("element", e) for e in c.elements | c.closed_for_season | variants]
    barred += [("passage", p) for p in c.passages] + [("service", s) for s in c.services]
    return sorted(barred)


def resolve_avoid(network: Network, items: Iterable[str]) -> dict[str, set[str]]:
    """Sort avoid items into places, countries, passages, element ids and services (a
    service id, or a group: ``china_europe_express`` bars every fixed-schedule train).

    Examples
    --------
    >>> from corridors import load_network
    >>> found = resolve_avoid(load_network(), ["Malacca", "KAZ", "Erenhot"])
    >>> found["passages"], found["countries"], found["places"]
    ({'malacca'}, {'KAZ'}, {'erenhot'})
    """
    out: dict[str, set[str]] = {
        "places": set(),
        "countries": set(),
        "passages": set(),
        "elements": set(),
        "services": set(),
    }
    elements, countries, passages, services = _avoidable(network)
    for item in items:
        if item in elements:
            out["elements"].add(item)
            continue
        if item in services:
            out["services"] |= services[item]
            continue
        for kind, index in (("passages", passages), ("countries", countries), ("places", network)):
            try:
                out[kind].add(index.resolve(item))
                break
            except UnknownPlaceError:
                continue
        else:
            closest = network._names.suggest(item, 3) + passages.suggest(item, 2)
            raise UnknownPlaceError(
                item, closest, what="place, country, sea passage, link or crossing id"
            )
    return out


@functools.lru_cache(maxsize=8)
def _avoidable(network: Network) -> tuple[set[str], NameIndex, NameIndex, dict[str, set[str]]]:
    """Link and crossing ids, name indexes of countries and sea passages, and the services
    each service id or group stands for."""
    elements = set(network.links.index) | set(network.crossings.index)
    services: dict[str, set[str]] = {}
    for sid, group in zip(network.services["id"], network.services["group"], strict=True):
        services.setdefault(sid, set()).add(sid)
        services.setdefault(group, set()).add(sid)
    countries = NameIndex(
        (row["iso3"], row["name_en"], [row["name_en"], row["name_zh"]])
        for row in network.countries.to_dict("records")
    )
    passages = NameIndex((key, names[0], names) for key, names in PASSAGES.items())
    return elements, countries, passages, services


def as_names(value, what: str) -> list[str]:
    """One name or an iterable of names as a list: a plain string is one name, not letters.

    Examples
    --------
    >>> as_names("Erenhot", "via"), as_names(["Erenhot", "Brest"], "via"), as_names(None, "via")
    (['Erenhot'], ['Erenhot', 'Brest'], [])
    """
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    try:
        items = list(value)
    except TypeError:
        msg = f"{what} must be a name or a list of names, not {type(value).__name__}"
        raise TypeError(msg) from None
    for item in items:
        if not isinstance(item, str):
            msg = f"{what} must be names (str), not {item!r}"
            raise TypeError(msg)
    return items


def whole_number(value, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        msg = f"{what} must be a whole number from {low} to {high}, not {value!r}"
        raise ValueError(msg)
    return value


def domestic_barred(network: Network, origin: str, destination: str) -> frozenset[str]:
    """The services a trip between two places may not use: border-scoped services (the
    China-Europe block train) carry no trip that begins and ends in one country, not even
    one that would leave the country and come back to ride them."""
    iso3 = network.place_country
    return border_scoped(network) if iso3[origin] == iso3[destination] else frozenset()


@functools.lru_cache(maxsize=8)
def border_scoped(network: Network) -> frozenset[str]:
    """Ids of the services that carry only cargo crossing a border (``scope`` border)."""
    return frozenset(network.services.loc[network.services["scope"] == "border", "id"])


def resolve_constraints(
    network: Network,
    stops: Sequence[str],
    avoid=(),
    modes=None,
    statuses=("operational",),
    month: int | None = None,
    trip: tuple[str, str] | None = None,
) -> Constraints:
    """The :class:`Constraints` of a search: what to avoid (places, countries, sea passages,
    link or crossing ids), which modes and statuses may be used, which crossings are closed
    in ``month``, and, for a ``trip`` (origin, destination), the services it may not ride.

    Raises
    ------
    UnknownPlaceError
        An avoid item that is no place, country, passage or element, with the closest names.
    ValueError
        An unknown mode or status, a month outside 1-12, or a stop that is also avoided.

    Examples
    --------
    >>> from corridors import load_network
    >>> c = resolve_constraints(load_network(), ["chongqing"], avoid=["Suez", "KAZ"])
    >>> sorted(c.passages), sorted(c.countries), sorted(c.statuses)
    (['suez'], ['KAZ'], ['operational'])
    """
    found = resolve_avoid(network, as_names(avoid, "avoid"))
    if found["places"] & set(stops):
        clash = sorted(found["places"] & set(stops))
        msg = f"cannot both pass and avoid {', '.join(clash)}"
        raise ValueError(msg)
    status_set = frozenset(as_names(statuses, "statuses"))
    unknown = sorted(status_set - set(STATUSES))
    if unknown or not status_set:
        msg = f"unknown status {', '.join(unknown) or '(none given)'}; use {', '.join(STATUSES)}"
        raise ValueError(msg)
    mode_set = None
    if modes is not None:
        mode_set = frozenset(_split(as_names(modes, "modes")))
        unknown = sorted(mode_set - set(MODES))
        if unknown:
            msg = f"unknown mode {', '.join(unknown)}; use {', '.join(MODES)}"
            raise ValueError(msg)
    return Constraints(
        statuses=status_set,
        modes=mode_set,
        places=frozenset(found["places"]),
        elements=frozenset(found["elements"]),
        countries=frozenset(found["countries"]),
        passages=frozenset(found["passages"]),
        closed_for_season=_closed_in(network, month),
        services=frozenset(found["services"])
        | (domestic_barred(network, *trip) if trip else frozenset()),
    )


def _closed_in(network: Network, month: int | None) -> frozenset[str]:
    """Ids of the crossings closed in ``month`` (1-12), none when no month is given."""
    if month is None:
        return frozenset()
    whole_number(month, "month", 1, 12)
    closed = network.crossings["closed_months"]
    return frozenset(cid for cid, months in closed.items() if month in months)


def _split(modes: Iterable[str]) -> list[str]:
    items = [modes] if isinstance(modes, str) else list(modes)
    return [m.strip() for item in items for m in item.split(",") if m.strip()]
