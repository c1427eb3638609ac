"""The standard assessment: ``corridors assess`` writes a report of the default network.

It routes the key corridors, ranks the border ports and links the hinterland's trade depends
on, compares the built-in scenarios, fails each crossing in turn and checks the model
against the published figures, and writes ``report.md``, a self-contained ``report.html``
(images embedded), ``maps/*.png`` and ``tables/*.csv`` to one folder.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from corridors.atomic import atomic_folder, atomic_path
from corridors.network.model import Network

__all__ = ["KEY_ROUTES", "SCENARIOS", "assess", "validation_headline"]

# (label, origin, destination, route options)
KEY_ROUTES = [
    *(
        (f"Chongqing - Duisburg via {port}", "Chongqing", "Duisburg", {"via": [port]})
        for port in ("Alashankou", "Horgos", "Erenhot", "Manzhouli", "Suifenhe")
    ),
    (
        "Chongqing - Singapore, rail-sea via Qinzhou",
        "Chongqing",
        "Singapore",
        {"via": ["Qinzhou"], "modes": ["rail", "sea"]},
    ),
    (
        "Chongqing (Guoyuan Port) - Singapore, Yangtze barge via Shanghai",
        "Chongqing Guoyuan Port",
        "Singapore",
        {"via": ["Shanghai"], "modes": ["inland_water", "sea"]},
    ),
    ("Qinzhou - Kuantan (the twin parks' ports)", "Qinzhou", "Kuantan", {}),
    ("Kunming - Vientiane", "Kunming", "Vientiane", {}),
    ("Nanning - Hanoi", "Nanning", "Hanoi", {}),
    ("Kashgar - Gwadar", "Kashgar", "Gwadar", {}),
]
# the report in Chinese: its headings, captions, table headers and fixed sentences, keyed by
# the English (numbers and the sentences built from them stay English)
ZH = {
    "Corridors assessment: the default network": "走廊评估：默认网络",
    "Corridors assessment": "走廊评估",
    "The network at a glance": "网络概览",
    "Key routes (fastest, by time)": "主要路线（按时间最快）",
    "Which border crossings the best routes depend on": "最优路线所依赖的边境口岸",
    "How each trade-pattern type's exports leave China": "各贸易类型省份的出口如何离开中国",
    "Scenarios compared with today's network": "情景与现状网络的比较",
    "Criticality: each border crossing failed in turn": "关键性：逐一关闭每个边境口岸",
    "How well the model matches published figures": "模型与公开数据的吻合程度",
    "The corridor network: links by mode (dashed: planned or under construction), places "
    "by kind.": "走廊网络：按运输方式显示的线路（虚线：规划或在建），按类型显示的地点。",
    "The New Western Land-Sea Corridor": "西部陆海新通道",
    "The New Western Land-Sea Corridor's three rail routes to the Beibu Gulf.": (
        "西部陆海新通道通往北部湾的三条铁路线路。"
    ),
    "Chongqing to Duisburg by rail: the best route and the materially different others the "
    "router finds (other exits from China).": (
        "重庆至杜伊斯堡铁路：最优路线及路由找到的其他明显不同的路线（经其他口岸出境）。"
    ),
    "Time/cost-distance: Chongqing to Duisburg via Alashankou.": (
        "时间/费用-距离图：重庆经阿拉山口至杜伊斯堡。"
    ),
    "Time/cost-distance: Chongqing to Singapore by the Land-Sea Corridor's rail-sea route.": (
        "时间/费用-距离图：重庆经陆海新通道铁海联运至新加坡。"
    ),
    "Where the gravity model's exports go, all-or-nothing: line width by FEU per year.": (
        "引力模型的出口流向（全有全无分配）：线宽表示每年 FEU。"
    ),
    "Alashankou closed: the change of flow on every link and crossing, and of each hub's "
    "generalized cost.": "阿拉山口关闭：每条线路和口岸的流量变化，以及各枢纽广义费用的变化。",
    "Betweenness: of the pairs from every Chinese hub to every foreign terminal, sea port "
    "and park, the share whose fastest route uses each crossing.": (
        "介数：从每个中国枢纽到每个境外货运站、海港和园区的 OD 对中，最快路线经过各口岸的比例。"
    ),
    "The gravity model's exports (seed 001 provinces, by destination GDP), all-or-nothing "
    "on the best routes by generalized cost: the share leaving by each gateway. "
    "All-or-nothing overstates the fastest corridor; see the validation section.": (
        "引力模型的出口（seed 001 的省份，按目的地 GDP 分配），按广义费用最优路线全有全无分配："
        "经各口岸出境的份额。全有全无分配会高估最快的通道；见验证部分。"
    ),
    "Each built-in scenario (data/scenarios/, each citing its precedent or plan) against "
    "the base, with the same OD demand: the demand-weighted change of generalized cost "
    "and the gateway whose share moves most.": (
        "每个内置情景（data/scenarios/，各自注明先例或规划）在相同 OD 需求下与基准比较："
        "按需求加权的广义费用变化，以及份额变化最大的口岸。"
    ),
    # table headers
    "route": "路线",
    "km": "公里",
    "days": "天数",
    "usd_per_feu": "美元/FEU",
    "crossings": "口岸",
    "name": "名称",
    "value": "介数",
    "share": "份额",
    "trade_type": "贸易类型",
    "gateway": "出境口岸",
    "scenario": "情景",
    "generalized_cost_change_pct": "广义费用变化（%）",
    "pairs_cut_off": "中断的 OD 对",
    "largest_gateway_shift": "口岸份额最大变化",
    "delta_cost_pct": "费用变化（%）",
    "unserved_share": "无法服务的份额",
    "pairs_rerouted": "改道的 OD 对",
    "case_id": "案例",
    "metric": "指标",
    "published_low": "公布下限",
    "published_high": "公布上限",
    "model": "模型",
    "error": "误差",
    "loo_error": "留一误差",
}
# the key routes' names in Chinese, keyed by KEY_ROUTES' labels
KEY_ROUTES_ZH = {
    **{
        f"Chongqing - Duisburg via {port}": f"重庆 - 杜伊斯堡，经{zh}"
        for port, zh in (
            ("Alashankou", "阿拉山口"),
            ("Horgos", "霍尔果斯"),
            ("Erenhot", "二连浩特"),
            ("Manzhouli", "满洲里"),
            ("Suifenhe", "绥芬河"),
        )
    },
    "Chongqing - Singapore, rail-sea via Qinzhou": "重庆 - 新加坡，经钦州铁海联运",
    "Chongqing (Guoyuan Port) - Singapore, Yangtze barge via Shanghai": (
        "重庆（果园港）- 新加坡，经上海长江驳船"
    ),
    "Qinzhou - Kuantan (the twin parks' ports)": "钦州 - 关丹（两国双园的港口）",
    "Kunming - Vientiane": "昆明 - 万象",
    "Nanning - Hanoi": "南宁 - 河内",
    "Kashgar - Gwadar": "喀什 - 瓜达尔",
}
SCENARIOS = [
    "base",
    "suez_closure",
    "red_sea_closure",
    "alashankou_closure",
    "kazakh_crossings_closed",
    "poland_belarus_border_closure",
    "border_dwell_halved",
    "middle_corridor_upgrade",
    "nwlsc_2030",
]


@dataclass
class _Report:
    """Blocks of the report, rendered to Markdown and HTML alike."""

    blocks: list[tuple] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    interactive: str | None = None
    names: pd.Series | None = None
    lang: str = "en"
    drawn: str = "en"  # the maps' language: en when Chinese is asked but no CJK font is found

    def say(self, text: str, *, drawn: bool = False) -> str:
        """``text`` in the report's language (in the maps' language with ``drawn``)."""
        lang = self.drawn if drawn else self.lang
        return ZH.get(text, text) if lang == "zh" else text

    def heading(self, text: str) -> None:
        self.blocks.append(("h2", self.say(text)))

    def text(self, text: str) -> None:
        self.blocks.append(("p", self.say(text)))

    def table(self, name: str, frame: pd.DataFrame, shown: pd.DataFrame | None = None) -> None:
        self.tables[name] = frame
        shown = frame if shown is None else shown
        self.blocks.append(("table", shown.rename(columns=self.say)))

    def figure(self, name: str, fig, caption: str) -> None:
        import matplotlib.pyplot as plt

        buffer = io.BytesIO()
        fig.savefig(
            buffer,
            format="png",
            dpi=110,
            bbox_inches="tight",
            pad_inches=0.05,
            metadata={"Software": None},
        )
        plt.close(fig)
        self.images[name] = buffer.getvalue()
        self.blocks.append(("img", name, self.say(caption)))


def assess(
    network: Network | None = None,
    out: str | Path = "assessment",
    *,
    lang: str = "en",
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Path]:
    """Run the standard assessment and write it to ``out``; with ``lang="zh"`` place names
    and the headings, captions, table headers, maps and charts are Chinese (the sentences
    that carry numbers stay English); the maps stay English, with a warning, where no CJK font
    is installed.

    The folder is written whole or not at all: beside ``out`` first, then swapped into place,
    so a run killed or out of disk leaves the previous report whole. A folder that cannot be
    written to, or that holds files a report does not write, is refused before the work
    starts; so is a second run into a folder another run is writing.

    Returns
    -------
    list of Path
        Every file written.
    """
    from corridors.network.load import load_network
    from corridors.outputs.labels import drawing_language, place_names

    network = network or load_network()
    names = place_names(network, lang)
    report = _Report(names=names, lang=lang, drawn=drawing_language(lang)[0])
    steps = [
        ("the network", _network_section),
        ("key routes", _routes_section),
        ("centrality and gateways", _centrality_section),
        ("scenarios", _scenario_section),
        ("criticality", _criticality_section),
        ("validation", _validation_section),
    ]
    report.blocks.append(("h1", report.say("Corridors assessment: the default network")))
    folder = Path(out)
    with atomic_folder(folder, owned=report_file) as tmp:  # checked writable before the work
        for i, (label, step) in enumerate(steps, start=1):
            if progress:
                progress(i, len(steps), label)
            step(network, report)
        written = _write(report, tmp)
    return [folder / path.relative_to(tmp) for path in written]


def report_file(path: Path) -> bool:
    """Whether ``path`` (relative to the report's folder) is a file :func:`assess` writes.

    Examples
    --------
    >>> report_file(Path("maps/flows.png")), report_file(Path("notes.txt"))
    (True, False)
    """
    if path.parent == Path("."):
        return path.name in ("report.md", "report.html", "map.html")
    kinds = {"maps": ".png", "tables": ".csv"}
    return len(path.parts) == 2 and kinds.get(path.parts[0]) == path.suffix


def _network_section(network: Network, report: _Report) -> None:
    from corridors.outputs.info import network_summary
    from corridors.outputs.maps import plot_network

    summary = network_summary(network)
    places, links = summary["places"], summary["links"]
    report.heading("The network at a glance")
    counts = [f"{n} {kind.replace('_', ' ')}" for kind, n in places["by_kind"].items()]
    modes = [f"{n} {mode.replace('_', ' ')}" for mode, n in links["by_mode"].items()]
    bases = ", ".join(f"{n} {basis}" for basis, n in summary["numbers_by_basis"].items())
    report.text(
        f"{places['total']} places ({', '.join(counts)}); {links['total']} links "
        f"({', '.join(modes)}: the sea legs join every pair of ocean ports) and "
        f"{summary['crossings']['total']} border "
        f"crossings in {len(summary['countries'])} countries, with {summary['sources']} "
        f"sources. The figures in data/ are {bases}."
    )
    report.figure(
        "network",
        plot_network(network, lang=report.lang),
        "The corridor network: links by mode (dashed: planned or under construction), places "
        "by kind.",
    )
    report.figure(
        "land_sea_corridor",
        plot_network(
            network,
            extent="land_sea",
            corridors=["nwlsc_central", "nwlsc_east", "nwlsc_west"],
            title=report.say("The New Western Land-Sea Corridor", drawn=True),
            lang=report.lang,
        ),
        "The New Western Land-Sea Corridor's three rail routes to the Beibu Gulf.",
    )


def _routes_section(network: Network, report: _Report) -> None:
    from corridors.analysis.routing import route
    from corridors.outputs.charts import time_cost_distance
    from corridors.outputs.maps import plot_route

    rows, found = [], {}
    for label, origin, destination, options in KEY_ROUTES:
        r = route(network, origin, destination, **options)
        found[label] = r
        rows.append(
            {
                "route": KEY_ROUTES_ZH.get(label, label) if report.lang == "zh" else label,
                "km": round(r.total["km"]),
                "days": round(r.total["days"], 1),
                "usd_per_feu": round(r.total["cost_usd"]),
                "crossings": " / ".join(report.names[p] for p in r.crossings),
            }
        )
    report.heading("Key routes (fastest, by time)")
    table = pd.DataFrame(rows)
    report.table("key_routes", table)
    from corridors.outputs.interactive import interactive_html

    exits = route(network, "Chongqing", "Duisburg", modes=["rail"], alternatives=4)
    key = [found[label] for label, *_ in KEY_ROUTES]
    report.interactive = interactive_html(network, key, lang=report.lang)
    others = len(exits.alternatives)
    title = (
        f"重庆 → 杜伊斯堡铁路：最佳路线及其他 {others} 条"
        if report.drawn == "zh"
        else f"Chongqing → Duisburg by rail: the best route and {others} others"
    )
    report.figure(
        "chongqing_duisburg",
        plot_route(exits, title=title, lang=report.lang),
        "Chongqing to Duisburg by rail: the best route and the materially different others the "
        "router finds (other exits from China).",
    )
    report.figure(
        "chongqing_duisburg_tcd",
        time_cost_distance(found["Chongqing - Duisburg via Alashankou"], lang=report.lang),
        "Time/cost-distance: Chongqing to Duisburg via Alashankou.",
    )
    report.figure(
        "chongqing_singapore_tcd",
        time_cost_distance(found["Chongqing - Singapore, rail-sea via Qinzhou"], lang=report.lang),
        "Time/cost-distance: Chongqing to Singapore by the Land-Sea Corridor's rail-sea route.",
    )


def _centrality_section(network: Network, report: _Report) -> None:
    from corridors.analysis.centrality import betweenness
    from corridors.analysis.flows import assign
    from corridors.outputs.maps import plot_flows

    origins, destinations = network.trade_ends()
    ranked = betweenness(
        network, elements="crossings", origins=origins, destinations=destinations
    ).head(10)
    report.heading("Which border crossings the best routes depend on")
    report.text(
        "Betweenness: of the pairs from every Chinese hub to every foreign terminal, sea port "
        "and park, the share whose fastest route uses each crossing."
    )
    shown = _named(network, ranked, report)[["name", "value", "share"]].round(3)
    report.table("crossing_betweenness", ranked, shown)
    flows = assign(network)
    report.figure(
        "flows",
        plot_flows(network, flows, lang=report.lang),
        "Where the gravity model's exports go, all-or-nothing: line width by FEU per year.",
    )
    report.heading("How each trade-pattern type's exports leave China")
    report.text(
        "The gravity model's exports (seed 001 provinces, by destination GDP), all-or-nothing "
        "on the best routes by generalized cost: the share leaving by each gateway. "
        "All-or-nothing overstates the fastest corridor; see the validation section."
    )
    shares = flows.trade_types
    top = shares[shares.share >= 0.05].assign(share=lambda t: t.share.round(3))
    if report.lang == "zh":
        types = network.trade_types
        types = types.set_index("id") if "id" in types.columns else types
        top = top.assign(
            trade_type=top.trade_type.map(lambda t: types["name_zh"].get(t, t)),
            gateway=top.gateway.map(lambda g: report.names.get(g, g)),
        )
    report.table("gateway_shares_by_trade_type", shares, top[["trade_type", "gateway", "share"]])


def _scenario_section(network: Network, report: _Report) -> None:
    from corridors.analysis.compare import compare
    from corridors.outputs.maps import plot_difference

    result = compare(network, SCENARIOS)
    report.heading("Scenarios compared with today's network")
    report.text(
        "Each built-in scenario (data/scenarios/, each citing its precedent or plan) against "
        "the base, with the same OD demand: the demand-weighted change of generalized cost "
        "and the gateway whose share moves most."
    )
    report.table("scenarios", result.summary())
    report.figure(
        "alashankou_closure",
        plot_difference(network, result, "alashankou_closure", lang=report.lang),
        "Alashankou closed: the change of flow on every link and crossing, and of each hub's "
        "generalized cost.",
    )
    report.tables["scenario_od"] = result.od.assign(crossings=result.od.crossings.map(";".join))
    report.tables["scenario_trade_types"] = result.trade_types


def _criticality_section(network: Network, report: _Report) -> None:
    from corridors.analysis.criticality import criticality

    table = criticality(network, elements="crossings")
    report.heading("Criticality: each border crossing failed in turn")
    shown = _named(network, table.head(10), report)
    shown = shown[["name", "delta_cost_pct", "unserved_share", "pairs_rerouted"]]
    report.table("criticality_crossings", table, shown.round(3))


def _validation_section(network: Network, report: _Report) -> None:
    from corridors.analysis.validation import validate

    table = validate(network)
    report.heading("How well the model matches published figures")
    report.text(
        f"{validation_headline(table)} For fitted time parameters the leave-one-out error is "
        "what the case gives when the fit is made without it."
    )
    shown = table[["case_id", "metric", "published_low", "published_high", "model", "error"]]
    report.table("validation", table, shown.assign(loo_error=table.loo_error).round(3))


def _named(network: Network, table: pd.DataFrame, report: _Report) -> pd.DataFrame:
    """The table with its crossings' names in the report's language (the two sides' names in
    Chinese)."""
    if report.lang != "zh":
        return table
    crossings = network.crossings

    def name(row) -> str:
        if row["id"] not in crossings.index:
            return row["name"]
        ends = crossings.loc[row["id"], ["from", "to"]]
        return " - ".join(str(report.names.get(p, p)) for p in ends)

    return table.assign(name=table.apply(name, axis=1))


def validation_headline(table: pd.DataFrame) -> str:
    """The validation result in one sentence, its yardstick named: *within 20% of the
    published range* (:data:`corridors.analysis.validation.YARDSTICK`). The README quotes the
    same sentence.

    Examples
    --------
    >>> table = pd.DataFrame({"metric": ["km", "days", "days"], "published_low": [10, 5, 5],
    ...                       "published_high": [10, 6, 6], "model": [11.0, 5.5, 9.0],
    ...                       "error": [0.1, 0.0, 0.5], "within_range": [False, True, False],
    ...                       "loo_error": [0.1, 0.0, 0.5]})
    >>> validation_headline(table)[:93]
    '3 published cases: 2 (67%) within 20% of the published range, and 1 of the 2 time cases (50%)'
    """
    from corridors.analysis.cases import TIME_METRICS
    from corridors.analysis.validation import summarize

    summary = summarize(table)
    total = sum(s["cases"] for s in summary.values())
    within = sum(s["within_20pct"] for s in summary.values())
    inside = sum(s["within_range"] for s in summary.values())
    times = [s for metric, s in summary.items() if metric in TIME_METRICS]
    time_cases = sum(s["cases"] for s in times)
    time_within = sum(s["within_20pct"] for s in times)
    time_loo = sum(s["loo_within_20pct"] for s in times)

    def share(part: int, whole: int) -> str:
        return f"{part / whole:.0%}" if whole else "-"

    return (
        f"{total} published cases: {within} ({share(within, total)}) within 20% of the "
        f"published range, and {time_within} of the {time_cases} time cases "
        f"({share(time_within, time_cases)}), {time_loo} ({share(time_loo, time_cases)}) "
        "leave-one-out. The error is 0 inside the published range and otherwise the signed "
        f"distance to the nearer end as a share of it; {inside} of the cases fall inside the "
        "range itself, most published figures being a single value."
    )


def _write(report: _Report, folder: Path) -> list[Path]:
    (folder / "maps").mkdir(parents=True, exist_ok=True)
    (folder / "tables").mkdir(parents=True, exist_ok=True)
    written = []
    for name, png in report.images.items():
        written.append(_save(folder / "maps" / f"{name}.png", png))
    for name, table in report.tables.items():
        text = table.to_csv(index=False, lineterminator="\n")
        written.append(_save(folder / "tables" / f"{name}.csv", text.encode("utf-8")))
    if report.interactive is not None:
        written.append(_save(folder / "map.html", report.interactive.encode("utf-8")))
    written.append(_save(folder / "report.md", _markdown(report).encode("utf-8")))
    written.append(_save(folder / "report.html", _html(report).encode("utf-8")))
    return written


def _save(path: Path, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


def _markdown(report: _Report) -> str:
    parts = []
    for block in report.blocks:
        kind = block[0]
        if kind == "h1":
            parts.append(f"# {block[1]}")
        elif kind == "h2":
            parts.append(f"## {block[1]}")
        elif kind == "p":
            parts.append(block[1])
        elif kind == "table":
            parts.append(_markdown_table(block[1]))
        else:
            parts.append(f"![{block[2]}](maps/{block[1]}.png)\n\n*{block[2]}*")
    return "\n\n".join(parts) + "\n"


def _html(report: _Report) -> str:
    body = []
    for block in report.blocks:
        kind = block[0]
        if kind in ("h1", "h2"):
            body.append(f"<{kind}>{html.escape(block[1])}</{kind}>")
        elif kind == "p":
            body.append(f"<p>{html.escape(block[1])}</p>")
        elif kind == "table":
            body.append(block[1].to_html(index=False, border=0, classes="table"))
        else:
            data = base64.b64encode(report.images[block[1]]).decode("ascii")
            body.append(
                f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(block[2])}">'
                f"<figcaption>{html.escape(block[2])}</figcaption></figure>"
            )
    style = (
        "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}"
        "table{border-collapse:collapse;font-size:.85em;margin:1em 0}"
        "td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left}"
        "img{max-width:100%}figcaption{font-style:italic;font-size:.9em}"
    )
    lang = "zh" if report.lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(report.say('Corridors assessment'))}</title>"
        f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _markdown_table(frame: pd.DataFrame) -> str:
    """A pipe table (numbers as pandas prints them)."""
    cells = frame.astype(str).map(lambda v: v.replace("|", "\\|"))
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(row) + " |" for row in cells.itertuples(index=False)]
    return "\n".join(lines)
