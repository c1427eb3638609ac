"""The assessment report as a document: headings, text, tables and figures, in English or
Chinese, written to one folder as ``report.md``, a self-contained ``report.html`` (images
embedded), ``maps/*.png`` and ``tables/*.csv`` (rounded, units in the headers).
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from corridors.atomic import atomic_path
from corridors.outputs.csv_tables import csv_text

__all__ = ["ZH", "Report", "write_report"]

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
    "Rail or sea": "铁路还是海运",
    "Choice and capacity: the equilibrium": "选择与能力：均衡",
    "The same exports assigned again with queues at the crossings that publish a "
    "capacity: each waits as an M/M/1 queue, and routes shift until no box gains by "
    "moving; no crossing passes its capacity. Crossings without a published capacity queue "
    "nothing and take the overflow.": (
        "同样的出口在公布能力的口岸计入排队后重新分配：每个口岸按 M/M/1 排队等待，"
        "路线随之调整，直到没有箱子能靠改道获益；没有口岸超过其能力。没有公布能力的口岸不排队，"
        "承接溢出的流量。"
    ),
    "The corridor network: links by mode (dashed: planned or under construction), places "
    "by kind.": "走廊网络：按运输方式显示的线路（虚线：规划或在建），按类型显示的地点。",
    "The New Western Land-Sea Corridor": "西部陆海新通道",
    "The New Western Land-Sea Corridor's three rail routes to the Beibu Gulf.": (
        "西部陆海新通道通往北部湾的三条铁路线路。"
    ),
    "Chongqing to Duisburg by rail: the best route and the materially different others the "
    "router finds (other exits from China, other ways into the EU).": (
        "重庆至杜伊斯堡铁路：最优路线及路由找到的其他明显不同的路线（经其他口岸出境，或经其他口岸进入欧盟）。"
    ),
    "Time/cost-distance: Chongqing to Duisburg via Alashankou.": (
        "时间/费用-距离图：重庆经阿拉山口至杜伊斯堡。"
    ),
    "Time/cost-distance: Chongqing to Singapore by the Land-Sea Corridor's rail-sea route.": (
        "时间/费用-距离图：重庆经陆海新通道铁海联运至新加坡。"
    ),
    "Where the gravity model's exports go at the equilibrium of route and mode choice "
    "with queues: line width by FEU per year.": (
        "引力模型的出口在路径与方式选择（含排队）均衡下的流向：线宽表示每年 FEU。"
    ),
    "Alashankou closed: the change of flow on every link and crossing, and of each hub's "
    "generalized cost.": "阿拉山口关闭：每条线路和口岸的流量变化，以及各枢纽广义费用的变化。",
    "Betweenness: of the pairs from every Chinese hub to every foreign terminal, sea port "
    "and park, how many have their fastest route through each crossing, and their share. "
    "Where several routes tie for fastest, each carries its share of the pair (by the number "
    "of tied paths), so a count can be fractional.": (
        "介数：从每个中国枢纽到每个境外货运站、海港和园区的 OD 对中，最快路线经过各口岸的"
        "OD 对数及其比例。若有多条路线并列最快，每条按并列路径数分得该 OD 对的一部分，"
        "因此计数可以是小数。"
    ),
    "The gravity model's exports (provinces of seed 001 and NBS, by destination GDP), "
    "all-or-nothing on the best routes by generalized cost: the share leaving by each gateway. "
    "All-or-nothing overstates the fastest corridor; see the validation section.": (
        "引力模型的出口（seed 001 与国家统计局的省份，按目的地 GDP 分配），"
        "按广义费用最优路线全有全无分配：经各口岸出境的份额。全有全无分配会高估最快的通道；见验证部分。"
    ),
    "Each built-in scenario (data/scenarios/, each citing its precedent or plan) against "
    "the base, with the same OD demand: the demand-weighted change of generalized cost "
    "and the gateway whose share moves most.": (
        "每个内置情景（data/scenarios/，各自注明先例或规划）在相同 OD 需求下与基准比较："
        "按需求加权的广义费用变化，以及份额变化最大的口岸。"
    ),
    (
        "p50_days and p90_days: the median and the 90th percentile where a source gives a spread "
        "(the westbound Brest-Małaszewicze wait, mainline sailings); blank where none is known."
    ): (
        "P50天数和P90天数：有资料给出波动时的中位数和第90百分位数"
        "（布列斯特—马拉舍维奇西行等待、干线班轮）；未知处留空。"
    ),
    # table headers
    "route": "路线",
    "km": "公里",
    "days": "天数",
    "p50_days": "P50天数",
    "p90_days": "P90天数",
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
    "region": "目的地区域",
    "sea_pct": "海运（%）",
    "rail_sea_pct": "铁海联运（%）",
    "observed_share": "观测份额",
    "model_share": "模型份额",
    "port": "口岸",
    "rail_pct": "铁路（%）",
    "road_pct": "公路（%）",
    "inland_water_pct": "内河（%）",
    "feu_per_year": "FEU/年",
    "capacity_feu_per_year": "能力（FEU/年）",
    "utilisation": "利用率",
    "queue_days": "排队（天）",
    "case_id": "案例",
    "metric": "指标",
    "published_low": "公布下限",
    "published_high": "公布上限",
    "model": "模型",
    "error": "误差",
    "loo_error": "留一误差",
    "id": "编号",
    "published": "公布值",
    "modelled": "模型值",
    "fitted": "用于拟合",
    "unit": "单位",
    "How the flows match published figures": "流量与公开数据的吻合程度",
}


@dataclass
class Report:
    """Blocks of the report, rendered to Markdown and HTML alike."""

    blocks: list[tuple] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    interactive: str | None = None
    names: pd.Series | None = None
    lang: str = "en"
    drawn: str = "en"  # the maps' language: en when Chinese is asked but no CJK font is found
    results: dict = field(default_factory=dict)  # what one section found and another reads

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
        from corridors.outputs.map_frame import png_bytes

        self.images[name] = png_bytes(fig)
        self.blocks.append(("img", name, self.say(caption)))

    def to_markdown(self) -> str:
        """The report as Markdown, its figures linked from ``maps/``."""
        parts = []
        for block in self.blocks:
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

    def to_html(self) -> str:
        """The report as one HTML page, its figures embedded."""
        body = []
        for block in self.blocks:
            kind = block[0]
            if kind in ("h1", "h2"):
                body.append(f"<{kind}>{html.escape(block[1])}</{kind}>")
            elif kind == "p":
                body.append(f"<p>{html.escape(block[1])}</p>")
            elif kind == "table":
                body.append(block[1].to_html(index=False, border=0, classes="table"))
            else:
                data = base64.b64encode(self.images[block[1]]).decode("ascii")
                caption = html.escape(block[2])
                body.append(
                    f'<figure><img src="data:image/png;base64,{data}" alt="{caption}">'
                    f"<figcaption>{caption}</figcaption></figure>"
                )
        style = (
            "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}"
            "table{border-collapse:collapse;font-size:.85em;margin:1em 0}"
            "td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left}"
            "img{max-width:100%}figcaption{font-style:italic;font-size:.9em}"
        )
        lang = "zh" if self.lang == "zh" else "en"
        return (
            f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.say('Corridors assessment'))}</title>"
            f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
        )


def write_report(report: Report, folder: Path) -> list[Path]:
    (folder / "maps").mkdir(parents=True, exist_ok=True)
    (folder / "tables").mkdir(parents=True, exist_ok=True)
    written = []
    for name, png in report.images.items():
        written.append(_save(folder / "maps" / f"{name}.png", png))
    for name, table in report.tables.items():
        text = csv_text(table)
        written.append(_save(folder / "tables" / f"{name}.csv", text.encode("utf-8")))
    if report.interactive is not None:
        written.append(_save(folder / "map.html", report.interactive.encode("utf-8")))
    written.append(_save(folder / "report.md", report.to_markdown().encode("utf-8")))
    written.append(_save(folder / "report.html", report.to_html().encode("utf-8")))
    return written


def _save(path: Path, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


def _markdown_table(frame: pd.DataFrame) -> str:
    """A pipe table (numbers as pandas prints them; blank where a value is missing)."""
    cells = frame.astype(object).where(frame.notna(), "").astype(str)
    cells = cells.map(lambda v: v.replace("|", "\\|"))
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(row) + " |" for row in cells.itertuples(index=False)]
    return "\n".join(lines)
