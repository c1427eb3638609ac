"""Labels in English or Chinese: place names, the words the maps, charts and report print,
and the installed font that draws Chinese."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from corridors.network.model import Network

if TYPE_CHECKING:
    from corridors.analysis.routing import Route

__all__ = [
    "CJK_FONTS",
    "LANGUAGES",
    "cjk_font",
    "drawing_language",
    "place_names",
    "route_name",
    "service_names",
    "word",
]

LANGUAGES = ("en", "zh")
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

# What the outputs print, by key: (English, Chinese). Templates take str.format fields.
WORDS = {
    # modes, kinds of place, route objectives
    "rail": ("rail", "铁路"),
    "road": ("road", "公路"),
    "inland_water": ("inland water", "内河航运"),
    "sea": ("sea", "海运"),
    "hub": ("hub", "枢纽"),
    "border_station": ("border station", "口岸站"),
    "sea_port": ("sea port", "海港"),
    "river_port": ("river port", "河港"),
    "terminal": ("terminal", "货运站"),
    "overseas_park": ("overseas park", "境外园区"),
    "time": ("time", "时间"),
    "cost": ("cost", "费用"),
    "generalized": ("generalized", "广义费用"),
    "distance": ("distance", "距离"),
    "crossing": ("crossing", "过境"),
    "gauge_change": ("gauge change", "换轨"),
    "transfer": ("transfer", "换装"),
    "port": ("port", "港口"),
    "wait": ("wait", "等待"),
    "passage": ("passage", "通道"),
    # maps
    "network_title": ("The corridor network", "走廊网络"),
    "flows_title": ("Flows of the OD demand (all-or-nothing)", "OD 需求的流量（全有全无分配）"),
    "equilibrium_flows_title": (
        "Flows of the OD demand (route and mode choice, with queues)",
        "OD 需求的流量（路径与方式选择，含排队）",
    ),
    "route_title": (
        "{origin} → {destination} (by {objective})",
        "{origin} → {destination}（按{objective}）",
    ),
    "planned": ("{mode} (planned or building)", "{mode}（规划或在建）"),
    "best": ("best: {route}", "最佳：{route}"),
    "alternative": ("alternative {i}: {route}", "备选 {i}：{route}"),
    "route_km": ("{label}, {km:,.0f} km", "{label}，{km:,.0f} 公里"),
    "route_name": ("{ends} via {exit}, {days:.1f} days", "{ends}，经{exit}，{days:.1f} 天"),
    "route_name_direct": ("{ends}, {days:.1f} days", "{ends}，{days:.1f} 天"),
    "hours": ("{name} ({hours:.0f} h)", "{name}（{hours:.0f} 小时）"),
    "scale_km": ("{km:,} km", "{km:,} 公里"),
    "attribution": (
        "Basemap: Natural Earth (public domain). Network: corridors, data/sources.csv.",
        "底图：Natural Earth（公有领域）。网络：corridors，data/sources.csv。",
    ),
    "widest_line": ("widest line: {feu:,.0f} FEU per year", "最宽线：每年 {feu:,.0f} FEU"),
    "port_flow": ("sea port (size: FEU per year)", "海港（大小：每年 FEU）"),
    "feu_per_year": ("{feu:,.0f} FEU per year", "每年 {feu:,.0f} FEU"),
    "flow_legend": ("flow (line width)", "流量（线宽）"),
    "change_legend": ("change of flow (line width)", "流量变化（线宽）"),
    "more_flow": ("more flow", "流量增加"),
    "less_flow": ("less flow", "流量减少"),
    "cost_change": ("origin's generalized cost change (%)", "起点广义费用变化（%）"),
    "difference_title": ("{scenario}: change against {base}", "{scenario}：与{base}相比的变化"),
    "today": ("today's network", "现状网络"),
    "close": ("{what} closed", "关闭{what}"),
    "open": ("{what} open", "开通{what}"),
    "scenario": ("scenario {name}", "情景 {name}"),
    # charts
    "tcd_title": (
        "{origin} → {destination}: time/cost-distance (by {objective})",
        "{origin} → {destination}：时间/费用-距离图（按{objective}）",
    ),
    "tcd_step": ("{place}: {kinds} {days:.1f} d", "{place}：{kinds} {days:.1f} 天"),
    "tcd_steps": ("border, terminal or wait", "口岸、场站或等待"),
    "tcd_spread": ("P50 to P90 time, where a spread is known", "已知波动处的P50至P90时间"),
    "tcd_time": ("cumulative time (days)", "累计时间（天）"),
    "tcd_cost": ("cumulative cost (USD per FEU)", "累计费用（美元/FEU）"),
    "tcd_km": ("cumulative distance (km)", "累计距离（公里）"),
}
# sea passages a scenario may close (corridors.network.schema.PASSAGES has the English)
PASSAGES_ZH = {
    "malacca": "马六甲海峡",
    "sunda": "巽他海峡",
    "suez": "苏伊士运河",
    "babalmandab": "曼德海峡",
    "gibraltar": "直布罗陀海峡",
    "panama": "巴拿马运河",
    "ormuz": "霍尔木兹海峡",
    "bosporus": "博斯普鲁斯海峡",
    "northwest": "西北航道",
    "chili": "麦哲伦海峡",
    "south_africa": "好望角",
    "bering": "白令海峡",
}
# the services of data/services.csv, which carries English names only
SERVICES_ZH = {
    "china_europe": "中欧班列（中国段）",
    "rail_1520": "中欧班列（1520 毫米轨距段）",
    "rail_europe": "中欧班列（欧盟路网）",
    "china_europe_express": "全程时刻表中欧班列（中国段）",
    "rail_1520_express": "全程时刻表中欧班列（1520 毫米轨距段）",
    "rail_europe_express": "全程时刻表中欧班列（欧盟路网）",
    "nwlsc": "西部陆海新通道铁海联运班列",
    "china_freight": "中国普通货运列车",
    "lancang_mekong": "澜湄快线（中老铁路）",
    "metre_gauge_sea": "米轨货运列车（泰国、马来西亚）",
    "pakistan_freight": "巴基斯坦铁路货运列车",
    "truck_china": "卡车（中国）",
    "truck_central_asia": "卡车（中亚）",
    "truck_southeast_asia": "卡车（东南亚）",
    "truck_south_asia": "卡车（巴基斯坦）",
    "truck_karakoram": "卡车（喀喇昆仑公路）",
    "yangtze_barge": "长江集装箱驳船",
    "liner": "干线集装箱班轮",
    "intra_asia": "亚洲区内集装箱航线",
    "caspian_ferry": "跨里海铁路轮渡",
    "metre_gauge_vietnam": "米轨货运列车（越南北部）",
    "middle_corridor_rail": "跨里海（中间走廊）班列",
}


def word(key: str, lang: str = "en", **values) -> str:
    """The text of ``key`` in ``lang`` (en or zh), its fields filled from ``values``.

    Examples
    --------
    >>> word("hours", "zh", name="阿拉山口", hours=49.1)
    '阿拉山口（49 小时）'
    >>> word("inland_water")
    'inland water'
    """
    english, chinese = WORDS[key]
    text = chinese if lang == "zh" else english
    return text.format(**values) if values else text


def place_names(network: Network, lang: str = "en") -> pd.Series:
    """Place id -> label: English, or Chinese when ``lang="zh"`` and a CJK font is installed
    (:func:`cjk_font` names it); English with a warning when none is.

    Raises
    ------
    ValueError
        A language other than en or zh.
    """
    _check(lang)
    if lang == "en":
        return network.places.name_en
    if cjk_font() is None:
        import warnings

        warnings.warn(
            "no CJK font is installed (on Debian: apt install fonts-noto-cjk), so labels "
            "stay in English",
            stacklevel=2,
        )
        return network.places.name_en
    return network.places.name_zh.where(network.places.name_zh.ne(""), network.places.name_en)


def route_name(route: Route, names: pd.Series, lang: str = "en") -> str:
    """A route's name for a legend: its ends, where it leaves the origin's country (the
    first crossing, else the port where it goes to sea), where it crosses its last border
    if it crosses more than one (Brest or Grodno into the EU), and its days. The static and
    the interactive maps both name routes with it.

    Examples
    --------
    >>> from corridors import load_network, route
    >>> net = load_network()
    >>> route_name(route(net, "Chongqing", "Duisburg"), net.places.name_en)
    'Chongqing → Duisburg via Alashankou and Brest, 15.4 days'
    >>> route_name(route(net, "Chongqing", "Duisburg"), net.places.name_zh, "zh")
    '重庆 → 杜伊斯堡，经阿拉山口、布列斯特，15.4 天'
    >>> route_name(route(net, "Urumqi", "Almaty"), net.places.name_en)
    'Urumqi → Almaty via Horgos, 1.2 days'
    """
    crossed = list(route.crossings)  # the places on either side of each crossing, in order
    exits = crossed[:1] + crossed[-2:-1] if len(crossed) > 2 else crossed[:1]
    if not exits:
        sea = route.legs[route.legs["mode"] == "sea"]
        exits = list(sea["from"].iloc[:1])
    ends = f"{names.get(route.origin, route.origin)} → "
    ends += f"{names.get(route.destination, route.destination)}"
    days = route.total["days"]
    if not exits:
        return word("route_name_direct", lang, ends=ends, days=days)
    via = ("、" if lang == "zh" else " and ").join(names.get(e, e) for e in exits)
    return word("route_name", lang, ends=ends, exit=via, days=days)


def service_names(network: Network, lang: str = "en") -> pd.Series:
    """Service id -> name, in Chinese for ``lang="zh"`` (English where none is known)."""
    _check(lang)
    names = network.services.set_index("id")["name_en"]
    if lang == "zh":
        names = pd.Series({i: SERVICES_ZH.get(i, name) for i, name in names.items()})
    return names


def drawing_language(lang: str = "en") -> tuple[str, str | None]:
    """The language a figure is drawn in, and the font that draws it: ``("zh", font)`` when
    Chinese is asked for and a CJK font is installed, else ``("en", None)`` (the warning is
    :func:`place_names`'s, so a figure says it once)."""
    _check(lang)
    font = cjk_font() if lang == "zh" else None
    return ("zh", font) if font else ("en", None)


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


def _check(lang: str) -> None:
    if lang not in LANGUAGES:
        msg = f"unknown language {lang!r}; use en or zh"
        raise ValueError(msg)


def _first_cjk(manager) -> str | None:
    installed = {f.name for f in manager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)
