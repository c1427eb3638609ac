"""The exceptions corridors raises; all subclass :class:`CorridorsError`.

Each subclasses the matching builtin as well, so ``except KeyError`` or
``except ValueError`` keeps working for code that does not know this package.
"""

from __future__ import annotations

__all__ = [
    "CorridorsError",
    "DataError",
    "NoRouteError",
    "ScenarioError",
    "UnknownPlaceError",
]


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
    """Malformed data; ``problems`` lists every problem found, each naming file, row and column.

    Examples
    --------
    >>> err = DataError(["links.csv row 3, column 'km': 'abc' is not a number"])
    >>> print(err)
    1 problem in the data:
      links.csv row 3, column 'km': 'abc' is not a number
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        noun = "problem" if len(self.problems) == 1 else "problems"
        lines = [f"{len(self.problems)} {noun} in the data:"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class NoRouteError(CorridorsError, ValueError):
    """No route satisfies the request; the message names the constraint that cut it."""


class ScenarioError(CorridorsError, ValueError):
    """A scenario that cannot be applied to the network."""
