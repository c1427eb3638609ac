"""Place-name matching: ids, English and Chinese names and aliases, ignoring case and accents."""

from __future__ import annotations

import difflib
import functools
import unicodedata
from collections.abc import Iterable

from corridors.errors import UnknownPlaceError

__all__ = ["NameIndex", "normalize_name"]


@functools.lru_cache(maxsize=4096)
def normalize_name(text: str) -> str:
    """Fold a place name to a lookup key: no accents, lower case, no punctuation or spaces
    (remembered for the last 4,096 names asked: a command looks the same names up often).

    Examples
    --------
    >>> normalize_name("Łódź")
    'lodz'
    >>> normalize_name("Xi'an")
    'xian'
    >>> normalize_name("Zamyn-Üüd")
    'zamynuud'
    >>> normalize_name("霍尔果斯")
    '霍尔果斯'
    """
    text = text.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O")
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in "".join(kept).casefold() if c.isalnum())


class NameIndex:
    """Maps every spelling of every place to its id.

    Parameters
    ----------
    names : iterable of (place_id, label, spellings)
        ``label`` is shown in suggestions; ``spellings`` are all the names that find the place.

    Examples
    --------
    >>> index = NameIndex([("lodz", "Łódź", ["Łódź", "Lodz", "罗兹"])])
    >>> index.resolve("LODZ")
    'lodz'
    >>> index.resolve("Lodsz")
    Traceback (most recent call last):
    ...
    corridors.errors.UnknownPlaceError: unknown place 'Lodsz'; closest: lodz (Łódź)
    """

    def __init__(self, names: Iterable[tuple[str, str, Iterable[str]]]) -> None:
        self._ids: dict[str, str] = {}
        self._labels: dict[str, str] = {}
        for place_id, label, spellings in names:
            self._labels[place_id] = label
            for spelling in [place_id, *spellings]:
                key = normalize_name(spelling)
                if key:
                    self._ids.setdefault(key, place_id)

    def resolve(self, name: str) -> str:
        """Return the place id for ``name``; raise :class:`UnknownPlaceError` with suggestions."""
        key = normalize_name(str(name))
        if key in self._ids:
            return self._ids[key]
        raise UnknownPlaceError(str(name), self.suggest(name))

    def suggest(self, name: str, n: int = 5) -> list[str]:
        """The ``n`` closest places to ``name`` as ``"id (label)"`` strings, best first."""
        key = normalize_name(str(name))
        close = difflib.get_close_matches(key, sorted(self._ids), n=4 * n, cutoff=0.5)
        found: list[str] = []
        for match in close:
            place_id = self._ids[match]
            if place_id not in found:
                found.append(place_id)
        return [f"{pid} ({self._labels[pid]})" for pid in found[:n]]
