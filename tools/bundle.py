"""`make bundle`: one zip for an office PC without Internet (Windows 64-bit, CPython 3.11–3.13).

The zip holds the project (the files git tracks, less tests and CI) under `dvht-dossier/` and, in
`dvht-dossier/wheels/`, every wheel the project needs on Windows, which `lap-ho-so.cmd` installs with
`pip install --no-index --find-links wheels`.

pip run on Linux with `--platform win_amd64 --python-version 3.1x` picks wheels for Windows, but it
evaluates environment markers (`sys_platform == "win32"`, `platform_system == "Windows"`) for the
machine it runs on: docx2pdf, and pywin32 and colorama under it, would be silently left out. So
after each download the tree is walked again from the wheels' own metadata with a Windows marker
environment (`closure`), and whatever is missing is downloaded by name until nothing is.
"""

from __future__ import annotations

import argparse
import email.parser
import io
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYTHONS = ("3.11", "3.12", "3.13")
TOP = "dvht-dossier"
WHEELS = "wheels"
LEFT_OUT = ("tests/", ".ci/")  # not needed on the office PC
ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def windows_env(python: str) -> dict[str, str]:
    """The marker environment of CPython `python` (\"3.12\") on 64-bit Windows."""
    return {
        "implementation_name": "cpython", "implementation_version": f"{python}.0",
        "os_name": "nt", "platform_machine": "AMD64", "platform_python_implementation": "CPython",
        "platform_release": "10", "platform_system": "Windows", "platform_version": "10.0.19045",
        "python_full_version": f"{python}.0", "python_version": python, "sys_platform": "win32", "extra": "",
    }


def windows_tags(python: str) -> set[Tag]:
    major, minor = (int(x) for x in python.split("."))
    platforms = ["win_amd64"]
    return set(cpython_tags((major, minor), platforms=platforms)) | set(
        compatible_tags((major, minor), interpreter=f"cp{major}{minor}", platforms=platforms))


def requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """What an offline install needs: the runtime dependencies and the build backend (`pip install -e .`
    builds the project with setuptools in an isolated environment, from the same wheels)."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    return list(data["project"]["dependencies"]) + list(data["build-system"]["requires"])


@dataclass
class Wheel:
    name: str
    version: Version
    path: Path
    tags: frozenset
    requires: list[str] = field(default_factory=list)


def read_wheels(folder: Path) -> list[Wheel]:
    wheels = []
    for path in sorted(folder.glob("*.whl")):
        name, version, _build, tags = parse_wheel_filename(path.name)
        with zipfile.ZipFile(path) as zf:
            meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
            msg = email.parser.Parser().parsestr(zf.read(meta).decode("utf-8"))
        wheels.append(Wheel(str(name), version, path, frozenset(tags), msg.get_all("Requires-Dist") or []))
    return wheels


def closure(wheels: list[Wheel], roots: list[str], python: str) -> tuple[dict[str, Wheel], list[str]]:
    """Walk the requirements from `roots` through the wheels' metadata, markers evaluated for Windows and
    CPython `python`; each requirement must be met by a wheel installable there (its tags, its version).
    Returns (the wheel chosen for each name, the requirements nothing in `wheels` meets)."""
    env, tags = windows_env(python), windows_tags(python)
    chosen: dict[str, Wheel] = {}
    missing: list[str] = []
    todo = [(Requirement(r), frozenset()) for r in roots]
    seen: set[tuple[str, frozenset]] = set()
    while todo:
        req, extras = todo.pop()
        if req.marker is not None and not any(req.marker.evaluate({**env, "extra": e}) for e in (extras or {""})):
            continue
        name = canonicalize_name(req.name)
        key = (str(req), extras)
        if key in seen:
            continue
        seen.add(key)
        fits = [w for w in wheels if canonicalize_name(w.name) == name and w.tags & tags
                and req.specifier.contains(w.version, prereleases=True)]
        if not fits:
            missing.append(str(Requirement(f"{req.name}{req.specifier}")) if req.specifier else req.name)
            continue
        best = max(fits, key=lambda w: w.version)
        chosen[name] = best
        wanted = frozenset(req.extras)
        for line in best.requires:
            todo.append((Requirement(line), wanted))
    return chosen, sorted(set(missing))


def _marker_free(req: str) -> str:
    r = Requirement(req)
    r.marker = None
    return str(r)


def download(reqs: list[str], python: str, dest: Path, log=print) -> None:
    """pip download for Windows 64-bit and CPython `python`; markers are dropped: pip would evaluate them
    for this machine, and `closure` decides what Windows needs."""
    cmd = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q",
           "--only-binary=:all:", "--platform", "win_amd64", "--python-version", python,
           "--implementation", "cp", "-d", str(dest), *[_marker_free(r) for r in reqs]]
    log(f"  pip download ({python}): {' '.join(_marker_free(r) for r in reqs)}")
    subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL)


def fetch_for(python: str, dest: Path, log=print) -> dict[str, Wheel]:
    """The wheels CPython `python` needs on Windows, in `dest` (kept between runs: pip skips what is there)."""
    dest.mkdir(parents=True, exist_ok=True)
    roots = requirements()
    download([r for r in roots if Requirement(r).marker is None or Requirement(r).marker.evaluate(windows_env(python))],
             python, dest, log)
    for _round in range(10):
        chosen, missing = closure(read_wheels(dest), roots, python)
        if not missing:
            for stale in set(dest.glob("*.whl")) - {w.path for w in chosen.values()}:
                stale.unlink()  # an older download the tree no longer uses
            return chosen
        log(f"  thiếu cho Windows, Python {python}: {', '.join(missing)}")
        download(missing, python, dest, log)
    raise SystemExit(f"✗ không đủ thư viện cho Python {python}: {', '.join(missing)}")


def fetch_wheels(dest: Path, pythons=PYTHONS, log=print) -> dict[str, dict[str, Wheel]]:
    """Each CPython in its own folder of `dest`, all at once (the time goes in waiting for the network)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(pythons)) as pool:
        futures = {p: pool.submit(fetch_for, p, dest / ("cp" + p.replace(".", "")), log) for p in pythons}
        return {p: f.result() for p, f in futures.items()}


