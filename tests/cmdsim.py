"""A small reading of cmd.exe, enough to run `lap-ho-so.cmd` and `menu.cmd` here on Linux against a
pretend Windows PC (which Pythons it has, what pip and the pipeline answer, which files exist).

It follows the statements the scripts use, in cmd's order: `%…%` expanded once per line before the
line runs (so `if … if …` on one line sees the values of before), `set "X=…"`, `if [/i] [not]
defined|exist|errorlevel|"a"=="b"`, `goto`, `call :label`, `call "other.cmd"`, `exit /b`, `shift`,
`choice`, `pause`, `echo`, `fc`, `move`, `del`, `rmdir`, redirections. A line it does not know is an
error, so a test cannot pass over a construct nobody checked. The Python snippets the script passes
with `-c` are run for real against the pretend interpreter's `sys` (its version and bitness).
"""

from __future__ import annotations

import fnmatch
import re
import types
from dataclasses import dataclass, field
from pathlib import Path


class Unknown(Exception):
    pass


@dataclass
class FakePython:
    version: tuple[int, int, int] = (3, 13, 1)
    bits: int = 64
    executable: str = r"C:\Program Files\Python313\python.exe"
    stub: bool = False  # the Microsoft Store's "python.exe" that only says "Python was not found"

    @property
    def text(self) -> str:
        return ".".join(map(str, self.version))


@dataclass
class PC:
    """The pretend machine: its Pythons by the command that starts them, its files (paths relative to the
    project folder, or absolute), what the programs answer."""
    folder: str = "C:\\Users\\can-bo\\Desktop\\ho-so\\"
    pythons: dict[str, FakePython] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=lambda: {"LOCALAPPDATA": "C:\\Users\\can-bo\\AppData\\Local"})
    codes: dict[str, int] = field(default_factory=dict)  # a command's prefix → its exit code
    locked: set[str] = field(default_factory=set)  # folders rmdir cannot remove (a file held open)
    keys: list[str] = field(default_factory=list)  # what the officer types at `choice`
    pyproject: str = "v1"

    def __post_init__(self):
        self.files.setdefault("pyproject.toml", self.pyproject)
        self.files.setdefault("tools\\venv_stamp.py", "…")

    def exists(self, path: str) -> bool:
        path = path.strip('"')
        if path.endswith("\\"):
            return any(f.lower().startswith(path.lower()) for f in self.files)
        return any(fnmatch.fnmatch(f.lower(), path.lower()) for f in self.files)


@dataclass
class Result:
    out: list[str]
    commands: list[str]
    code: int
    pauses: int

    @property
    def text(self) -> str:
        return "\n".join(self.out)


def _run_snippet(code: str, python: FakePython) -> tuple[int, str]:
    """Run a `-c` snippet with `sys`/`platform` replaced by the pretend interpreter's."""
    printed: list[str] = []
    fake_sys = types.SimpleNamespace(version_info=python.version, maxsize=2**63 - 1 if python.bits == 64 else 2**31 - 1,
                                     version=f"{python.text} (tags/v{python.text}) [MSC v.1937]", exit=None)

    class Exit(Exception):
        def __init__(self, code=0):
            self.code = code

    def _exit(code=0):
        raise Exit(code)

    fake_sys.exit = _exit
    fake_platform = types.SimpleNamespace(architecture=lambda: (f"{python.bits}bit", "WindowsPE"))
    modules = {"sys": fake_sys, "platform": fake_platform}

    def _import(name, *args, **kwargs):
        if name not in modules:
            raise ImportError(name)
        return modules[name]

    builtins = {"__import__": _import, "print": lambda *a: printed.append(" ".join(map(str, a))), "str": str}
    try:
        exec(code, {"__builtins__": builtins})
    except Exit as e:
        return int(e.code or 0), "\n".join(printed)
    return 0, "\n".join(printed)


