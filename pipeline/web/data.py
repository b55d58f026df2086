"""The web editor's data: an input file as the browser edits it (plain JSON), and back.

The browser sends the whole year as JSON; `render` writes it onto the officer's YAML with the project's
one round-trip editor (`pipeline.sources.yaml_edit`: comments, layout, line endings, encoding and BOM kept)
and checks that the loader reads back exactly what the officer typed, so what the browser shows, what it
saves and what `validate` reads are one thing.
`check_text` then runs the library's own checks (`load_text` + `assess_loaded`): the messages
beside the fields are validate's, with their field paths.

How a leaf is written depends on the model's type at its path (`kind_at`): a yes/no as `có`/`không`
(or `true`/`false` where the file already did), a count as a number only when typed as digits (anything
else is kept as text for the model to refuse with its hint), a free text with line breaks as a `|` block,
an empty required field as `CẦN ĐIỀN` — never a value the officer did not give.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_origin

from pydantic import BaseModel

from pipeline.core.problems import InputError, PipelineError, Problem, field_path
from pipeline.core.textnorm import clean_text
from pipeline.core.vocab import yes_no
from pipeline.rules.assess import assess_loaded
from pipeline.rules.evaluate import Assessment
from pipeline.sources.load import FILL, Int, Loaded, load_text, parse, strip_controls
from pipeline.sources.yaml_edit import Block, Document
from pipeline.web.fields import _shape, _type, type_at  # noqa: F401  (type_at: the partial verdicts')

BLOCK_KEYS = {"description", "strengths", "weaknesses", "general_situation", "purpose", "process_summary", "other_conclusions"}
_DIGITS = re.compile(r"[+-]?[0-9]+")


def kind_at(path: tuple) -> tuple[str, bool]:
    """(kind, required) of the field at `path`: kind is int, bool, date, text, list, map or unknown."""
    return _kind(_shape(path))


@functools.lru_cache(maxsize=4096)
def _kind(path: tuple) -> tuple[str, bool]:
    t, required = _type(path)
    if t is None:
        return "unknown", False
    origin = get_origin(t)
    if t is bool:
        return "bool", required
    if t is int:
        return "int", required
    if t is dt.date:
        return "date", required
    if origin is list:
        return "list", required
    if origin is dict or (isinstance(t, type) and issubclass(t, BaseModel)):
        return "map", required
    return "text", required


def fmt_date(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def to_json(value: Any, path: tuple = ()) -> Any:
    """A value as the loader read it → what the browser shows (a number typed as `05` in a text field is “05”)."""
    if isinstance(value, dict):
        return {k: to_json(v, path + (k,)) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v, path + (i,)) for i, v in enumerate(value)]
    if isinstance(value, Int):
        return int(value) if kind_at(path)[0] == "int" else value.source
    if isinstance(value, dt.date):
        return fmt_date(value)
    return value


def normal(value: Any, path: tuple = ()) -> Any:
    """The meaning of a browser value, for comparing what was meant with what the file now reads:
    text in NFC, yes/no words as booleans, counts typed as digits as numbers."""
    if isinstance(value, dict):
        out = {k: normal(v, path + (k,)) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not None or kind_at(path + (k,))[1]}
    if isinstance(value, list):
        return [normal(v, path + (i,)) for i, v in enumerate(value)]
    kind = kind_at(path)[0]
    if isinstance(value, str):
        text = clean_text(strip_controls(value))
        if not text.strip() or text.strip() == FILL:
            return None
        if kind == "bool":
            return yes_no(text)
        if kind == "int" and _DIGITS.fullmatch(text.strip()):
            return int(text)
        return text.strip()  # the model strips every text
    return value


@dataclass
class Leaf:
    """Decides how one new leaf is written into the tree (see the module's docstring)."""

    booleans: tuple[Any, Any] = ("có", "không")
    filled: list[str] = field(default_factory=list)  # fields written as CẦN ĐIỀN

    def __call__(self, path: tuple, old: Any, new: Any) -> Any:
        kind, required = kind_at(path)
        if new is None or (isinstance(new, str) and not new.strip()):
            if required or (isinstance(old, str) and old.strip() == FILL):
                self.filled.append(field_path(path))
                return FILL
            return None
        if isinstance(new, bool):
            if kind != "bool":
                return "có" if new else "không"
            return self.booleans[0] if new else self.booleans[1]
        if isinstance(new, int):
            return new
        if not isinstance(new, str):
            return str(new)
        new = strip_controls(new)  # what the loader would do to the file: NUL dropped, NEL and U+2028 as spaces
        if kind == "int" and _DIGITS.fullmatch(new.strip()):
            return int(new.strip())
        if "\n" in new.strip() or (path and path[-1] in BLOCK_KEYS and isinstance(old, Block)):
            return Block(new.strip("\n"))
        return new


class Unsaved(PipelineError):
    """The browser's data cannot be written as typed; `problems` name the fields."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def read_json(text: str, path: Path) -> Any:
    """The browser's view of an input's text (raises InputError for a file the loader cannot parse)."""
    data, *_ = parse(text, str(path))
    return to_json(data)


def _booleans(text: str) -> tuple[Any, Any]:
    """How this file writes yes/no (a file that used true/false keeps it)."""
    if re.search(r":\s*(true|false)\s*(#.*)?$", text, re.MULTILINE) and not re.search(r":\s*(có|không)\s*(#.*)?$", text, re.MULTILINE):
        return True, False
    return "có", "không"


def _first_difference(a: Any, b: Any, path: tuple = ()) -> tuple | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a) + [k for k in b if k not in a]:
            d = _first_difference(a.get(k), b.get(k), path + (k,))
            if d is not None:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        for i in range(max(len(a), len(b))):
            d = _first_difference(a[i] if i < len(a) else None, b[i] if i < len(b) else None, path + (i,))
            if d is not None:
                return d
        return None
    return None if a == b else path


def render(doc: Document, new: dict, path: Path) -> str:
    """The browser's data `new` written onto `doc` (the file as opened, its edits kept in `doc` for saving);
    returns the new text. The editor's own check and then this one: the loader must read back what was meant."""
    base = doc.text
    try:
        doc.update(read_json(strip_controls(base), path), new, Leaf(_booleans(base)))
        text = doc.render()
        back = read_json(strip_controls(text), path)
    except InputError as exc:  # an edit that would not read back as typed: nothing is written
        raise Unsaved(exc.problems) from None
    where = _first_difference(normal(new), normal(back))
    if where is not None:
        raise Unsaved([Problem(str(path), None, field_path(where),
                               "giá trị này không ghi được vào tệp đúng như đã gõ; hãy gõ lại (bỏ ký tự lạ) hoặc sửa bằng Notepad")])
    return text


def render_text(base: str, new: dict, path: Path) -> str:
    """`render` onto a text not read from a file."""
    return render(Document.of_text(base, path), new, path)


@dataclass
class Checked:
    """What the browser shows beside the form: every problem (validate's words), and the verdicts when they can be
    computed — all of them, or while only CẦN ĐIỀN remain those already judged (`partial`)."""

    problems: list[Problem]
    loaded: Loaded | None = None
    assessment: Assessment | None = None
    partial: dict | None = None


def check_text(text: str, path: Path) -> Checked:
    """The library's checks (the ones `validate` runs) on `text` as the file at `path`."""
    try:
        loaded = load_text(text, path)
    except InputError as exc:
        from pipeline.web.partial import partial_verdicts

        problems = list(exc.problems)
        try:
            data, lines, _, text_lines = parse(strip_controls(text), str(path))
        except InputError:
            return Checked(problems)
        problems += carried_in_text(path, data, lines, text_lines)  # as `dvht validate` lists them with the CẦN ĐIỀN
        partial = partial_verdicts(data, problems)
        for where in (partial or {}).get("undecided", []):  # named beside the field, as validate will once it loads
            problems.append(Problem(str(path), lines.get(where[:2]), field_path(where),
                                    "cần điền: chọn đạt hoặc không đạt (chỉ tiêu định tính)"))
        return Checked(problems, partial=partial)
    try:
        loaded, assessment = assess_loaded(loaded)
    except InputError as exc:
        # the rules hold but a cross-check refuses (a declared level the data contradicts…): the verdicts
        # the data gives are still shown, beside the message that says what contradicts them
        from pipeline.criteria import load_catalogue
        from pipeline.rules.evaluate import evaluate
        from pipeline.rules.validate import check

        if any(not p.warning for p in check(loaded)):
            return Checked(list(exc.problems))
        return Checked(list(exc.problems), loaded, evaluate(loaded.model, load_catalogue(loaded.model.regulation)))
    return Checked(list(loaded.warnings), loaded, assessment)


def carried_in_text(path: Path, data: dict, lines: dict, text_lines: dict) -> list[Problem]:
    """The warnings `validate` gives a year that does not load yet (`validate.carried_in_file`) for dates and document
    numbers of an earlier year left in its prose, on a text not saved yet."""
    from pipeline.rules.validate import carried_in, raw_texts

    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        return []
    return carried_in(Loaded(Path(path), None, lines, text_lines=text_lines), int(year), raw_texts(data))  # type: ignore[arg-type]


def carried_over(path: Path, raw: bytes) -> dict | None:
    """When `raw` is the year exactly as `new-year` made it from the unit's latest earlier year (nothing saved onto it
    since): what the page says about it, as `dvht new-year` prints it — the earlier file, and each place of the
    prose that still holds a date or a document number of that year. None otherwise."""
    from pipeline.commands.new_unit import Refused
    from pipeline.commands.new_year import NoEarlierYear, carry, latest, left_in_prose

    try:
        year = int(path.stem)
        source = latest(path.parent, before=year)
        if carry(source, year).encoded() != raw:
            return None
    except (ValueError, NoEarlierYear, Refused, InputError, OSError):
        return None
    return {"source": source.name, "year": year, "notes": left_in_prose(path, source)}


def read_input(path: Path) -> str:
    """The file's text as the loader decodes it (raises InputError for bytes it refuses)."""
    from pipeline.sources.load import read_text

    return read_text(path)


def text_of(raw: bytes) -> str:
    """The text of an input's bytes as the loader reads it (raises DecodeError)."""
    from pipeline.sources.files import decode

    return strip_controls(decode(raw).text)


def read_version(path: Path) -> tuple[bytes, str]:
    """(the file's bytes, its text as the loader reads it); raises InputError for a file the loader refuses to read."""
    from pipeline.sources.files import DecodeError, SourceError, read_bytes

    try:
        raw = read_bytes(path)
        return raw, text_of(raw)
    except SourceError as exc:
        raise InputError([Problem(str(path), None, "", str(exc).removeprefix(f"{path}: "))]) from None
    except DecodeError as exc:
        raise InputError([Problem(str(path), exc.line, "", exc.message)]) from None


def open_version(path: Path, raw: bytes) -> Document:
    """`raw` (the bytes of `path` as a browser opened them) ready for editing; raises InputError for bytes the loader refuses."""
    from pipeline.sources.yaml_edit import load_for_edit

    return load_for_edit(path, raw=raw)


def backup(path: Path) -> Path:
    """Copy the file as it is on disk to `<unit>/.ban-cu/<year>-<time>.yaml` (hidden from builds) before it is replaced."""
    folder = path.parent / ".ban-cu"
    folder.mkdir(exist_ok=True)
    target = folder / f"{path.stem}-{dt.datetime.now().strftime('%Y%m%d-%H%M%S-%f')}{path.suffix}"
    target.write_bytes(path.read_bytes())
    return target


def _plain(value: Any, path: tuple, leaf: Leaf, filled: set[str]) -> Any:
    """The browser's data as the values `render_text` would write (no tree: for checking only)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            stored = _plain(v, path + (k,), leaf, filled)
            if stored is not None:
                out[k] = stored
        return out
    if isinstance(value, list):
        return [_plain(v, path + (i,), leaf, filled) for i, v in enumerate(value)]
    stored = leaf(path, FILL if field_path(path) in filled else None, value)
    return str(stored) if isinstance(stored, str) else stored


def check_data(base: str, new: dict, path: Path) -> Checked:
    """The checks of `check_text` on what saving `new` would write, without the round-trip editor (which takes
    a good part of a second on a long file): the same values, dumped plainly, read by the same loader."""
    import yaml

    _, _, problems, _ = parse(base, str(path))
    filled = {p.field for p in problems if p.message.startswith("cần điền")}  # optional fields still marked CẦN ĐIỀN
    data = _plain(new, (), Leaf(_booleans(base)), filled)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=10**9)
    where = _first_difference(normal(new), normal(read_json(text, path)))
    if where is not None:
        return Checked([Problem(str(path), None, field_path(where),
                                "giá trị này không ghi được vào tệp đúng như đã gõ; hãy gõ lại (bỏ ký tự lạ) hoặc sửa bằng Notepad")])
    return check_text(text, path)
