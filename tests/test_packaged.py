"""Installs anywhere: the templates, the schema, the example and the catalogues travel inside the package.
A wheel installed into a new virtual environment works in an empty folder, and a checkout without the
demo commune (`inputs/quang-phu/`, which an officer deletes) builds any other unit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import EXAMPLE, EXAMPLE_TEXT, ROOT
from pipeline.core import packaged
from pipeline.documents import DOCUMENTS


def test_the_packaged_fixture_is_the_example():
    assert packaged.fixture().read_bytes() == EXAMPLE.read_bytes(), "copy inputs/quang-phu/2024.yaml to pipeline/_fixture/"
    assert packaged.fixture().parent.name == "quang-phu" and packaged.fixture().name == "2024.yaml"


def test_shipped_files_are_found_through_the_package():
    assert sorted(p.name for p in packaged.templates_dir().glob("*.docx")) == sorted(s.template for s in DOCUMENTS)
    assert packaged.schema_file().is_file() and (packaged.catalogue_dir() / "tt24-2023.yaml").is_file()


def run(python: str | Path, *args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(python), *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, **(env or {})}, timeout=300)


def _another_unit(folder: Path) -> Path:
    """inputs/tan-my/2024.yaml: the example's facts under another unit's folder and name."""
    path = folder / "inputs" / "tan-my" / "2024.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(EXAMPLE_TEXT.replace("xã Quảng Phú", "xã Tân Mỹ"), encoding="utf-8")
    return path


def test_a_checkout_without_the_demo_commune_builds_another_unit(tmp_path):
    checkout = tmp_path / "checkout"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("pipeline", "templates", "schema"):
        shutil.copytree(ROOT / folder, checkout / folder, ignore=ignore)
    _another_unit(checkout)  # inputs/ holds only tan-my: no quang-phu anywhere in this checkout's inputs
    env = {"PYTHONPATH": str(checkout), "DVHT_NO_PDF": "1"}
    where = run(sys.executable, "-c", "import pipeline; print(pipeline.__file__)", cwd=checkout, env=env)
    assert where.stdout.strip() == str(checkout / "pipeline" / "__init__.py")
    res = run(sys.executable, "-m", "pipeline", "dossier", "--quiet", cwd=checkout, env=env)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "✓ đã lập     tan-my/2024" in res.stdout and "quang-phu" not in res.stdout + res.stderr
    made = sorted(p.name for p in (checkout / "outputs" / "tan-my" / "2024").glob("*.docx"))
    assert made == sorted(s.template for s in DOCUMENTS)
    res = run(sys.executable, "-m", "pipeline", "check-templates", cwd=checkout, env=env)
    assert res.returncode == 0 and "hợp lệ" in res.stdout, res.stdout + res.stderr


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> Path:
    """A wheel built from this checkout, installed alone into a new virtual environment whose only other
    path is this one's site-packages (for the dependencies: no network); returns that venv's bin folder."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"  # what a clone holds, built away from the checkout (no build/ or egg-info left in it)
    for name in ("pyproject.toml", "README.md"):
        source.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, source / name)
    for folder in ("pipeline", "templates", "schema"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    built = run(sys.executable, "-m", "pip", "wheel", str(source), "-w", str(base / "dist"), "--no-deps",
                "--no-build-isolation", "--no-index", "-q", cwd=base)
    wheels = list((base / "dist").glob("dvht_dossier-*.whl"))
    assert built.returncode == 0 and len(wheels) == 1, built.stdout + built.stderr
    venv = base / "venv"
    made = run(sys.executable, "-m", "venv", "--without-pip", str(venv), cwd=base)
    assert made.returncode == 0, made.stderr
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    purelib = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=base).stdout.strip())
    (purelib / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    res = run(sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q",
              str(wheels[0]), cwd=base)
    assert res.returncode == 0, res.stdout + res.stderr
    return python.parent


def test_a_wheel_installed_in_a_new_venv_works_in_an_empty_folder(installed, tmp_path):
    dvht = installed / "dvht"
    empty = tmp_path / "thu-muc-moi"
    empty.mkdir()
    env = {"DVHT_NO_PDF": "1", "PYTHONPATH": ""}
    where = run(installed / "python", "-c", "import pipeline; print(pipeline.__file__)", cwd=empty, env=env)
    assert Path(where.stdout.strip()).is_relative_to(installed.parent), where.stdout  # the wheel's copy, not the checkout

    res = run(dvht, "new-unit", "--name", "Ủy ban nhân dân xã Tân Mỹ", "--year", "2025", cwd=empty, env=env)
    assert res.returncode == 0 and (empty / "inputs" / "tan-my" / "2025.yaml").is_file(), res.stdout + res.stderr
    assert (empty / "schema" / "input.schema.json").read_bytes() == (ROOT / "schema" / "input.schema.json").read_bytes()

    res = run(dvht, "check-templates", cwd=empty, env=env)
    assert res.returncode == 0 and "hợp lệ" in res.stdout, res.stdout + res.stderr
    res = run(dvht, "schema", "--check", cwd=empty, env=env)
    assert res.returncode == 0, res.stdout + res.stderr

    res = run(dvht, "dossier", "--quiet", cwd=empty, env=env)  # only the new unit: its blanks are named, nothing else fails
    output = res.stdout + res.stderr
    assert res.returncode == 1 and "✗ lỗi        tan-my/2025" in output and "cần điền" in output, output
    assert "quang-phu" not in output and "mẫu văn bản hỏng" not in output and "Traceback" not in output

    (empty / "inputs" / "vi-du").mkdir()
    (empty / "inputs" / "vi-du" / "2024.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    res = run(dvht, "dossier", "--unit", "vi-du", "--quiet", cwd=empty, env=env)
    assert res.returncode == 0 and "✓ đã lập     vi-du/2024" in res.stdout, res.stdout + res.stderr
    made = sorted(p.name for p in (empty / "outputs" / "vi-du" / "2024").glob("*.docx"))
    assert made == sorted(s.template for s in DOCUMENTS)