class Cmd:
    def __init__(self, pc: PC, scripts: dict[str, str]):
        self.pc = pc
        self.scripts = {k.lower(): v for k, v in scripts.items()}
        self.out: list[str] = []
        self.commands: list[str] = []
        self.pauses = 0
        self.steps = 0

    # ------------------------------------------------------------ the programs of the pretend PC
    def external(self, cmd: str) -> tuple[int, str]:
        self.commands.append(cmd)
        pc = self.pc
        for prefix, code in pc.codes.items():
            if cmd.startswith(prefix):
                return code, ""
        m = re.match(r'^(py -3(?:\.\d+)?|python|"[^"]+\\python\.exe"|\S+\\python\.exe)\s+(.*)$', cmd)
        if m:
            exe, rest = m.group(1), m.group(2)
            if exe.strip('"').lower().endswith("\\scripts\\python.exe"):
                return self._venv_python(exe.strip('"'), rest)
            python = pc.pythons.get(exe)
            if python is None:
                return 9009 if not exe.startswith("py") else 103, ""  # not recognised / no such runtime
            if python.stub:
                return 9009, ""
            c = re.fullmatch(r'-c "(.*)"', rest)
            if c:
                return _run_snippet(c.group(1), python)
            if rest == "tools\\venv_stamp.py":
                return 0, f"folder {pc.folder}\npython {python.executable}\nversion {python.text}\nbits {python.bits}\npyproject {pc.files['pyproject.toml']}\n"
            v = re.fullmatch(r'-m venv "(.+)"', rest)
            if v:
                pc.files[v.group(1) + "\\Scripts\\python.exe"] = python.executable
                pc.files[v.group(1) + "\\pyvenv.cfg"] = python.text
                return 0, ""
            raise Unknown(cmd)
        if cmd.startswith('start "" explorer '):
            return 0, ""
        raise Unknown(cmd)

    def _venv_python(self, exe: str, rest: str) -> tuple[int, str]:
        if exe not in self.pc.files:
            return 9009, ""
        if rest.startswith("-m pip install") or rest.startswith("-m pipeline"):
            return 0, ""
        raise Unknown(f"{exe} {rest}")

    # ------------------------------------------------------------ the interpreter
    def run(self, name: str, args: list[str]) -> Result:
        code = self._script(name, args)
        return Result(self.out, self.commands, code, self.pauses)

    def _script(self, name: str, args: list[str]) -> int:
        text = self.scripts[name.lower()]
        lines = text.split("\r\n")
        labels = {}
        for i, line in enumerate(lines):
            m = re.match(r"^:(\w+)\s*$", line.strip())
            if m:
                labels[m.group(1).lower()] = i
        env = self.__dict__.setdefault("env", {k.upper(): v for k, v in self.pc.env.items()})
        frames = [{"args": list(args), "pc": 0}]
        errorlevel = 0
        while True:
            frame = frames[-1]
            if frame["pc"] >= len(lines):  # end of file: like exit /b
                frames.pop()
                if not frames:
                    return errorlevel
                continue
            raw = lines[frame["pc"]].strip()
            frame["pc"] += 1
            self.steps += 1
            if self.steps > 20000:
                raise RuntimeError("the script loops")
            if not raw or raw.startswith(":") or raw.lower().startswith("rem ") or raw.lower() == "@echo off":
                continue
            line = self._expand(raw, env, frame["args"], name, errorlevel)
            jump = self._statement(line, env, frame, errorlevel)
            kind, value = jump
            if kind == "el":
                errorlevel = value
            elif kind == "goto":
                if value == "eof":
                    frames.pop()
                    if not frames:
                        return errorlevel
                    continue
                if value not in labels:
                    raise Unknown(f"goto to a missing label :{value}")
                frame["pc"] = labels[value] + 1
            elif kind == "call":
                label, call_args = value
                if label not in labels:
                    raise Unknown(f"call to a missing label :{label}")
                frames.append({"args": call_args, "pc": labels[label] + 1})
            elif kind == "exit":
                frames.pop()
                errorlevel = errorlevel if value is None else value
                if not frames:
                    return errorlevel
            elif kind == "script":
                other, other_args = value
                errorlevel = Cmd._script(self, other, other_args)

    def _expand(self, line: str, env: dict, args: list[str], name: str, errorlevel: int) -> str:
        def sub(m: re.Match) -> str:
            if m.group(0) == "%%":
                return "%"
            token = m.group(1)
            if token is not None:
                if token == "~dp0":
                    return self.pc.folder
                if token == "*":
                    return " ".join(args)
                i = int(token[-1])
                if i == 0:
                    return name
                value = args[i - 1] if i <= len(args) else ""
                return value.strip('"') if token.startswith("~") else value
            key = m.group(2).upper()
            if key == "ERRORLEVEL" and key not in env:
                return str(errorlevel)
            return env.get(key, "")  # an undefined variable is empty in a batch file

        return re.sub(r"%%|%(~dp0|~?\d|\*)|%([A-Za-z_][A-Za-z0-9_]*)%", sub, line).strip()

    def _redirect(self, line: str) -> tuple[str, str | None]:
        """Strip redirections; returns (the command, the file stdout goes to, or None)."""
        target = None
        line = re.sub(r"\s*<nul", "", line)
        line = re.sub(r"\s*2>nul", "", line)
        line = re.sub(r"\s*2>&1", "", line)
        m = re.search(r'\s*>\s*("[^"]*"|\S+)\s*$', line)
        if m and not _inside_quotes(line, m.start()):
            target = m.group(1).strip('"')
            line = line[:m.start()]
        return line.strip(), target

    def _statement(self, line: str, env: dict, frame: dict, errorlevel: int):
        m = re.match(r'^if\s+(/i\s+)?(not\s+)?(.*)$', line, re.I)
        if m:
            nocase, negate, rest = bool(m.group(1)), bool(m.group(2)), m.group(3)
            cond, command = self._condition(rest, env, nocase, errorlevel)
            if cond != negate:
                return self._statement(command, env, frame, errorlevel)
            return ("none", None)
        low = line.lower()
        if low.startswith("chcp "):
            self.commands.append(line)
            return ("none", None)
        if low.startswith("setlocal"):
            return ("none", None)
        m = re.fullmatch(r'pushd "([^"]*)"', line, re.I)
        if m:
            self.commands.append(line)
            return ("el", 0 if m.group(1) == self.pc.folder else 1)
        if low == "popd":
            return ("el", errorlevel)
        m = re.fullmatch(r'set "(\w+)=(.*)"', line)
        if m:
            if m.group(2) == "":
                env.pop(m.group(1).upper(), None)
            else:
                env[m.group(1).upper()] = m.group(2)
            return ("none", None)
        m = re.fullmatch(r"goto :(\w+)", line, re.I)
        if m:
            return ("goto", m.group(1).lower())
        m = re.fullmatch(r'call :(\w+)\s*(.*)', line, re.I)
        if m:
            return ("call", (m.group(1).lower(), _split(m.group(2))))
        m = re.fullmatch(r'call "([^"]+\\)?([\w-]+\.cmd)"\s*(.*)', line, re.I)
        if m:
            return ("script", (m.group(2), _split(m.group(3))))
        m = re.fullmatch(r"exit /b(?:\s+(\d+))?", line, re.I)
        if m:
            return ("exit", int(m.group(1)) if m.group(1) else None)
        if low == "shift":
            frame["args"] = frame["args"][1:]
            return ("none", None)
        command, target = self._redirect(line)
        low = command.lower()
        if low == "echo." or low.startswith("echo "):
            text = "" if low == "echo." else command[5:]
            if target is None:
                self.out.append(text)
            elif target.lower() != "nul":
                self.pc.files[target] = text
            return ("el", errorlevel)
        if low == "pause":
            self.pauses += 1
            return ("el", errorlevel)
        m = re.fullmatch(r"choice /c (\w+) /n", command, re.I)
        if m:
            key = self.pc.keys.pop(0) if self.pc.keys else "0"
            return ("el", m.group(1).index(key) + 1)
        m = re.fullmatch(r'fc /b "([^"]+)" "([^"]+)"', command)
        if m:
            a, b = (self.pc.files.get(p) for p in m.groups())
            return ("el", 2 if a is None or b is None else 0 if a == b else 1)
        m = re.fullmatch(r'del /f /q "([^"]+)"', command)
        if m:
            self.commands.append(command)
            self.pc.files.pop(m.group(1), None)
            return ("el", 0)
        m = re.fullmatch(r'rmdir /s /q "([^"]+)"', command)
        if m:
            self.commands.append(command)
            folder = m.group(1) + "\\"
            if m.group(1) not in self.pc.locked:
                for f in [f for f in self.pc.files if f.startswith(folder)]:
                    del self.pc.files[f]
            return ("el", 0)
        m = re.fullmatch(r'move /y "([^"]+)" "([^"]+)"', command)
        if m:
            self.commands.append(command)
            self.pc.files[m.group(2)] = self.pc.files.pop(m.group(1))
            return ("el", 0)
        code, output = self.external(command)
        if target is not None and target.lower() != "nul":
            self.pc.files[target] = output
        elif target is None and output:
            self.out.extend(output.split("\n"))
        return ("el", code)

    def _condition(self, rest: str, env: dict, nocase: bool, errorlevel: int) -> tuple[bool, str]:
        m = re.match(r"defined\s+(\w+)\s+(.*)$", rest, re.I)
        if m:
            return m.group(1).upper() in env, m.group(2)
        m = re.match(r'exist\s+("[^"]*"|\S+)\s+(.*)$', rest, re.I)
        if m:
            return self.pc.exists(m.group(1)), m.group(2)
        m = re.match(r"errorlevel\s+(\d+)\s+(.*)$", rest, re.I)
        if m:
            return errorlevel >= int(m.group(1)), m.group(2)
        m = re.match(r'("[^"]*"|[^\s=]+)==("[^"]*"|\S+)\s+(.*)$', rest)
        if m:
            a, b = m.group(1), m.group(2)
            return (a.lower() == b.lower()) if nocase else (a == b), m.group(3)
        raise Unknown(f"if {rest}")


def _inside_quotes(line: str, pos: int) -> bool:
    return line[:pos].count('"') % 2 == 1


def _split(text: str) -> list[str]:
    return re.findall(r'"[^"]*"|\S+', text)


def run(pc: PC, root: Path, script: str = "lap-ho-so.cmd", *args: str) -> Result:
    scripts = {p.name: p.read_bytes().decode("utf-8") for p in root.glob("*.cmd")}
    return Cmd(pc, scripts).run(script, list(args))
