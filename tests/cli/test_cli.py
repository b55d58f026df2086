"""The front door: the Windows double-click script, converter discovery per platform, and a CLI that
speaks Vietnamese throughout (help, misuse, OS errors, hints)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from conftest import EXAMPLE, ROOT, run_cli
from pipeline.convert.pdf import SOFFICE_ENV, how_to_get_pdf, soffice_binary

ENGLISH = ("usage:", "show this help", "positional arguments", "options:", "error:", "unrecognized arguments",
           "the following arguments", "invalid choice", "expected one argument", "invalid int value")


# ---------------------------------------------------------------- the README (the scripts: test_windows_scripts.py)

def test_readme_first_section_is_the_windows_path():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = readme.split("\n## ", 2)[1]
    assert "lap-ho-so.cmd" in first and "Add python.exe to PATH" in first and "LibreOffice" in first
    assert "menu.cmd" in first and "SmartScreen" in first and "OneDrive" in first
    assert ".venv\\Scripts\\python -m pipeline" in readme


def test_every_windows_command_in_the_readme_runs_as_typed_in_cmd():
    """Each line of a ```bat block is one command cmd.exe runs in the folder: no `# comment` carried as arguments,
    `python -m pipeline` from the .venv (dvht is not on PATH, dvht.exe breaks when the folder moves), and arguments
    the CLI accepts."""
    from pipeline.cli.app import parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    officer = readme.split("# Part 2")[0]
    blocks = re.findall(r"```bat\n(.*?)```", officer, re.S)
    assert len(blocks) >= 5
    seen = set()
    for block in blocks:
        for line in block.strip().splitlines():
            assert "#" not in line and not line.lower().startswith("rem "), line
            assert line.startswith(".venv\\Scripts\\python -m pipeline "), line
            args = [a.strip('"') for a in re.findall(r'"[^"]*"|\S+', line)][3:]
            ns = parser().parse_args(args)  # misuse would exit 2 here
            seen.add(ns.command)
    assert {"new-unit", "new-year", "staff", "validate", "dossier"} <= seen
    for block in re.findall(r"```\w*\n(.*?)```", officer, re.S):
        assert not re.search(r"\S\s+# ", block), block  # no command line anywhere with a comment after it


# ---------------------------------------------------------------- LibreOffice on each platform

def _exe(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_soffice_in_program_files_on_windows(tmp_path):
    pf86 = tmp_path / "Program Files (x86)"
    found = _exe(pf86 / "LibreOffice" / "program" / "soffice.exe")
    env = {"PATH": str(tmp_path / "empty"), "ProgramFiles": str(tmp_path / "Program Files"), "ProgramFiles(x86)": str(pf86)}
    assert soffice_binary(env, "win32", tmp_path) == str(found)
    newer = _exe(tmp_path / "Program Files" / "LibreOffice" / "program" / "soffice.exe")
    assert soffice_binary(env, "win32", tmp_path) == str(newer)  # Program Files first
    assert soffice_binary({"PATH": str(tmp_path / "empty")}, "win32", tmp_path) is None


def test_soffice_in_macos_applications(tmp_path):
    found = _exe(tmp_path / "home" / "Applications" / "LibreOffice.app" / "Contents" / "MacOS" / "soffice")
    assert soffice_binary({"PATH": str(tmp_path / "empty")}, "darwin", tmp_path / "home") in (
        "/Applications/LibreOffice.app/Contents/MacOS/soffice", str(found))
    if not os.path.exists("/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        assert soffice_binary({"PATH": str(tmp_path / "empty")}, "darwin", tmp_path / "home") == str(found)


def test_soffice_setting_wins_and_path_comes_next(tmp_path):
    elsewhere = _exe(tmp_path / "D" / "LO" / "program" / "soffice.exe")
    on_path = _exe(tmp_path / "bin" / "soffice")
    assert soffice_binary({SOFFICE_ENV: str(elsewhere), "PATH": str(on_path.parent)}, "win32", tmp_path) == str(elsewhere)
    assert soffice_binary({SOFFICE_ENV: str(tmp_path / "D" / "LO"), "PATH": ""}, "win32", tmp_path) == str(elsewhere)
    assert soffice_binary({"PATH": str(on_path.parent)}, "linux", tmp_path) == str(on_path)
    assert soffice_binary({SOFFICE_ENV: str(tmp_path / "nope"), "PATH": str(on_path.parent)}, "linux", tmp_path) is None


def test_pdf_hint_names_make_or_the_cli_as_the_run_was_started(monkeypatch):
    monkeypatch.delenv("DVHT_VIA_MAKE", raising=False)
    assert "FORCE=1" not in how_to_get_pdf() and "dvht dossier" in how_to_get_pdf() and SOFFICE_ENV in how_to_get_pdf()
    monkeypatch.setenv("DVHT_VIA_MAKE", "1")
    assert "make dossier" in how_to_get_pdf()


# ---------------------------------------------------------------- one language

HELPS = [[], ["validate"], ["evaluate"], ["dossier"], ["new-unit"], ["new-year"], ["staff"], ["staff", "export"],
         ["staff", "import"], ["history"], ["schema"], ["check-templates"]]


@pytest.mark.parametrize("words", HELPS, ids=lambda w: " ".join(w) or "dvht")
def test_every_help_is_vietnamese_with_examples_and_exit_codes(words):
    res = run_cli(*words, "--help")
    assert res.returncode == 0
    text = res.stdout
    assert "cách dùng:" in text and not any(e in text for e in ENGLISH), text
    if words[:1] != ["staff"] or len(words) == 1:
        assert "ví dụ:" in text and "mã thoát:" in text and "130" in text


@pytest.mark.parametrize("args, needle", [
    (["dossier", "--bogus"], "không hiểu tham số: --bogus"),
    (["evaluate"], "thiếu tham số bắt buộc: TỆP"),
    (["dossier", "--year", "abc"], "giá trị số nguyên không hợp lệ: 'abc'"),
    (["lam-gi"], "lựa chọn không hợp lệ"),
])
def test_misuse_is_explained_in_vietnamese(args, needle):
    res = run_cli(*args)
    assert res.returncode == 2 and needle in res.stderr and not any(e in res.stderr for e in ENGLISH), res.stderr


def test_debug_after_the_subcommand_and_os_errors_in_vietnamese(tmp_path):
    res = run_cli("evaluate", str(EXAMPLE), "--debug")
    assert res.returncode == 0 and "KẾT QUẢ" in res.stdout
    res = run_cli("evaluate", str(tmp_path / "khong-co.yaml"))
    assert res.returncode == 1 and "không tìm thấy" in res.stderr
    assert "No such file" not in res.stderr and "Is a directory" not in res.stderr
    res = run_cli("evaluate", str(tmp_path))
    assert res.returncode == 1 and "là thư mục" in res.stderr and "Is a directory" not in res.stderr


def test_the_dvht_command_is_installed():
    dvht = os.path.join(os.path.dirname(sys.executable), "dvht")
    res = subprocess.run([dvht, "--help"], capture_output=True, text=True, encoding="utf-8")
    assert res.returncode == 0 and res.stdout.startswith("cách dùng: dvht")


def test_hints_name_make_or_dvht_as_the_run_was_started(tmp_path):
    env_make = {**os.environ, "DVHT_VIA_MAKE": "1"}
    cmd = [sys.executable, "-m", "pipeline", "new-unit", "--name", "Ủy ban nhân dân xã Hòa An", "--year", "2025"]
    res = subprocess.run([*cmd, "--inputs", str(tmp_path / "a")], cwd=ROOT, capture_output=True, text=True, encoding="utf-8", env=env_make)
    assert "rồi chạy: make validate" in res.stdout and ".venv/bin/dvht staff export" in res.stdout
    env = {k: v for k, v in os.environ.items() if k != "DVHT_VIA_MAKE"}
    res = subprocess.run([*cmd, "--inputs", str(tmp_path / "b")], cwd=ROOT, capture_output=True, text=True, encoding="utf-8", env=env)
    assert "rồi chạy: dvht validate" in res.stdout and "make validate" not in res.stdout and ".venv/bin" not in res.stdout


def test_under_the_windows_scripts_hints_are_what_to_type_in_cmd(tmp_path):
    """lap-ho-so.cmd sets DVHT_VIA_CMD: `dvht` is not on PATH there; each hint is a line cmd.exe runs in the folder."""
    env = {**{k: v for k, v in os.environ.items() if k != "DVHT_VIA_MAKE"}, "DVHT_VIA_CMD": "1"}
    cmd = [sys.executable, "-m", "pipeline", "new-unit", "--name", "Ủy ban nhân dân xã Hòa An", "--year", "2025",
           "--inputs", str(tmp_path / "a")]
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, encoding="utf-8", env=env)
    out = res.stdout
    assert f"rồi chạy: .venv\\Scripts\\python -m pipeline validate {tmp_path / 'a' / 'hoa-an' / '2025.yaml'}" in out
    assert ".venv\\Scripts\\python -m pipeline staff export" in out and ".venv\\Scripts\\python -m pipeline staff import" in out
    assert not re.search(r"(^|[\s:→])dvht ", out), out
    res = subprocess.run([sys.executable, "-m", "pipeline", "new-year", "khong-co", "2025", "--inputs", str(tmp_path / "a")],
                         cwd=ROOT, capture_output=True, text=True, encoding="utf-8", env=env)
    assert ".venv\\Scripts\\python -m pipeline new-unit --name" in res.stderr
