"""Templates as untrusted input: where each comes from, reading one safely, loading a package re-saved
by Word or LibreOffice cleanly, and the parts docxtpl renders. The sandbox they render in is `sandbox`;
`check` finds before rendering what rendering would.

Where: a unit's own folder `inputs/<unit>/mau/` first, then a folder given with `--templates`
(`make dossier TEMPLATES=…`), then the built-in `templates/`; each document separately, so a
province may replace only its Tờ trình. Every part docxtpl renders is checked — body, headers,
footers, footnotes, core properties — for syntax (in Vietnamese, with the tag and the text around
it), for every variable and attribute path against the real context of the example (`unit.shortname`
is named, with the nearest field), for sandbox escapes (`__class__`…) and for Word's curly quotes.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pipeline import documents
from pipeline.core import zips
from pipeline.core.problems import PipelineError
from pipeline.documents import DOCUMENTS, DocumentSpec

UNIT_FOLDER = "mau"  # inputs/<unit>/mau/: the unit's own templates
MAX_TEMPLATE = 20 * 1024 * 1024
TEMPLATE_SUFFIXES = (".docx", ".docm", ".dotx", ".dotm", ".doc", ".odt", ".rtf")


def locate(spec: DocumentSpec, folders: list[Path]) -> Path:
    """The first of `folders` holding this document's template, else the built-in one. An entry that is
    there but unusable (a dangling link, a folder, a FIFO…) is still the one chosen — `folder_problems`
    refuses it — never a silent fall back to the next folder."""
    for folder in folders:
        if folder and os.path.lexists(folder / spec.template):
            return folder / spec.template
    return documents.TEMPLATES_DIR / spec.template


def search_path(unit_folder: Path | None, templates: Path | None) -> list[Path]:
    """The folders to look in, first match wins: the unit's own `mau/` (whenever something by that name is
    there: a file or a broken link is refused, not skipped), then `templates` (an explicit choice: always
    kept, so a folder that is missing is refused by name)."""
    own = unit_folder / UNIT_FOLDER if unit_folder else None
    return [p for p in (own if own and os.path.lexists(own) else None, templates) if p]


class TemplateFileError(PipelineError):
    """A template file that cannot be read as one (message in Vietnamese, naming it)."""


def _within(path: Path, root: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(Path(os.path.realpath(root)))


def _entry_problem(path: Path, root: Path) -> str | None:
    """Why this folder entry cannot be a template, judged without reading it (no FIFO ever opened)."""
    from pipeline.sources.files import entry_problem

    return entry_problem(path, root, MAX_TEMPLATE, broken="xóa hoặc thay bằng tệp mẫu .docx",
                         outside="không đọc; chép tệp mẫu vào thư mục", folder="cần là tệp mẫu .docx")


def read_template(path: Path, root: Path | None = None) -> bytes:
    """A template's bytes, refusing before reading anything but a regular file of at most MAX_TEMPLATE."""
    problem = _entry_problem(path, root or path.parent)
    if problem:
        raise TemplateFileError(problem)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise TemplateFileError(f"{path}: không phải tệp thường (thiết bị, ống dẫn…) — không đọc")
            data = fh.read(MAX_TEMPLATE + 1)
    except OSError as exc:
        from pipeline.core.oserrors import explain

        raise TemplateFileError(f"{path}: {explain(exc, path)}") from None
    if len(data) > MAX_TEMPLATE:
        raise TemplateFileError(f"{path}: tệp quá lớn (tối đa {MAX_TEMPLATE // 1048576} MB)")
    return data


def _root_of(path: Path) -> Path:
    """The folder a template's links must stay in: the inputs folder for a unit's `mau/`, else its own folder."""
    folder = path.parent
    return folder.parent.parent if folder.name == UNIT_FOLDER else folder