def project_files(root: Path = ROOT) -> list[str]:
    out = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], check=True, capture_output=True).stdout
    names = [n for n in out.decode("utf-8").split("\0") if n]
    return [n for n in names if not n.startswith(LEFT_OUT) and (root / n).is_file()]


def write_zip(target: Path, wheels: list[Path], root: Path = ROOT) -> Path:
    """The project under `dvht-dossier/`, the wheels (each file once) under `dvht-dossier/wheels/`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")

    from pipeline.core.zips import entry  # the one deterministic zip rule

    def add(zf: zipfile.ZipFile, arc: str, data: bytes) -> None:
        zf.writestr(entry(f"{TOP}/{arc}", ZIP_TIME), data)

    with zipfile.ZipFile(tmp, "w") as zf:
        for name in project_files(root):
            data = (root / name).read_bytes()
            if name.endswith(".cmd"):  # cmd.exe needs CRLF whatever the checkout did with .gitattributes
                data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            add(zf, name, data)
        listing = io.StringIO()
        for whl in sorted({w.name: w for w in wheels}.values(), key=lambda w: w.name):
            add(zf, f"{WHEELS}/{whl.name}", whl.read_bytes())
            listing.write(whl.name + "\n")
        add(zf, f"{WHEELS}/DANH-SACH.txt", ("Thư viện cho Windows 64-bit, Python " + ", ".join(PYTHONS)
                                            + " (make bundle):\n" + listing.getvalue()).encode("utf-8"))
    tmp.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    from pipeline import __version__

    ap = argparse.ArgumentParser(description="Bộ cài ngoại tuyến cho Windows (make bundle)")
    ap.add_argument("--out", default=str(ROOT / "dist" / f"dvht-dossier-{__version__}-windows.zip"))
    ap.add_argument("--wheels", default=str(ROOT / "build" / "wheels"), help="thư mục tải wheel về (giữ lại giữa các lần)")
    args = ap.parse_args(argv)
    wheels = Path(args.wheels)
    print(f"== Tải thư viện cho Windows 64-bit, Python {', '.join(PYTHONS)} vào {wheels}")
    try:
        chosen = fetch_wheels(wheels)
    except subprocess.CalledProcessError:
        print("✗ pip download không thành công (xem dòng trên): không kết nối được tới PyPI, hoặc một thư viện "
              "không có bản wheel cho Windows 64-bit và Python đó")
        return 1
    target = write_zip(Path(args.out), [w.path for per in chosen.values() for w in per.values()])
    for python, per in chosen.items():
        print(f"  Python {python}: {len(per)} thư viện — {', '.join(sorted(per))}")
    print(f"✓ Đã ghi {target} ({target.stat().st_size // 1024 // 1024} MB)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
