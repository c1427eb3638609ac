"""The READMEs quote what the code computes: ``docs/figures.py`` regenerates every figure.

The figures are computed once for the module (a few seconds on the session's network). A
failure names the block or the sentence that drifted and the command that rewrites it. The
timing block is a machine's, on a day: only its label is checked, never a time.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIX = "run `python docs/figures.py` and review the diff"


def _load_figures():
    spec = importlib.util.spec_from_file_location("readme_figures", ROOT / "docs" / "figures.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


figures = _load_figures()


@pytest.fixture(scope="module")
def computed(net, gravity, gravity_equilibrium, appraisal_of_projects):
    """``figures.compute(net)``. Three of its calls are made once per run for this module and
    tests/analysis/test_flow_targets.py (tests/conftest.py): ``gravity_demand(net)``,
    ``equilibrium(net, demand)`` and ``appraise(net, figures.APPRAISED, od=demand)`` (ten
    equilibria). Each is reused only for a call with those very arguments; any other call
    is computed as before."""
    import corridors

    untouched = gravity.copy()

    def demand_of(*args, **kwargs):  # gravity_demand(net)
        return len(args) == 1 and args[0] is net and not kwargs

    def demand_given(*args, **kwargs):  # equilibrium(net, demand)
        return (
            len(args) == 2
            and args[0] is net
            and args[1] is gravity
            and not kwargs
            and gravity.equals(untouched)  # nothing changed it since
        )

    def appraised(*args, **kwargs):  # appraise(net, projects, od=demand)
        return (
            len(args) == 2
            and args[0] is net
            and list(args[1]) == appraisal_of_projects.projects.scenario.tolist()
            and kwargs.keys() == {"od"}
            and demand_given(net, kwargs["od"])
        )

    def reuse(function, found, same):
        return lambda *args, **kwargs: (
            found if same(*args, **kwargs) else function(*args, **kwargs)
        )

    with pytest.MonkeyPatch.context() as patch:
        for name, found, same in (
            ("gravity_demand", gravity, demand_of),
            ("equilibrium", gravity_equilibrium, demand_given),
            ("appraise", appraisal_of_projects, appraised),
        ):
            patch.setattr(corridors, name, reuse(getattr(corridors, name), found, same))
        return figures.compute(net)


@pytest.fixture(scope="module")
def rendered(computed):
    return figures.render(computed)


@pytest.fixture(scope="module")
def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(figures.TEMPLATES))
def test_each_figure_block_is_what_the_code_computes(rendered, readme, name):
    found = figures.blocks_in(readme)
    assert name in found, f"README.md has no <!-- figures:{name} start --> block; {FIX}"
    assert found[name] == rendered[name], f"README.md's figures:{name} block drifted; {FIX}"


def test_every_figure_block_is_generated(readme):
    stray = set(figures.blocks_in(readme)) - set(figures.TEMPLATES)
    assert not stray, f"blocks docs/figures.py does not write: {sorted(stray)}"


def test_figures_quoted_in_sentences_are_current(computed, readme):
    text = figures._flat(readme)
    missing = {
        what: snippet
        for what, snippet in figures.quoted(computed).items()
        if figures._flat(snippet) not in text
    }
    assert not missing, f"README.md should say {missing}; {FIX} or edit the sentence"


def test_data_readme_quotes_the_tables(computed):
    text = figures._flat((ROOT / "data" / "README.md").read_text(encoding="utf-8"))
    missing = {
        what: snippet
        for what, snippet in figures.data_quoted(computed).items()
        if figures._flat(snippet) not in text
    }
    assert not missing, f"data/README.md should say {missing}"


def test_data_readme_choices_are_the_tables(computed):
    """The stand-in values data/README.md describes are the ones the tables use."""
    text = figures._flat((ROOT / "data" / "README.md").read_text(encoding="utf-8"))
    crossings = computed.network.crossings
    fees = crossings.gauge_change_usd.dropna()
    dostyk, erenhot = fees["alashankou-dostyk"], fees["erenhot-zamyn_uud"]
    assert set(fees) <= {dostyk, erenhot, (dostyk + erenhot) / 2}  # unknown fees: the mean
    out, back = (float(x) for x in re.search(r"\((\S+) h out \+ (\S+) h in\)", text).groups())
    prc = crossings.loc[crossings.source.map(lambda s: any("PRC rail averages" in x for x in s))]
    assert len(prc) and (prc.dwell_hours_out == round(out + back, 1)).all()
    carec = float(re.search(r"CAREC-wide rail crossing time \((\S+) h", text).group(1))
    assert (crossings.dwell_hours_out == carec).sum() >= 3
    notes = " ".join(crossings.note)
    own = re.search(r"own CPMM figure is used where one exists \(([^)]*)\)", text).group(1)
    quoted = re.findall(r"(\w+) (\d+\.\d) h", own)
    assert len(quoted) == 3, own
    for name, hours in quoted:
        assert re.search(rf"{name} PRC side (outbound )?{hours} h", notes), (name, hours)
    average = re.search(r"the country average \((\d+) h\)", text).group(1)
    assert f"KAZ rail inbound country average ({float(average):.1f} h" in notes


def test_the_timing_block_says_on_what_machine_and_when(readme):
    found = figures.blocks_in(readme, kind="timings")
    assert set(found) == {"speed"}
    label = figures._flat(found["speed"])
    assert "benchmarks/run.py" in label
    assert re.search(r"measured \d{4}-\d{2}-\d{2} on this project's \d+-core sandbox", label)
    assert "**cli assess**: corridors assess" in label
    assert "**cli route**: corridors route Chongqing Duisburg" in label
    assert "CPU time" in label


def test_the_report_and_the_readme_share_one_yardstick(computed, rendered):
    from corridors.outputs.report import validation_headline

    sentence = validation_headline(computed.validation)
    assert "within 20% of the published range" in sentence
    assert figures._flat(sentence) in figures._flat(rendered["validation"])


def test_a_drifted_figure_is_caught(computed, rendered, tmp_path, monkeypatch):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    drifted = re.sub(r"\+\d+%", "+999%", rendered["scenarios"], count=1)
    assert drifted != rendered["scenarios"]
    stale = figures.with_blocks(text, {"scenarios": drifted})
    monkeypatch.setattr(figures, "README", tmp_path / "README.md")
    figures.README.write_text(stale, encoding="utf-8")
    assert figures.differences(computed) == [
        "README.md block figures:scenarios differs from the code's figures"
    ]
    assert figures.update(computed)
    assert figures.README.read_text(encoding="utf-8") == text  # rewritten as it should be
    assert figures.differences(computed) == []


def test_blocks_are_replaced_whole_and_must_exist():
    text = "a\n<!-- figures:x start: note -->\nold\n<!-- figures:x end -->\nb\n"
    assert figures.with_blocks(text, {"x": "new\nlines"}) == (
        "a\n<!-- figures:x start: note -->\nnew\nlines\n<!-- figures:x end -->\nb\n"
    )
    assert figures.blocks_in(text) == {"x": "old"}
    with pytest.raises(ValueError, match="no block <!-- figures:y start"):
        figures.with_blocks(text, {"y": "z"})


def test_timings_render_from_benchmark_lines():
    rows = [
        {"name": "machine", "date": "2026-01-02", "cpus": 2, "cpu": "x", "python": "3.11"},
        {"name": "route", "what": "a route", "corridors_s": 0.001, "kernel_s": 0.0005},
        {"name": "skim", "what": "a skim", "corridors_s": 1.5, "networkx_s": 30.0},
        {"name": "odd", "what": "differs", "corridors_s": 1.0, "kernel_s": 0.5, "agree": False},
        {"name": "synthetic memory", "bytes_per_node": 94.0, "csr_bytes_per_node": 37.6},
        {
            "name": "memory totals",
            "what": "1,000 nodes: x",
            "corridors_bytes": 3e9,
            "scipy_bytes": 2e9,
            "base_bytes": 1e9,
        },
        {"name": "memory compile", "what": "y", "peak_bytes": 2e6, "held_bytes": 1e6},
    ]
    text = figures.timings_block(rows)
    assert "measured 2026-01-02 on this project's 2-core sandbox" in text
    assert "| **route**: a route | 1.0 ms | 0.5 ms (2.00×) | — | — |" in text
    assert "| **skim**: a skim | 1.5 s | — | 30 s (0.05×) | — |" in text
    assert "500 ms, not comparable" in text
    assert "3.00 GB against 2.00 GB for scipy's search alone (1.50×" in text
    assert "peaks at 2 MB and holds 1 MB (2.00×)" in text
