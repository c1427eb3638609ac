"""Place labels in English or Chinese, and the installed font that draws Chinese."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from corridors.network.model import Network

__all__ = ["CJK_FONTS", "cjk_font", "place_names"]

# Fonts that draw Chinese, in order of preference (Debian's fonts-noto-cjk gives the first).
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "WenQuanYi Zen Hei",
    "Source Han Sans SC",
    "SimHei",
    "Microsoft YaHei",
)
# what the files of those fonts are called (NotoSansCJK-Regular.ttc, wqy-zenhei.ttc ...)
CJK_FILE_MARKS = ("CJK", "wqy", "SourceHan", "simhei", "msyh")


def place_names(network: Network, lang: str = "en") -> pd.Series:
    """Place id -> label: English, or Chinese when ``lang="zh"`` and a CJK font is installed
    (:func:`cjk_font` names it); English with a warning when none is.

    Raises
    ------
    ValueError
        A language other than en or zh.
    """
    if lang not in ("en", "zh"):
        msg = f"unknown language {lang!r}; use en or zh"
        raise ValueError(msg)
    if lang == "en":
        return network.places.name_en
    font = cjk_font()
    if font is None:
        import warnings

        warnings.warn(
            "no CJK font is installed (on Debian: apt install fonts-noto-cjk), so labels "
            "stay in English",
            stacklevel=2,
        )
        return network.places.name_en
    return network.places.name_zh.where(network.places.name_zh.ne(""), network.places.name_en)


def cjk_font() -> str | None:
    """The first installed font of :data:`CJK_FONTS`, None if none is.

    matplotlib lists the fonts it found when it first ran; a font installed since is added
    from the system's font folders here, so no cache has to be deleted by hand.
    """
    from matplotlib import font_manager

    found = _first_cjk(font_manager.fontManager)
    if found is None:
        for path in sorted(font_manager.findSystemFonts()):
            if any(mark in Path(path).name for mark in CJK_FILE_MARKS):
                font_manager.fontManager.addfont(path)
        found = _first_cjk(font_manager.fontManager)
    return found


def _first_cjk(manager) -> str | None:
    installed = {f.name for f in manager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)
