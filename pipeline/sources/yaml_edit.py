"""Round-trip editing of an officer's input: change a few values, keep every other byte as typed.

    doc = load_for_edit("inputs/tan-my/2025.yaml")   # decoded as the loader decodes; a symlink is followed
    doc.get(("report", "date"))                       # the value as the loader reads it
    doc.set(("report", "date"), FILL)                 # replace one value (its own text only)
    doc.set(("report", "purpose"), Block("…"))        # free text as a `|` block
    doc.set(("staff_counts",), people, key="staff")   # replace an entry and rename its key
    doc.add(("report",), "summary_date", "07/01/2025")  # a key the mapping does not have yet
    doc.save()                                        # or doc.save_as(new_path) for a new file

ruamel.yaml parses the file into events with their exact positions; each edit replaces the text of
one value and nothing else, with the new value written by ruamel.yaml's emitter (block style, the
file's indentation). So comments, key order, quoting, blank lines, anchors and aliases outside the
edited values, line endings (CRLF stays CRLF), the encoding and its BOM stay byte for byte. An
anchor defined in a replaced value and used elsewhere is written out at its uses, so that those keep
meaning what they meant: an edit changes the value it names and no other.

Before anything is written the new text is read by the loader itself (`pipeline.sources.load.parse`): it must
parse, every edited value must read back as given (a name “2024-01-01” stays text, never a date), and
every other value must read exactly as before; otherwise `InputError` names the file and line. The
write is atomic: a temporary file in the target's own folder, then `os.replace` onto the real file a
symlink points to (the link stays a link); the temporary file never outlives the call, and a file
changed on disk since `load_for_edit` is not overwritten.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.core.problems import InputError, Path_, Problem, field_path
from pipeline.sources.files import MAX_BYTES, Decoded, DecodeError, SourceError, decode, read_bytes


class Block(str):
    """Free text to be written as a `|` block: colons, quotes, braces, `#` and line breaks stay literal."""


@dataclass
class _Node:
    kind: str  # scalar | map | seq | alias
    start: int
    end: int  # end of the node's own text (a block collection: end of its last entry)
    line: int
    col: int
    anchor: str | None = None
    style: str | None = None  # a scalar's style; "flow" for a flow collection
    flow: bool = False  # inside a flow collection (block style impossible here)
    items: list = field(default_factory=list)  # map: [(key, value)], seq: [node]
    value: str | None = None  # a scalar's text, an alias's anchor
    path: Path_ | None = None  # where it is in the loaded data (None: under a complex key or a merge)


@dataclass
class _Edit:
    start: int
    end: int
    text: str
    removed: Path_ | None  # the path whose old value is gone
    path: Path_  # where the new value is
    expect: Any


_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029]")


class Document:
    """An input file opened for editing; see the module's docstring."""

    def __init__(self, path: Path, real: Path, raw: bytes, decoded: Decoded):
        from pipeline.sources.load import parse, strip_controls

        self.path, self.real, self.raw, self.decoded = path, real, raw, decoded
        self.text = decoded.text
        self.newline = "\r\n" if self.text.count("\r\n") * 2 > self.text.count("\n") else "\n"
        self.data, self.lines, _, _ = parse(strip_controls(self.text), str(path))
        # the positions' text: same length as the file's, what ruamel's reader refuses made a space
        self._root = _tree(_CONTROLS.sub(" ", self.text))
        self._edits: list[_Edit] = []

    # -- reading ---------------------------------------------------------------------------------
    def get(self, path: Path_, default: Any = None) -> Any:
        """The value at `path` as the loader reads it (aliases and merge keys resolved)."""
        node: Any = self.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return default
        return node

    def has(self, path: Path_) -> bool:
        sentinel = object()
        return self.get(path, sentinel) is not sentinel

    def source_of(self, path: Path_) -> str | None:
        """The file's own text of the value at `path` (None: not written in the file)."""
        located = self._locate(tuple(path))
        return None if located is None else self.text[located[1].start:located[1].end]

    def line_of(self, path: Path_) -> int | None:
        while path:
            if tuple(path) in self.lines:
                return self.lines[tuple(path)]
            path = path[:-1]
        return None

    # -- editing ---------------------------------------------------------------------------------
    def set(self, path: Path_, value: Any, key: str | None = None) -> None:
        """Replace the value at `path` (its key's line and comment stay); `key` renames the key too.
        A key that is only merged in (`<<: *base`) is added to the mapping, where it wins."""
        path = tuple(path)
        located = self._locate(path)
        if located is None:
            if len(path) and isinstance(path[-1], str) and self._locate(path[:-1]) is not None:
                return self.add(path[:-1], key or path[-1], value)
            self._fail(path, "không tìm thấy trường này trong tệp để sửa")
        owner, node, keynode = located
        new_path = path[:-1] + (key,) if key else path
        start, end, text = self._replacement(owner, node, keynode, value, key)
        self._push(_Edit(start, end, text, path if key else None, new_path, value))

    def add(self, parent: Path_, key: str, value: Any) -> None:
        """Add `key: value` at the end of the mapping at `parent` (a top-level one: `parent=()`)."""
        parent = tuple(parent)
        located = self._locate(parent) if parent else (None, self._root, None)
        if located is None or located[1].kind != "map":
            self._fail(parent, "không thêm được trường vào chỗ này (không phải bảng “tên: giá trị”)")
        _, node, _ = located
        if node.style == "flow":
            inline = _flow(value)
            close = self.text.rindex("}", node.start, node.end)
            sep = ", " if node.items else ""
            self._push(_Edit(close, close, f"{sep}{_flow_key(key)}: {inline}", None, parent + (key,), value))
            return
        col = node.items[0][0].col if node.items else 0
        header, body = _render(value, col)
        text = f"{_key_text(key)}:{header}" + "".join("\n" + line for line in body)
        at = _eol(self.text, node.end) if node.items else len(self.text.rstrip())
        if not node.items and not self.text.strip():
            at = 0
        self._push(_Edit(at, at, ("\n" if at else "") + " " * col + text, None, parent + (key,), value))

    def replace_text(self, path: Path_, value: str) -> None:
        """Replace a text value, keeping its style when it was a `|`/`>` block (new text as a block)."""
        located = self._locate(tuple(path))
        style = located[1].style if located else None
        self.set(path, Block(value) if style in ("|", ">") or "\n" in value.strip() else value)

    @property
    def changed(self) -> bool:
        return bool(self._edits)

    def render(self) -> str:
        """The new text (the file's own line endings), checked as `save` checks it."""
        text = self._splice()
        self._verify(text)
        return text

    def _splice(self) -> str:
        text = self.text
        edits = list(enumerate(self._edits + self._anchor_edits()))
        for _, e in sorted(edits, key=lambda ie: (ie[1].start, ie[0]), reverse=True):
            # written parts use "\n": they take the file's line ending (a copied "\r\n" stays one)
            piece = re.sub(r"\r?\n", self.newline, e.text) if self.newline != "\n" else e.text
            text = text[: e.start] + piece + text[e.end:]
        return text

    def save(self) -> Path:
        """Write the edits back onto the file (through a symlink, onto its target); returns the real path."""
        data = self._bytes()
        try:
            current = self.real.read_bytes()
        except OSError:
            current = None
        if current != self.raw:
            raise InputError([Problem(str(self.path), None, "", (
                "tệp vừa bị sửa ở nơi khác (Notepad, trình soạn thảo…) trong lúc máy đang sửa; "
                "không ghi đè — lưu và đóng tệp rồi chạy lại lệnh"))])
        write_atomic(self.real, data)
        return self.real

    def save_as(self, target: Path) -> Path:
        """Write the edited text as a new file `target` (refused if it exists), same encoding and line endings."""
        data = self._bytes(name=str(target))
        write_atomic(Path(target), data, exclusive=True)
        return Path(target)

    # -- inside ----------------------------------------------------------------------------------
    def _bytes(self, name: str | None = None) -> bytes:
        text = self._splice()
        data = self.decoded.encode(text)
        if len(data) > MAX_BYTES:
            raise InputError([Problem(name or str(self.path), None, "", (
                f"sau khi sửa tệp sẽ quá lớn ({len(data) / 1048576:.1f} MB; tối đa {MAX_BYTES // 1048576} MB) "
                "— chưa ghi gì, tệp giữ nguyên"))])
        self._verify(text)
        return data

    def _fail(self, path: Path_, message: str):
        raise InputError([Problem(str(self.path), self.line_of(path), field_path(path), message)])

    def _push(self, edit: _Edit) -> None:
        for other in self._edits:
            if edit.start < other.end and other.start < edit.end:
                self._fail(edit.path, "hai chỗ sửa chồng lên nhau trong tệp")
        self._edits.append(edit)

    def _locate(self, path: Path_):
        """(owner index, node, key node) of the value at `path` written in the file, or None."""
        from pipeline.core.textnorm import clean_text

        node, owner, keynode = self._root, None, None
        for part in path:
            if node.kind == "alias":
                self._fail(path, f"giá trị này lấy từ alias *{node.value}; sửa ở chỗ đặt neo &{node.value}")
            if node.kind == "map" and isinstance(part, str):
                for k, v in node.items:
                    if k.kind == "scalar" and clean_text(k.value or "").strip() == part:
                        owner, node, keynode = self.text.index(":", k.end), v, k
                        break
                else:
                    return None
            elif node.kind == "seq" and isinstance(part, int) and 0 <= part < len(node.items):
                item = node.items[part]
                owner, node, keynode = (item.start - 1 if item.flow else self.text.rindex("-", 0, item.start)), item, None
            else:
                return None
        return owner, node, keynode

    def _replacement(self, owner: int, node: _Node, keynode: _Node | None, value: Any, key: str | None):
        text = self.text
        if node.flow:  # inside a flow collection: one line, flow style
            if key is not None and keynode is not None:
                return keynode.start, node.end, f"{_flow_key(key)}: {_flow(value)}"
            return node.start, node.end, _flow(value)
        owner_col = keynode.col if keynode is not None else _col(text, owner)
        anchor = ""  # an anchor goes with its old value (its aliases are written out, see _anchor_edits)
        later_line = node.line > _line(text, owner)
        block_below = later_line and node.kind in ("map", "seq") and not node.anchor
        header, body = _render(value, max(node.col - 2, owner_col) if block_below else owner_col)
        if block_below and body and not header.strip():
            # block collection to block collection: from the first entry's line (the key's line and the
            # comments above the first entry stay)
            # a comment after the last old entry belonged to it and goes with it
            start, end, new = text.rindex("\n", 0, node.start) + 1, _eol(text, node.end), "\n".join(body)
        elif later_line:
            start, end = owner + 1, node.end
            m = re.search(r"\s+#.*$", text[owner + 1: _eol(text, owner)])
            new = anchor + header + (m.group(0) if m else "") + "".join("\n" + line for line in body)
        else:  # the old value starts on the key's line
            start, end = owner + 1, node.end
            comment = ""
            if node.style in ("|", ">"):  # `key: |  # note`: the note stays on the key's line
                m = re.match(r"(?:[&!]\S*\s+)*[|>][-+0-9]*(\s+#.*)?$", text[node.start:_eol(text, node.start)])
                comment = (m.group(1) or "").rstrip() if m else ""
            if body and not comment:  # lines follow: a comment after the old value moves up to the key's line
                eol = _eol(text, end)
                m = re.match(r"\s+#.*$", text[end:eol])
                if m:
                    comment, end = m.group(0).rstrip(), eol
            new = anchor + header + comment + "".join("\n" + line for line in body)
        if key is not None and keynode is not None:
            new = f"{_key_text(key)}:" + (new if start == owner + 1 else text[owner + 1: start] + new)
            start = keynode.start
        return start, end, new

    def _anchor_edits(self) -> list[_Edit]:
        """Aliases outside the edits whose anchor was defined inside a replaced value: written out as values."""
        regions = [(e.start, e.end) for e in self._edits if e.end > e.start]
        if not regions:
            return []
        defs: list[_Node] = []
        aliases: list[_Node] = []
        _collect(self._root, defs, aliases)
        out = []
        for alias in aliases:
            if any(s <= alias.start < e for s, e in regions):
                continue
            before = [d for d in defs if d.anchor == alias.value and d.start < alias.start]
            if not before:
                continue
            d = max(before, key=lambda n: n.start)
            if not any(s <= d.start < e for s, e in regions):
                continue
            if d.path is None or not self.has(d.path):
                self._fail(alias.path or (), f"alias *{alias.value} dùng neo &{alias.value} nằm trong phần được thay; "
                                             "không tự sửa được — thay alias bằng giá trị rồi chạy lại")
            out.append(_Edit(alias.start, alias.end, _flow(self.get(d.path)), None, (), None))
        return out

    def _verify(self, text: str) -> None:
        """The loader reads the new text; edited values read as given; everything else as before."""
        from pipeline.sources.load import parse, strip_controls

        data, lines, _, _ = parse(strip_controls(text), str(self.path))
        edited = {e.path: e for e in self._edits}
        removed = {e.removed for e in self._edits if e.removed}

        def bad(path: Path_, message: str):
            raise InputError([Problem(str(self.path), lines.get(path) or self.line_of(path), field_path(path), message)])

        def walk(old: Any, new: Any, path: Path_) -> None:
            if path in edited:
                if not _same(_expected(edited[path].expect), new, loose=True):
                    bad(path, f"sau khi sửa, giá trị đọc lại là {_shown(new)}, không phải {_shown(edited[path].expect)} — chưa ghi gì")
                return
            if isinstance(old, dict) and isinstance(new, dict):
                for k in set(old) | set(new):
                    p = path + (k,)
                    if p in removed:
                        continue
                    if p in edited:
                        walk(old.get(k), new.get(k), p)
                    elif k not in old or k not in new:
                        bad(p, "sau khi sửa, một trường khác bị mất hoặc thêm vào — chưa ghi gì")
                    else:
                        walk(old[k], new[k], p)
                return
            if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
                for i, (a, b) in enumerate(zip(old, new)):
                    walk(a, b, path + (i,))
                return
            if not _same(old, new):
                bad(path, f"sau khi sửa, giá trị này đổi từ {_shown(old)} thành {_shown(new)} — chưa ghi gì")

        walk(self.data, data, ())


