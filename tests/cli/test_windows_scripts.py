"""The Windows scripts, run here by a small reading of cmd.exe (`cmdsim`) against pretend PCs: which
Python is found (the launcher first, the Microsoft Store stub and too old ones refused), when `.venv`
is made again (its stamp: folder, Python, pyproject), the offline install from `wheels\\`, Explorer
only after a good build, and the menu's tasks. What only a real Windows can show is listed in the README."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from cmdsim import PC, Cmd, FakePython, Unknown, run
from conftest import ROOT

SCRIPTS = ("lap-ho-so.cmd", "menu.cmd")
PY = '".venv\\Scripts\\python.exe"'
PROBE = "import sys; ok = sys.version_info"
ONLINE = f"{PY} -m pip install --disable-pip-version-check -e ."
OFFLINE = f"{PY} -m pip install --disable-pip-version-check --no-index --find-links wheels -e ."
STORE = "C:\\Users\\can-bo\\AppData\\Local\\Microsoft\\WindowsApps\\python.exe"


CLEANUP = 'del /f /q ".venv-stamp.tmp"'


def actions(result) -> list[str]:
    """What the script did, less its questions to the Pythons (`-c`, the stamp) and its own clean-up."""
    return [c for c in result.commands if ' -c "' not in c and not c.endswith("tools\\venv_stamp.py")
            and not c.startswith(("chcp", "pushd")) and c != CLEANUP]


def pc_with(*pythons: tuple[str, FakePython], **kw) -> PC:
    return PC(pythons=dict(pythons), **kw)


def installed(pc: PC) -> PC:
    assert run(pc, ROOT).code == 0
    return pc


# ---------------------------------------------------------------- the files themselves

@pytest.mark.parametrize("name", SCRIPTS)
def test_scripts_are_crlf_utf8_without_bom_and_switch_the_console_to_utf8_first(name):
    data = (ROOT / name).read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")  # a BOM would break "@echo off"
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")  # CRLF throughout: cmd's goto needs it
    text = data.decode("utf-8")
    first_shown = min(i for i, line in enumerate(text.splitlines()) if re.match(r"\s*echo [^o.]", line, re.I)) \
        if re.search(r"^\s*echo [^o.]", text, re.M | re.I) else None
    if first_shown is not None:
        assert text.splitlines().index("chcp 65001 >nul") < first_shown  # UTF-8 console before any Vietnamese
    gitattributes = (ROOT / ".gitattributes").read_text()
    assert "*.cmd text eol=crlf" in gitattributes


@pytest.mark.parametrize("name", SCRIPTS)
def test_every_line_is_one_the_reading_knows_and_no_blocks(name):
    """cmdsim refuses what it does not know: each line must parse, so no construct escapes the tests."""
    text = (ROOT / name).read_bytes().decode("utf-8")
    labels = {m.lower() for m in re.findall(r"^:(\w+)", text, re.M)}
    targets = {m.lower() for m in re.findall(r"(?:goto|call) :(\w+)", text)} - {"eof"}
    assert targets <= labels | {"%label%"}
    for line in text.splitlines():
        assert not re.match(r"\s*(if|for) .*\($", line), "no ( … ) blocks: an echo with “)” inside would end them"
        assert not re.match(r"\s*rem .*%", line), "no % in a rem line: cmd expands it there too"
        assert "dvht.exe" not in line and "Scripts\\dvht" not in line  # holds the old folder's path: never called
    set_labels = set(re.findall(r'set "LABEL=(\w+)"', text))
    assert set_labels <= labels  # every task word leads to a label


def test_the_labels_a_task_word_chooses_all_exist_and_an_unknown_word_is_refused():
    pc = installed(pc_with(("py -3.13", FakePython())))
    result = run(pc, ROOT, "lap-ho-so.cmd", "lam-gi")
    assert result.code == 2 and "Không hiểu việc" in result.text and "kiem-tra" in result.text
    assert not actions(result)


# ---------------------------------------------------------------- which Python

def test_first_run_makes_the_venv_installs_and_opens_the_web_editor():
    pc = pc_with(("py -3.13", FakePython()))
    result = run(pc, ROOT)
    assert result.code == 0
    assert actions(result) == ['py -3.13 -m venv ".venv"', ONLINE, 'move /y ".venv-stamp.tmp" ".venv\\dvht-stamp.txt"',
                               f"{PY} -m pipeline web"]
    assert "Internet" in result.text
    again = run(pc, ROOT)  # the second double-click: straight to the editor
    assert actions(again) == [f"{PY} -m pipeline web"]


def test_the_editor_stopped_with_ctrl_c_is_a_normal_end_and_a_failed_one_is_not():
    pc = installed(pc_with(("py -3.13", FakePython())))
    pc.codes[f"{PY} -m pipeline web"] = 130
    result = run(pc, ROOT)
    assert result.code == 0 and "✓ Trình soạn thảo đã dừng." in result.text and result.pauses == 1
    pc.codes[f"{PY} -m pipeline web"] = 1  # e.g. the port taken
    result = run(pc, ROOT)
    assert result.code == 1 and "✗ Chưa xong" in result.text and result.pauses == 1


def test_the_launcher_is_asked_for_313_312_311_before_python_on_path():
    pc = pc_with(("python", FakePython((3, 10, 11))), ("py -3.12", FakePython((3, 12, 4))), ("py -3", FakePython((3, 14, 0))))
    result = run(pc, ROOT)
    probes = [c.split(" -c ")[0] for c in result.commands if PROBE in c]
    assert probes == ["py -3.13", "py -3.12"]
    probe_line = next(line for line in (ROOT / "lap-ho-so.cmd").read_text(encoding="utf-8").splitlines() if PROBE in line)
    assert probe_line.endswith('" <nul >nul 2>nul')  # a launcher that would ask to install a runtime gets no answer
    assert actions(result)[0] == 'py -3.12 -m venv ".venv"'


def test_python_on_path_is_used_when_there_is_no_launcher():
    result = run(pc_with(("python", FakePython((3, 11, 9)))), ROOT)
    assert result.code == 0 and actions(result)[0] == 'python -m venv ".venv"'


def test_no_python_at_all_says_where_to_get_it_and_keeps_the_window_open():
    result = run(PC(), ROOT)
    assert result.code == 1 and result.pauses == 1 and not actions(result)
    assert "https://www.python.org/downloads/" in result.text and '"Add python.exe to PATH"' in result.text
    assert "Internet" not in result.text  # not an Internet problem


def test_the_microsoft_store_stub_is_named_as_such():
    pc = pc_with(("python", FakePython(stub=True)), files={STORE: ""})
    result = run(pc, ROOT)
    assert result.code == 1 and result.pauses == 1 and not actions(result)
    text = result.text
    assert "Microsoft Store" in text and "https://www.python.org/downloads/" in text and "Add python.exe to PATH" in text
    assert "Internet" not in text


def test_a_too_old_python_is_refused_with_its_version_and_the_old_venv_is_not_used():
    pc = installed(pc_with(("python", FakePython((3, 11, 2)))))
    pc.pythons = {"python": FakePython((3, 10, 11))}  # 3.11 removed, an older one left on PATH
    result = run(pc, ROOT)
    assert result.code == 1 and result.pauses == 1
    assert "quá cũ" in result.text and "Python 3.10.11" in result.text and "3.11" in result.text
    assert not actions(result)  # neither pip nor the pipeline from the .venv of the removed Python


def test_a_python_2_on_path_counts_as_too_old():
    result = run(pc_with(("python", FakePython((2, 7, 18)))), ROOT)
    assert result.code == 1 and "Python 2.7.18" in result.text and not actions(result)


# ---------------------------------------------------------------- the stamp: made again when something changed

@pytest.mark.parametrize("change", ["moved", "python upgraded", "python replaced", "new version of the program"])
def test_venv_is_made_again_when_its_stamp_changes(change):
    pc = installed(pc_with(("py -3.12", FakePython((3, 12, 4), executable=r"C:\Python312\python.exe"))))
    if change == "moved":
        pc.folder = "C:\\Users\\can-bo\\OneDrive\\Desktop\\ho-so\\"
    elif change == "python upgraded":
        pc.pythons["py -3.12"] = FakePython((3, 12, 8), executable=r"C:\Python312\python.exe")
    elif change == "python replaced":
        pc.pythons = {"py -3.13": FakePython((3, 13, 1))}
    else:
        pc.files["pyproject.toml"] = "v2"
    result = run(pc, ROOT)
    done = actions(result)
    assert done[:2] == ['del /f /q ".venv\\dvht-stamp.txt"', 'rmdir /s /q ".venv"'], done
    assert done[2].endswith('-m venv ".venv"') and done[3] == ONLINE and done[-1] == f"{PY} -m pipeline web"
    assert "tạo lại" in result.text
    assert actions(run(pc, ROOT)) == [f"{PY} -m pipeline web"]  # and then it holds


def test_a_failed_install_is_tried_again_next_time_and_said_in_vietnamese():
    pc = pc_with(("py -3.13", FakePython()), codes={f"{PY} -m pip install": 1})
    result = run(pc, ROOT)
    assert result.code == 1 and result.pauses == 1
    assert "Internet" in result.text and "ngoại tuyến" in result.text and "proxy" in result.text
    assert f"{PY} -m pipeline web" not in result.commands
    assert ".venv\\dvht-stamp.txt" not in pc.files
    pc.codes.clear()
    again = run(pc, ROOT)
    assert ONLINE in actions(again) and again.code == 0


def test_a_venv_that_cannot_be_removed_is_a_message_not_a_half_environment():
    pc = installed(pc_with(("py -3.13", FakePython())))
    pc.folder = "D:\\ho-so\\"
    pc.locked.add(".venv")
    result = run(pc, ROOT)
    assert result.code == 1 and "Không xóa được .venv" in result.text and "Đóng các cửa sổ" in result.text
    assert not any("pip install" in c or "-m pipeline" in c for c in result.commands)


# ---------------------------------------------------------------- offline bundle

def test_wheels_present_install_without_the_internet():
    pc = pc_with(("py -3.11", FakePython((3, 11, 9))), files={"wheels\\lxml-6.1.3-cp311-cp311-win_amd64.whl": ""})
    result = run(pc, ROOT)
    assert result.code == 0 and OFFLINE in actions(result) and ONLINE not in actions(result)
    assert "không cần Internet" in result.text


@pytest.mark.parametrize("python", [FakePython((3, 14, 0)), FakePython((3, 12, 4), bits=32)])
def test_wheels_present_but_a_python_they_do_not_fit_says_which_to_install(python):
    pc = pc_with(("python", python), files={"wheels\\lxml-6.1.3-cp311-cp311-win_amd64.whl": ""})
    result = run(pc, ROOT)
    assert result.code == 1 and not any("pip install" in c for c in result.commands)
    assert "3.11, 3.12, 3.13" in result.text and f"Python {python.text}, {python.bits}bit" in result.text
    assert "Python 3.13 (64-bit)" in result.text


def test_a_failed_offline_install_says_to_unzip_again():
    pc = pc_with(("py -3.13", FakePython()), files={"wheels\\x.whl": ""}, codes={f"{PY} -m pip install": 1})
    result = run(pc, ROOT)
    assert result.code == 1 and "Giải nén lại" in result.text and "Internet" not in result.text.split("wheels")[0]


# ---------------------------------------------------------------- building, Explorer only on success

def test_a_good_build_opens_explorer_on_outputs():
    pc = installed(pc_with(("py -3.13", FakePython())))
    result = run(pc, ROOT, "lap-ho-so.cmd", "lap-ho-so")
    assert actions(result)[-2:] == [f"{PY} -m pipeline dossier inputs", f'start "" explorer "{pc.folder}outputs"']
    assert result.code == 0 and "✓ Xong" in result.text


def test_a_failed_build_does_not_open_explorer_and_keeps_the_window_on_the_message():
    pc = installed(pc_with(("py -3.13", FakePython())))
    pc.codes[f"{PY} -m pipeline dossier"] = 1
    result = run(pc, ROOT, "lap-ho-so.cmd", "lap-ho-so")
    assert result.code == 1 and result.pauses == 1
    assert not any("explorer" in c for c in result.commands)
    assert "✗ Có lỗi" in result.text and "không được mở" in result.text


# ---------------------------------------------------------------- the menu

MENU = {
    "1": f"{PY} -m pipeline web",
    "2": f"{PY} -m pipeline dossier inputs",
    "3": f"{PY} -m pipeline.cli.ask new-unit",
    "4": f"{PY} -m pipeline.cli.ask new-year",
    "5": f"{PY} -m pipeline.cli.ask staff-export",
    "6": f"{PY} -m pipeline.cli.ask staff-import",
    "7": f"{PY} -m pipeline validate inputs",
    "8": 'start "" explorer "C:\\Users\\can-bo\\Desktop\\ho-so\\outputs"',
}


def test_menu_runs_each_task_and_comes_back_until_0():
    pc = installed(pc_with(("py -3.13", FakePython())))
    pc.files["outputs\\.gitkeep"] = ""
    pc.keys = list("12345678") + ["0"]
    result = run(pc, ROOT, "menu.cmd")
    done = actions(result)
    expected = [MENU[k] for k in "12345678"]
    expected.insert(2, MENU["8"])  # a good build opens Explorer
    assert done == expected, done
    assert result.code == 0
    for word in ("trình soạn thảo", "Lập hồ sơ", "Đơn vị mới", "Năm mới", "Xuất danh sách", "Nhập danh sách",
                 "Kiểm tra", "thư mục kết quả", "Thoát"):
        assert word in result.text, word


def test_menu_task_that_fails_says_so_and_returns_to_the_menu():
    pc = installed(pc_with(("py -3.13", FakePython())))
    pc.codes[f"{PY} -m pipeline validate"] = 1
    pc.keys = ["7", "0"]
    result = run(pc, ROOT, "menu.cmd")
    assert "✗ Chưa xong" in result.text and result.text.count("HỒ SƠ “ĐƠN VỊ HỌC TẬP”") == 2


def test_dry_run_prints_the_commands_and_changes_nothing():
    pc = pc_with(("py -3.13", FakePython()))
    result = run(pc, ROOT, "lap-ho-so.cmd", "lap-ho-so", "/thu")
    shown = [line for line in result.out if line.startswith("[chạy thử] ")]
    assert shown == ['[chạy thử] py -3.13 -m venv ".venv"', f"[chạy thử] {ONLINE}",
                     f"[chạy thử] {PY} -m pipeline dossier inputs",
                     '[chạy thử] start "" explorer "C:\\Users\\can-bo\\Desktop\\ho-so\\outputs"']
    assert result.pauses == 0 and not any(f.startswith(".venv\\") for f in pc.files)


def test_a_folder_the_script_cannot_enter_is_a_message():
    pc = pc_with(("py -3.13", FakePython()))
    scripts = {p.name: p.read_bytes().decode("utf-8") for p in ROOT.glob("*.cmd")}
    scripts["lap-ho-so.cmd"] = scripts["lap-ho-so.cmd"].replace('pushd "%~dp0"', 'pushd "%~dp0x"')  # pushd fails
    result = Cmd(pc, scripts).run("lap-ho-so.cmd", [])
    assert result.code == 1 and "Không vào được thư mục" in result.text and not actions(result)


def test_run_from_inside_the_zip_says_to_extract_it_first():
    pc = pc_with(("py -3.13", FakePython()))
    del pc.files["pyproject.toml"], pc.files["tools\\venv_stamp.py"]  # Explorer ran the .cmd alone out of the zip
    result = run(pc, ROOT)
    assert result.code == 1 and "Extract All" in result.text and not actions(result)


def test_the_reading_refuses_what_it_does_not_know():
    with pytest.raises(Unknown):
        Cmd(PC(), {"x.cmd": "@echo off\r\nfor %%a in (1) do echo %%a\r\n"}).run("x.cmd", [])


# ---------------------------------------------------------------- the stamp script itself, for real

def test_the_stamp_names_the_folder_the_python_and_the_project(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "pyproject.toml").write_text("[project]\n")

    def stamp(folder):
        return subprocess.run([sys.executable, str(ROOT / "tools" / "venv_stamp.py")], cwd=folder, capture_output=True,
                              text=True, check=True).stdout

    a = stamp(tmp_path / "a")
    assert f"folder {ascii(str(tmp_path / 'a'))}" in a and f"python {ascii(sys.executable)}" in a
    assert sys.version.split()[0] in a and a.isascii()
    assert a == stamp(tmp_path / "a")  # the same place and Python: the same stamp
    assert a != stamp(tmp_path / "b")  # moved
    (tmp_path / "a" / "pyproject.toml").write_text("[project]\nversion = '2'\n")
    assert a != stamp(tmp_path / "a")