def folder_problems(folder: Path) -> tuple[list[str], list[str]]:
    """(errors, warnings) of one template folder a build was told to use: it must be a folder; each entry
    named as a template must be usable; a template under another name (“… (1).docx”, “.docm”) is named."""
    expected = [spec.template for spec in DOCUMENTS]
    shown = ", ".join(expected)
    try:
        if os.path.islink(folder) and not _within(folder, _root_of(folder / "x")) and folder.name == UNIT_FOLDER:
            return [f"{folder}: liên kết trỏ ra ngoài thư mục dữ liệu — không dùng; chép các mẫu vào thư mục {folder}"], []
        if not folder.exists():
            what = "liên kết hỏng" if os.path.islink(folder) else "không có thư mục này"
            return [f"{folder}: {what}; cần một thư mục chứa mẫu .docx đặt đúng tên ({shown})"], []
        if not folder.is_dir():
            return [f"{folder}: là một tệp, không phải thư mục; cần một thư mục chứa mẫu .docx đặt đúng tên ({shown})"], []
        names = sorted(p.name for p in folder.iterdir())
    except OSError as exc:
        from pipeline.core.oserrors import explain

        return [f"{folder}: {explain(exc, folder)}"], []
    errors, warnings = [], []
    found = [n for n in names if n in expected]
    root = _root_of(folder / "x")
    for name in found:
        problem = _entry_problem(folder / name, root)
        if problem:
            errors.append(problem)
    stems = {Path(n).stem: n for n in expected}
    strays = [n for n in names if n not in expected and not n.startswith((".", "~$"))
              and Path(n).suffix.lower() in TEMPLATE_SUFFIXES]
    for name in strays:
        meant = stems.get(Path(name).stem) or next(iter(difflib.get_close_matches(name, expected, n=1)), None)
        if Path(name).suffix.lower() in (".docm", ".dotm"):
            errors.append(f"{folder / name}: mẫu có macro (.docm/.dotm) không được dùng; lưu lại bằng Word dạng "
                          f"“Word Document (.docx)”" + (f" với tên {meant}" if meant else ""))
        elif not found:
            errors.append(f"{folder / name}: tên không phải tên mẫu" + (f" (có phải {meant}?)" if meant else "")
                          + f"; cần đặt đúng một trong các tên: {shown}")
        else:
            warnings.append(f"{folder / name}: không dùng (tên không phải tên mẫu"
                            + (f"; có phải {meant}?)" if meant else ")"))
    if not found and not strays and folder.name != UNIT_FOLDER:  # a unit's empty mau/ asks for nothing
        errors.append(f"{folder}: không có mẫu nào; cần một hoặc nhiều tệp đặt đúng tên: {shown}")
    return errors, warnings


def clean_package(data: bytes) -> bytes:
    """A .docx as Word or LibreOffice re-saved it, with every zip entry once (the last one wins: it is
    what a reader that keeps going sees). Unchanged when there is nothing to fix."""
    if not zips.has_duplicates(data):
        return data
    return zips.write(zips.last_entries(data).items())


def fingerprint(paths: list[Path]) -> str:
    """The templates' content (an unreadable one counts as its reason: the build then refuses it)."""
    h = hashlib.sha256()
    for path in paths:
        try:
            data = read_template(path, _root_of(path)) if os.path.lexists(path) else b""
        except TemplateFileError as exc:
            data = b"!" + str(exc).encode()
        h.update(str(path.name).encode() + b"\0" + data + b"\0")
    return h.hexdigest()


# ---------------------------------------------------------------- the parts docxtpl renders

@dataclass
class Part:
    name: str  # in Vietnamese: “thân văn bản”, “đầu trang 1”…
    xml: str  # after docxtpl's own patching (what Jinja sees)
    raw: str  # as stored (for curly quotes)


def parts(data: bytes) -> list[Part]:
    from pipeline.render.docxtpl_adapter import template_parts

    counts: dict[str, int] = {}
    out = []
    for kind, xml, raw in template_parts(clean_package(data)):
        counts[kind] = counts.get(kind, 0) + 1
        if kind.startswith("property:"):
            name = f"thuộc tính tệp “{kind.split(':', 1)[1]}”"
        else:
            name = {"body": "thân văn bản", "header": f"đầu trang {counts[kind]}", "footer": f"chân trang {counts[kind]}",
                    "footnotes": "chú thích cuối trang"}[kind]
        out.append(Part(name, xml, raw))
    return out