def _collect(node: _Node, defs: list, aliases: list) -> None:
    if node.kind == "alias":
        aliases.append(node)
        return
    if node.anchor:
        defs.append(node)
    for item in node.items:
        for n in (item if isinstance(item, tuple) else (item,)):
            _collect(n, defs, aliases)


def _same(a: Any, b: Any, loose: bool = False) -> bool:
    from pipeline.sources.load import Int

    if isinstance(a, str) and isinstance(b, str):
        return a.rstrip("\n") == b.rstrip("\n") if loose else a == b
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, Int) and isinstance(b, Int) and not loose:
        return a.source == b.source
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], loose) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y, loose) for x, y in zip(a, b))
    if isinstance(a, int) and isinstance(b, int):
        return int(a) == int(b)
    return type(a) is type(b) and a == b


def _expected(value: Any) -> Any:
    """What the loader gives back for a value written by `set`: NFC text; `CẦN ĐIỀN` is “to fill” (None)."""
    from pipeline.core.textnorm import clean_text
    from pipeline.sources.load import FILL

    if isinstance(value, str):
        return None if value.strip() == FILL else clean_text(str(value))
    if isinstance(value, dict):
        return {k: _expected(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_expected(v) for v in value]
    if value == "":
        return None
    return value


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:60] + "…"


