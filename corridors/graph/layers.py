"""Layers of the routing graph: a mode and the service that runs on it, rail split by gauge
(``rail:1435/china_europe``, ``sea/liner`` …), and each place's start and end nodes.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "END",
    "START",
    "layer_gauge",
    "layer_leg",
    "layer_mode",
    "layer_service",
    "layers_of",
]


# the start and end node of every place, joined to its layers at no cost
START, END = "@from", "@to"


def layers_of(mode: str, gauges: Iterable[int] = (), services: Iterable[str] = ("",)) -> list[str]:
    """The layers a link of ``mode`` runs on: one per gauge and service.

    Examples
    --------
    >>> layers_of("rail", [1000, 1435], ["metre_gauge_sea"])
    ['rail:1000/metre_gauge_sea', 'rail:1435/metre_gauge_sea']
    >>> layers_of("sea", services=["liner"])
    ['sea/liner']
    """
    bases = [f"rail:{int(g)}" for g in gauges] if mode == "rail" else [mode]
    return [f"{base}/{service}" if service else base for base in bases for service in services]


def layer_mode(layer: str) -> str:
    """The mode of a layer (``rail:1435/china_europe`` -> ``rail``)."""
    return layer.split("/")[0].split(":")[0]


def layer_gauge(layer: str) -> int | None:
    """The rail gauge of a layer, None for other modes."""
    base = layer.split("/")[0]
    return int(base.split(":")[1]) if ":" in base else None


def layer_service(layer: str) -> str:
    """The service of a layer (``rail:1435/china_europe@out`` -> ``china_europe``)."""
    return layer.split("/")[1].split("@")[0] if "/" in layer else ""


def layer_leg(layer: str) -> str:
    """For a scoped service, which part of the trip a layer is: ``out`` before the border
    or port, ``in`` after it; empty for other services."""
    return layer.split("@")[1] if "@" in layer else ""
