"""The exceptions corridors raises; all subclass :class:`CorridorsError`.

Each subclasses the matching builtin as well, so ``except KeyError`` or
``except ValueError`` keeps working for code that does not know this package.
"""

from __future__ import annotations

__all__ = [
    "MAX_SHOWN",
    "CorridorsError",
    "DataError",
    "NoRouteError",
    "ScenarioError",
    "UnknownPlaceError",
]


# problems listed in a DataError's message; the rest are counted
MAX_SHOWN = 20


class CorridorsError(Exception):
    """Base class of every error raised on purpose by corridors."""


class UnknownPlaceError(CorridorsError, LookupError):
    """A place name that matches no place; ``suggestions`` holds the closest names.

    Examples
    --------
    >>> err = UnknownPlaceError("Chongching", ["chongqing (Chongqing)"])
    >>> print(err)
    unknown place 'Chongching'; closest: chongqing (Chongqing)
    """

    def __init__(self, name: str, suggestions: list[str], *, what: str = "place") -> None:
        self.name = name
        self.suggestions = suggestions
        closest = ", ".join(suggestions) if suggestions else "none"
        super().__init__(f"unknown {what} {name!r}; closest: {closest}")

    def __str__(self) -> str:  # LookupError would quote the message otherwise
        return str(self.args[0])


class DataError(CorridorsError, ValueError):
    """Malformed data; ``problems`` lists the problems found, each naming file, row and column.

    The message lists at most :data:`MAX_SHOWN` of them and counts the rest; ``count`` is
    how many there are in all (more than ``problems`` holds when the reader stopped early).

    Examples
    --------
    >>> err = DataError(["links.csv row 3, column 'km': 'abc' is not a number"])
    >>> print(err)
    1 problem in the data:
      links.csv row 3, column 'km': 'abc' is not a number
    >>> lines = str(DataError([f"row {n}: bad" for n in range(2, 60)])).splitlines()
    >>> lines[0], lines[-1], len(lines)
    ('58 problems in the data (the first 20 shown):', '  ... and 38 more', 22)
    """

    def __init__(self, problems: list[str], *, count: int | None = None) -> None:
        self.problems = list(problems)
        self.count = max(count or 0, len(self.problems))
        shown = self.problems[:MAX_SHOWN]
        noun = "problem" if self.count == 1 else "problems"
        first = f" (the first {len(shown)} shown)" if self.count > len(shown) else ""
        lines = [f"{self.count} {noun} in the data{first}:"]
        lines += [f"  {p}" for p in shown]
        if self.count > len(shown):
            lines.append(f"  ... and {self.count - len(shown)} more")
        super().__init__("\n".join(lines))


class NoRouteError(CorridorsError, ValueError):
    """No route satisfies the request; the message names the constraint that cut it."""


class ScenarioError(CorridorsError, ValueError):
    """A scenario that cannot be applied to the network."""