# -- positions ------------------------------------------------------------------------------------
def _tree(text: str) -> _Node:
    """The document's nodes with their positions, from ruamel.yaml's parser events."""
    from ruamel.yaml import YAML, events as ev
    from ruamel.yaml.error import YAMLError

    try:
        events = list(YAML(typ="rt").parse(text))
    except YAMLError:  # the loader already accepted it; ruamel is stricter in a corner: no position, no edit
        raise InputError([Problem("", None, "", "không đọc được vị trí các trường để sửa tệp")]) from None
    from pipeline.core.textnorm import clean_text

    stack: list[tuple[_Node, list]] = []
    root: _Node | None = None

    def attach(node: _Node) -> None:
        nonlocal root
        if not stack:
            root, node.path = node, ()
            return
        parent, pending = stack[-1]
        if parent.kind == "seq":
            node.path = parent.path + (len(parent.items),) if parent.path is not None else None
            parent.items.append(node)
        elif pending:
            k = pending.pop()
            plain = k.kind == "scalar" and parent.path is not None and not (k.value == "<<" and not k.style)
            node.path = parent.path + (clean_text(k.value or "").strip(),) if plain else None
            parent.items.append((k, node))
        else:
            pending.append(node)

    for e in events:
        m = e.start_mark
        flow = any(s[0].style == "flow" for s in stack)
        if isinstance(e, ev.ScalarEvent):
            attach(_Node("scalar", m.index, _scalar_end(text, e), m.line, m.column, e.anchor, e.style, flow, value=e.value))
        elif isinstance(e, ev.AliasEvent):
            attach(_Node("alias", m.index, e.end_mark.index, m.line, m.column, None, None, flow, value=e.anchor))
        elif isinstance(e, (ev.MappingStartEvent, ev.SequenceStartEvent)):
            node = _Node("map" if isinstance(e, ev.MappingStartEvent) else "seq", m.index, m.index, m.line, m.column,
                         e.anchor, "flow" if e.flow_style else None, flow)
            attach(node)
            stack.append((node, []))
        elif isinstance(e, (ev.MappingEndEvent, ev.SequenceEndEvent)):
            node, _ = stack.pop()
            if node.style == "flow":
                node.end = e.end_mark.index
            else:
                last = node.items[-1] if node.items else None
                last = last[1] if isinstance(last, tuple) else last
                node.end = last.end if last is not None else node.start
    return root or _Node("map", 0, 0, 0, 0, path=())


