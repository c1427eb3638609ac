"""Chinese (``--lang zh``) drawn with a real CJK font: place labels, titles and legends in
Chinese, every Chinese text set in the CJK font (no missing glyphs, so no boxes), the maps
unlike the English ones; the report's headings and table headers in Chinese.

Skipped where no CJK font is installed, unless ``CORRIDORS_REQUIRE_BROWSER`` is set (as CI
sets it, installing fonts-noto-cjk), which turns the skip into a failure.
"""

from __future__ import annotations

import ast
import inspect
import io
import os
import re
import warnings

import matplotlib

matplotlib.use("Agg")

import itertools

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.text import Text

from corridors.analysis.compare import compare
from corridors.analysis.flows import assign
from corridors.analysis.routing import route
from corridors.outputs import report as report_module
from corridors.outputs.charts import time_cost_distance
from corridors.outputs.labels import cjk_font
from corridors.outputs.maps import plot_difference, plot_network, plot_route
from corridors.outputs.report_document import ZH, Report

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def font() -> str:
    found = cjk_font()
    if found is None:
        if os.environ.get("CORRIDORS_REQUIRE_BROWSER"):
            pytest.fail(
                "CORRIDORS_REQUIRE_BROWSER is set but no CJK font is installed "
                "(Debian: apt install fonts-noto-cjk)"
            )
        pytest.skip("no CJK font is installed (Debian: apt install fonts-noto-cjk)")
    return found


def _texts(fig) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _check_drawn_in(fig, font: str) -> list[str]:
    """Draw the figure with every warning an error (a glyph missing from the font is one),
    check each Chinese text is set in ``font``; return the texts."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.canvas.draw()
    texts = _texts(fig)
    chinese = [t for t in texts if CJK.search(t.get_text())]
    assert chinese
    for text in chinese:
        assert text.get_fontfamily()[0] == font
        used = font_manager.findfont(text.get_fontproperties(), fallback_to_default=False)
        assert font_manager.get_font(used).family_name == font, (text.get_text(), used)
    return [t.get_text() for t in texts]


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=50, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def test_the_route_map_is_chinese(net, font):
    r = route(net, "Chongqing", "Duisburg", modes=["rail"], alternatives=1)
    fig = plot_route(r, lang="zh")
    texts = _check_drawn_in(fig, font)
    ax = fig.axes[0]
    assert ax.get_title() == "重庆 → 杜伊斯堡（按时间）"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == "最佳：重庆 → 杜伊斯堡，经阿拉山口、布列斯特，15.4 天，10,526 公里"
    assert legend[1].startswith("备选 1：重庆 → 杜伊斯堡，经阿拉山口、格罗德诺")
    assert any(t.startswith("阿拉山口–多斯特克（") and t.endswith(" 小时）") for t in texts)
    assert "2,000 公里" in texts and any(t.startswith("底图：Natural Earth") for t in texts)
    english = plot_route(r)
    assert _png(fig) != _png(english)


def test_the_network_map_is_chinese_and_unlike_the_english(net, font):
    fig = plot_network(net, extent="land_sea", corridors=["nwlsc_central"], lang="zh")
    texts = _check_drawn_in(fig, font)
    ax = fig.axes[0]
    assert ax.get_title() == "西部陆海新通道中线"  # the corridor drawn thick
    assert {"重庆", "南宁", "钦州港", "北海", "昆明"} <= set(texts)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "铁路（规划或在建）" in legend and "西部陆海新通道中线" in legend
    assert all(CJK.search(label) for label in legend)
    assert _png(fig) != _png(plot_network(net, extent="land_sea", corridors=["nwlsc_central"]))


def test_the_difference_map_and_the_chart_are_chinese(net, font):
    demand = assign(net).pairs[["origin", "destination", "feu_per_year"]].head(150)
    c = compare(net, ["base", "alashankou_closure"], od=demand)
    fig = plot_difference(net, c, "alashankou_closure", lang="zh")
    texts = _check_drawn_in(fig, font)
    assert fig.axes[0].get_title() == "关闭阿拉山口–多斯特克口岸：与现状网络相比的变化"
    assert "起点广义费用变化（%）" in texts and "流量增加" in texts
    plt.close(fig)
    r = route(net, "Chongqing", "Duisburg", via=["Alashankou"], modes=["rail"])
    fig = time_cost_distance(r, lang="zh")
    texts = _check_drawn_in(fig, font)
    assert "累计时间（天）" in texts and "中欧班列（中国段）" in texts
    assert any(t.startswith("多斯特克：过境 + 换轨") for t in texts)
    plt.close(fig)


def test_the_report_speaks_chinese():
    report = Report(lang="zh", drawn="zh")
    report.blocks.append(("h1", report.say("Corridors assessment: the default network")))
    report.heading("Key routes (fastest, by time)")
    report.table("t", pd.DataFrame({"route": ["重庆 - 昆明"], "km": [1], "days": [0.5]}))
    page = report.to_html()
    assert (
        page.startswith('<!DOCTYPE html>\n<html lang="zh">') and "<title>走廊评估</title>" in page
    )
    assert "<h2>主要路线（按时间最快）</h2>" in page and "<th>公里</th>" in page
    markdown = report.to_markdown()
    assert markdown.startswith("# 走廊评估：默认网络") and "| 路线 | 公里 | 天数 |" in markdown
    english = Report()
    english.heading("Key routes (fastest, by time)")
    assert '<html lang="en">' in english.to_html()


def test_every_fixed_text_of_the_report_has_its_chinese():
    """Each heading, sentence and caption the report writes as a literal, and each column it
    shows, is in report.ZH; each key route has its Chinese name."""
    tree = ast.parse(inspect.getsource(report_module))
    said = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr in ("heading", "text", "say"):
            args = node.args[:1]
        elif node.func.attr == "figure":
            args = node.args[2:3]
        else:
            continue
        said |= {a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    assert len(said) >= 15
    assert said <= set(ZH), said - set(ZH)
    labels = {label for label, *_ in report_module.KEY_ROUTES}
    assert labels == set(report_module.KEY_ROUTES_ZH)


def test_every_table_header_of_the_chinese_report_is_chinese(made_once):
    def make(folder):
        from corridors.outputs.report import assess

        assess(out=folder / "report", lang="zh")

    text = (made_once("assessment_zh", make) / "report" / "report.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    headers = [line for line, below in itertools.pairwise(lines) if below.startswith("|---")]
    assert len(headers) >= 8
    for header in headers:
        cells = [c.strip() for c in header.strip("|").split("|")]
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in c) for c in cells), header
