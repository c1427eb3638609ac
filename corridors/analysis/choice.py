"""Route and mode choice: a nested logit over each pair's alternatives.

The nests are the ways out of the origin's country: by ship (main mode ``sea``, ``rail_sea``
or ``river_sea``, :func:`corridors.analysis.flows.main_modes`), by rail, by road. An alternative
``a`` of nest ``m`` has the utility ``V_a = -(g_a + k_m) / s``, with ``g_a`` its generalized
cost (USD per FEU), ``k_m`` the nest's constant (USD per FEU: what shippers weigh against
the mode beyond its cost and time) and ``s`` the logit scale (the cost difference that
changes the odds e-fold). Within a nest the routes compete at the finer scale ``lam * s``
(``0 < lam <= 1``; 1 is a plain logit):

    P(a) = P(a | m) P(m),  P(a | m) = exp(V_a / lam) / sum_{b in m} exp(V_b / lam)
    I_m = lam log sum_{b in m} exp(V_b / lam),  P(m) = exp(I_m) / sum_n exp(I_n)

The pair's logsum ``log sum_n exp(I_n)`` times ``-s`` is the expected cost of its best choice;
its change is the change of consumer surplus per FEU (Ben-Akiva and Lerman 1985, ch. 10).
The rail constant is charged to every alternative that takes a train across a customs border:
those of the rail nest, and those of another nest that reach a railway abroad by ship or truck
(a ship to Vladivostok, then the Trans-Siberian to Brest; a truck onto the Kazakh railway),
so that no route to the same railway escapes it by how it reaches the railhead
(:func:`rail_abroad`). The parameters live in ``parameters.csv`` (``logit_scale_usd``,
``logit_nest`` and ``asc_rail_usd``), fitted by ``corridors calibrate --flows``. The network
has no road to the ports, so a ship's rail and road legs in China are not a choice here.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np

from corridors.analysis.flows import place_group
from corridors.network.model import Network

__all__ = ["NESTS", "Logit", "customs_railways", "nest_codes", "nested_logit", "rail_abroad"]

NESTS = {"rail_sea": "sea", "river_sea": "sea"}  # main modes that share a nest with another


@dataclass(frozen=True)
class Logit:
    """The nested logit's parameters.

    Examples
    --------
    >>> Logit(scale_usd=1000.0, nest=0.5, constants={"rail": 500.0}).constant("rail")
    500.0
    """

    scale_usd: float
    nest: float
    constants: dict[str, float] = field(default_factory=dict)

    def __post_init__(self):
        if not (math.isfinite(self.scale_usd) and self.scale_usd > 0):
            msg = f"the logit scale must be a positive number of USD, not {self.scale_usd!r}"
            raise ValueError(msg)
        if not (math.isfinite(self.nest) and 0 < self.nest <= 1):
            msg = f"the logit nest parameter must be in (0, 1], not {self.nest!r}"
            raise ValueError(msg)
        for mode, value in self.constants.items():
            if not math.isfinite(value):
                msg = f"the constant of {mode} must be a finite number of USD, not {value!r}"
                raise ValueError(msg)

    @classmethod
    def of(cls, network: Network) -> Logit:
        """The parameters in the network's ``parameters.csv``."""
        value = network.parameters["value"]
        return cls(
            scale_usd=float(value["logit_scale_usd"]),
            nest=float(value["logit_nest"]),
            constants={"rail": float(value["asc_rail_usd"])},
        )

    def constant(self, nest: str) -> float:
        return self.constants.get(nest, 0.0)


@functools.lru_cache(maxsize=8)
def customs_railways(network: Network) -> frozenset[str]:
    """The railway crossings whose two sides lie in different customs territories
    (``countries.csv``: a customs union, or a country in none).

    Examples
    --------
    >>> from corridors import load_network
    >>> railways = customs_railways(load_network())
    >>> "brest-malaszewicze" in railways, "hendaye-irun" in railways  # EU to EU
    (True, False)
    """
    group = place_group(network)
    territory = group.where(group.ne(""), network.places.iso3)
    table = network.crossings
    customs = table["from"].map(territory) != table["to"].map(territory)
    return frozenset(table.index[customs & table["mode"].eq("rail")])