def _scalar_end(text: str, e) -> int:
    end = e.end_mark.index
    if e.style in ("|", ">") and not re.match(r"[|>][-0-9]*\+", text[e.start_mark.index:].lstrip("&" + (e.anchor or "") + " ")):
        while end > e.start_mark.index and text[end - 1] in " \t\r\n":
            end -= 1
    return end


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index)


def _col(text: str, index: int) -> int:
    return index - (text.rfind("\n", 0, index) + 1)


def _eol(text: str, index: int) -> int:
    n = text.find("\n", index)
    n = len(text) if n < 0 else n
    return n - 1 if n > 0 and text[n - 1] == "\r" else n


# -- writing values -------------------------------------------------------------------------------
def _yaml():
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.width = 1 << 30  # never fold a long line
    y.indent(mapping=2, sequence=4, offset=2)
    y.allow_unicode = True
    return y


def _plain(value: Any) -> Any:
    """Values as ruamel.yaml should write them: free text as a literal block, the loader's own integers as ints."""
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(value, Block):
        text = str(value).rstrip("\n")
        return LiteralScalarString(text + "\n") if text.strip() else ""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _render(value: Any, col: int) -> tuple[str, list[str]]:
    """(what follows the colon on the key's line, the lines below it indented from `col`)."""
    buf = io.StringIO()
    _yaml().dump({"k": _plain(value)}, buf)
    lines = buf.getvalue().rstrip("\n").split("\n")
    header = lines[0][2:]  # after "k:"
    body = [(" " * col + line) if line.strip() else "" for line in lines[1:]]
    if not body:
        header = " " + _safe_scalar(value, header.strip())
    return header, body


