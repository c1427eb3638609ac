"""The assessment folder is written whole or not at all: a failure, a full disk or a kill
leaves the old report whole; an unwritable, foreign or busy folder is refused before any
work."""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

import pytest

from corridors import atomic
from corridors.atomic import BusyError, atomic_folder, build_lock
from corridors.outputs import report
from corridors.outputs.report import assess, report_file


def _old_report(folder: Path) -> Path:
    (folder / "maps").mkdir(parents=True)
    (folder / "report.md").write_text("old", encoding="utf-8")
    (folder / "maps" / "flows.png").write_bytes(b"old")
    return folder


def _files(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two renames"])
def test_a_new_report_replaces_the_old_one_whole(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
    target = _old_report(tmp_path / "assessment")
    with atomic_folder(target, owned=report_file) as tmp:
        (tmp / "report.md").write_text("new", encoding="utf-8")
        (tmp / "tables").mkdir()
        (tmp / "tables" / "routes.csv").write_text("new", encoding="utf-8")
    assert _files(target) == {"report.md": "new", "tables/routes.csv": "new"}
    assert _leftovers(target) == []


def test_a_failure_half_way_leaves_the_old_report_whole(tmp_path):
    target = _old_report(tmp_path / "assessment")
    with (
        pytest.raises(RuntimeError, match="half-way"),
        atomic_folder(target, owned=report_file) as tmp,
    ):
        (tmp / "report.md").write_text("new", encoding="utf-8")
        raise RuntimeError("half-way")
    assert _files(target) == {"maps/flows.png": "old", "report.md": "old"}
    assert _leftovers(target) == []


def test_a_full_disk_names_the_folder_and_keeps_the_old_report(tmp_path):
    target = _old_report(tmp_path / "assessment")
    with pytest.raises(OSError, match=r"No space left on device: '.*assessment'"):  # noqa: SIM117
        with atomic_folder(target, owned=report_file):
            raise OSError(errno.ENOSPC, "No space left on device")
    assert _files(target)["report.md"] == "old"


def test_a_kill_while_writing_leaves_the_old_report_whole(tmp_path):
    target = _old_report(tmp_path / "assessment")
    script = (
        "import os, sys\n"
        "from corridors.atomic import atomic_folder\n"
        "from corridors.outputs.report import report_file\n"
        "with atomic_folder(sys.argv[1], owned=report_file) as tmp:\n"
        "    (tmp / 'report.md').write_text('new')\n"
        "    os._exit(9)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(target)], check=False)
    assert done.returncode == 9
    assert _files(target) == {"maps/flows.png": "old", "report.md": "old"}


def test_files_of_the_user_are_never_replaced(tmp_path):
    target = _old_report(tmp_path / "assessment")
    (target / "my notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError, match=r"holds files a report does not write \(my notes"):  # noqa: SIM117
        with atomic_folder(target, owned=report_file):
            pass
    assert (target / "my notes.txt").read_text(encoding="utf-8") == "mine"
    (tmp_path / "a file").write_text("", encoding="utf-8")
    with pytest.raises(FileExistsError, match="is a file, not a folder"):  # noqa: SIM117
        with atomic_folder(tmp_path / "a file", owned=report_file):
            pass


def test_a_second_run_into_the_same_folder_is_refused(tmp_path):
    target = tmp_path / "assessment"
    with build_lock(target, wait=False):  # noqa: SIM117
        with pytest.raises(BusyError, match=r"another corridors run is writing .*assessment"):
            with atomic_folder(target, owned=report_file):
                pass


def _no_work(*args, **kwargs):
    raise AssertionError("the assessment was computed before the folder was checked")


def test_assess_refuses_an_unwritable_or_busy_folder_before_working(net, tmp_path, monkeypatch):
    monkeypatch.setattr(report, "_network_section", _no_work)
    (tmp_path / "a file").write_text("", encoding="utf-8")
    with pytest.raises(FileExistsError):
        assess(net, tmp_path / "a file" / "assessment")
    with build_lock(tmp_path / "busy", wait=False), pytest.raises(BusyError):
        assess(net, tmp_path / "busy")
