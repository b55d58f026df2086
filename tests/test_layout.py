"""The package's layout shows the chain: each stage a folder, imports only downward, no import circle.

Every import counts, the lazy ones inside functions too: a circle broken by importing late is still a circle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"

# Lowest first: a module may import its own stage and the stages before it, never one after.
STAGES = ["core", "criteria", "sources", "rules", "documents", "render", "convert", "build", "commands", "web", "cli"]
TOP = {"__init__", "__main__"}  # pipeline/__init__.py (the version) and `python -m pipeline`


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found[".".join(["pipeline", *parts])] = path
    return found


def imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The package's modules `path` imports, wherever in the file the import stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        elif isinstance(node, ast.Call) and _dynamic(node) is not None:
            targets = [_dynamic(node)]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target.startswith("pipeline") and target != name:
                out.add(target)
    return out


def _dynamic(call: ast.Call) -> str | None:
    """`importlib.import_module("pipeline.x")`, `__import__("pipeline.x")`, or an f-string starting so
    (`f"pipeline.documents.{name}"`): the module, or the package its constant start names."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    if name not in ("import_module", "__import__") or not call.args:
        return None
    arg = call.args[0]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        text = arg.value
    elif isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        text = str(arg.values[0].value).rstrip(".")
    else:
        return None
    return text if text.startswith("pipeline") else None


def stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


GRAPH = {name: imports(path, name, set(modules())) for name, path in modules().items()}


def test_every_module_sits_in_a_stage_folder():
    loose = [m for m in GRAPH if stage(m) is None and m.split(".")[-1] not in TOP and m != "pipeline"]
    assert loose == [], f"modules outside the stage folders {STAGES}: {loose}"


def test_no_module_imports_a_later_stage():
    upward = []
    for module, targets in GRAPH.items():
        own = stage(module)
        if own is None:
            continue
        for target in targets:
            other = stage(target)
            if other is not None and STAGES.index(other) > STAGES.index(own):
                upward.append(f"{module} → {target}")
    assert upward == [], "imports upward:\n" + "\n".join(sorted(upward))


def test_no_import_circle():
    circles, state = [], {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(GRAPH.get(node, ())):
            if nxt == "pipeline":
                continue
            if state.get(nxt) == "open":
                circles.append(" → ".join(trail[trail.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for node in sorted(GRAPH):
        if node not in state:
            visit(node, [node])
    assert circles == [], "import circles:\n" + "\n".join(circles)


def test_the_check_sees_an_upward_import(tmp_path):
    """The checks above can fail: a module of rules/ importing render/ is found."""
    known = set(modules())
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from pipeline.render import engine\n", encoding="utf-8")
    found = imports(bad, "pipeline.rules.bad", known)
    assert found == {"pipeline.render.engine"}
    bad.write_text("import importlib\ndef f(name):\n    importlib.import_module(f'pipeline.build.{name}')\n"
                   "    __import__('pipeline.cli.app')\n", encoding="utf-8")
    assert imports(bad, "pipeline.rules.bad", known) == {"pipeline.build", "pipeline.cli.app"}
    assert STAGES.index(stage("pipeline.render.engine")) > STAGES.index(stage("pipeline.rules.bad"))


@pytest.mark.parametrize("name", STAGES)
def test_each_stage_folder_says_its_part(name):
    init = PACKAGE / name / "__init__.py"
    assert init.exists() and ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"{init}: no docstring"


WHOLE = {"test_hostile.py", "test_packaged.py", "test_bundle.py", "test_layout.py"}  # the whole program, not one stage


def test_the_tests_mirror_the_stages(request):
    """tests/<stage>/ for each stage; a test module elsewhere only for the whole program; and every one of them is
    collected (pytest skips a folder named `build` by default: pyproject's norecursedirs says otherwise)."""
    tests = PACKAGE.parent / "tests"
    assert [s for s in STAGES if not list((tests / s).glob("test_*.py"))] == []
    loose = {p.name for p in tests.glob("test_*.py")}
    assert loose == WHOLE
    collected = {Path(str(item.path)).resolve() for item in request.session.items}
    asked = [Path(a.split("::")[0]).resolve() for a in request.config.args]
    chosen = request.config.option.keyword or request.config.option.markexpr
    if (not asked or tests.resolve() in asked) and not chosen:  # the whole suite (`make test`), not chosen tests
        missing = [p for s in STAGES for p in (tests / s).glob("test_*.py") if p.resolve() not in collected]
        assert missing == [], f"not collected: {missing}"


def test_every_package_folder_ships_in_the_wheel():
    """pyproject lists the packages by hand (two are mapped from top-level folders): a new stage folder is in it."""
    import tomllib

    listed = set(tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    folders = {".".join(("pipeline", *p.parent.relative_to(PACKAGE).parts)).rstrip(".") for p in PACKAGE.rglob("__init__.py")}
    assert folders - listed == set()