def rail_abroad(network: Network, main_mode, crossings) -> np.ndarray:
    """Per route, whether it is outside the rail nest (``main_mode`` not ``rail``) yet takes a
    train across a customs border (``crossings``: its crossing ids; :func:`customs_railways`).
    The rail constant applies to it as to the rail nest.

    Examples
    --------
    >>> from corridors import load_network
    >>> net = load_network()
    >>> rail_abroad(net, ["sea", "rail", "sea"],
    ...             [("brest-malaszewicze",), ("brest-malaszewicze",), ("hendaye-irun",)]).tolist()
    [True, False, False]
    """
    by_rail = customs_railways(network)
    outside = np.asarray(main_mode).astype(str) != "rail"
    return outside & np.array([not by_rail.isdisjoint(ids) for ids in crossings], dtype=bool)


def nest_codes(mode) -> tuple[np.ndarray, np.ndarray]:
    """The nests of the main modes ``mode`` (:data:`NESTS` joins some) and each item's nest
    number: what :func:`nested_logit` works on, made once for many calls.

    Examples
    --------
    >>> names, code = nest_codes(["rail", "rail_sea", "sea"])
    >>> names.tolist(), code.tolist()
    (['rail', 'sea'], [0, 1, 1])
    """
    modes, code = np.unique(np.asarray(mode).astype(str), return_inverse=True)
    names, to_nest = np.unique([NESTS.get(m, m) for m in modes], return_inverse=True)
    return names, to_nest[code]


def nested_logit(
    pair: np.ndarray, mode, cost: np.ndarray, logit: Logit, pairs: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each alternative's probability and each pair's logsum.

    Parameters
    ----------
    pair : int array, the pair (0..pairs-1) of each alternative
    mode : str array, its main mode (its nest, or the nest :data:`NESTS` puts it in), or
        what :func:`nest_codes` made of it
    cost : float array, its generalized cost in USD per FEU
    logit : Logit
    pairs : int

    Returns
    -------
    probability : float array, per alternative (summing to one over each pair's)
    logsum : float array, per pair (NaN for a pair with no alternative)

    Examples
    --------
    >>> p, ls = nested_logit(np.array([0, 0, 0]), np.array(["rail", "sea", "sea"]),
    ...                      np.array([1000.0, 1000.0, 1000.0]), Logit(1000.0, 1.0), 1)
    >>> p.round(3).tolist()
    [0.333, 0.333, 0.333]
    >>> p, _ = nested_logit(np.array([0, 0, 0]), np.array(["rail", "sea", "sea"]),
    ...                     np.array([1000.0, 1000.0, 1000.0]), Logit(1000.0, 0.5), 1)
    >>> p.round(3).tolist()  # the sea's nest: sqrt(2) / (1 + sqrt(2)) of the odds
    [0.414, 0.293, 0.293]
    """
    modes, code = mode if isinstance(mode, tuple) else nest_codes(mode)
    constant = np.array([logit.constant(m) for m in modes])[code]
    utility = -(cost + constant) / logit.scale_usd / logit.nest
    nest = pair * len(modes) + code  # one nest per pair and mode
    within, nest_log = _softmax(nest, utility, pairs * len(modes))
    inclusive = logit.nest * nest_log  # I_m, NaN for an empty nest
    used = np.flatnonzero(np.isfinite(inclusive))
    of_pair = used // len(modes)
    share, logsum = _softmax(of_pair, inclusive[used], pairs)
    nest_share = np.zeros(pairs * len(modes))
    nest_share[used] = share
    return within * nest_share[nest], logsum


def _softmax(group: np.ndarray, value: np.ndarray, groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Per item exp(value) over its group's sum, and per group the log of that sum (NaN for
    an empty group)."""
    top = np.full(groups, -np.inf)
    np.maximum.at(top, group, value)
    weight = np.exp(value - top[group])
    total = np.bincount(group, weights=weight, minlength=groups)
    with np.errstate(divide="ignore"):
        log_total = np.where(total > 0, top + np.log(total), np.nan)
    return weight / total[group], log_total