def _safe_scalar(value: Any, written: str) -> str:
    """A one-line scalar as ruamel wrote it, double-quoted instead if the loader would read it otherwise."""
    if value is None:
        return ""
    if not isinstance(value, str) or isinstance(value, Block):
        return written
    try:
        from pipeline.sources.load import compose, scalar

        node = compose(f"k: {written}\n").value[0][1]
        if scalar(node) == value:
            return written
    except Exception:  # noqa: BLE001 - anything odd: quote it
        pass
    return json.dumps(str(value), ensure_ascii=False)


def _flow(value: Any) -> str:
    """A value in flow style, every text double-quoted (exact inside `{…}` and `[…]`)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return getattr(value, "source", None) or str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flow_key(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _flow_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else json.dumps(key, ensure_ascii=False)


def _key_text(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else json.dumps(key, ensure_ascii=False)


# -- files ----------------------------------------------------------------------------------------
def load_for_edit(path: str | Path) -> Document:
    """Open an input for editing: its bytes read safely, decoded as the loader decodes them, parsed."""
    path = Path(path)
    real = Path(os.path.realpath(path))
    try:
        raw = read_bytes(path)
        decoded = decode(raw)
    except SourceError as exc:
        raise InputError([Problem(str(path), None, "", str(exc).removeprefix(f"{path}: "))]) from None
    except DecodeError as exc:
        raise InputError([Problem(str(path), exc.line, "", exc.message)]) from None
    try:
        return Document(path, real, raw, decoded)
    except InputError as exc:  # name the file the officer named
        raise InputError([Problem(str(path), p.line, p.field, p.message, p.warning) for p in exc.problems]) from None


def write_atomic(target: Path, data: bytes, exclusive: bool = False) -> None:
    """`data` onto `target` whole or not at all: a temporary file beside it, then os.replace. With
    `exclusive`, a target that exists (even as a broken link) is refused with FileExistsError."""
    target = Path(target)
    if exclusive and (target.exists() or target.is_symlink()):
        raise FileExistsError(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        if exclusive:
            try:
                os.link(tmp, target)  # fails if the target appeared meanwhile
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links (FAT, some shares)
                if target.exists() or target.is_symlink():
                    raise FileExistsError(target) from None
                os.replace(tmp, target)
            else:
                os.unlink(tmp)
        else:
            os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
