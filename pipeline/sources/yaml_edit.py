"""Round-trip editing of an officer's input: change a few values, keep every other byte as typed.

    doc = load_for_edit("inputs/tan-my/2025.yaml")   # decoded as the loader decodes; a symlink is followed
    doc.get(("report", "date"))                       # the value as the loader reads it
    doc.set(("report", "date"), FILL)                 # replace one value (its own text only)
    doc.set(("report", "purpose"), Block("…"))        # free text as a `|` block
    doc.set(("staff_counts",), people, key="staff")   # replace an entry and rename its key
    doc.add(("report",), "summary_date", "07/01/2025")  # a key the mapping does not have yet
    doc.delete(("staff", 2))                          # one list item, or one `key: value` entry, with its lines
    doc.insert(("staff",), 2, person)                 # a new list item before the third (len: at the end)
    doc.update(old, new, leaf)                        # a whole new version (the web editor's save), see `update`
    doc.save()                                        # or doc.save_as(new_path) for a new file

ruamel.yaml parses the file into events with their exact positions; each edit replaces the text of
one value (or removes one entry's lines, or adds lines) and nothing else, with new values written by
ruamel.yaml's emitter in block style at the file's own indentation (detected from the file). So comments,
key order, quoting, blank lines, anchors and aliases outside the edited values, line endings (CRLF stays
CRLF), the encoding and its BOM stay byte for byte. An anchor defined in a replaced or removed value and
used elsewhere is written out at its uses, so that those keep meaning what they meant: an edit changes
the value it names and no other.

Before anything is written the new text is read by the loader itself (`pipeline.sources.load.parse`): it must
parse, every edited value must read back as given (a name “2024-01-01” stays text, never a date), every
removed entry must be gone and every other value must read exactly as before; otherwise `InputError`
names the file and line. The write is atomic: a temporary file in the target's own folder, then
`os.replace` onto the real file a symlink points to (the link stays a link); the temporary file never
outlives the call, and a file changed on disk since `load_for_edit` is not overwritten.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

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
    op: str  # set | add | delete | insert | "" (an alias written out: the meaning stays)
    path: Path_  # in the file as read: set, delete: the value's; add: the mapping's + (key,); insert: the list's + (index,)
    expect: Any = None  # what the loader must read there afterwards (set, add, insert)
    key: str | None = None  # set: the key's new name


class _Given:
    """An edited value in the expected data: compared with what the loader reads as the edit wrote it."""

    def __init__(self, value: Any):
        self.value = value


Leaf = Callable[[Path_, Any, Any], Any]  # (path in the new data, the file's own scalar there or None, new value) → value to write


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
        self.indent = _indentation(self.text, self._root)
        self._edits: list[_Edit] = []

    @classmethod
    def of_text(cls, text: str, path: str | Path = "") -> "Document":
        """A text not read from a file (UTF-8 without BOM when encoded), named `path` in problems."""
        path = Path(path)
        return cls(path, Path(os.path.realpath(path)), text.encode("utf-8"), Decoded(text, "utf-8", b""))

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
        start, end, text = self._replacement(owner, node, keynode, value, key)
        self._push(_Edit(start, end, text, "set", path, value, key))

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
            self._push(_Edit(close, close, f"{sep}{_flow_key(key)}: {inline}", "add", parent + (key,), value))
            return
        col = node.items[0][0].col if node.items else 0
        header, body = _render(value, col, self.indent)
        text = f"{_key_text(key)}:{header}" + "".join("\n" + line for line in body)
        at = _eol(self.text, node.end) if node.items else len(self.text.rstrip())
        if not node.items and not self.text.strip():
            at = 0
        self._push(_Edit(at, at, ("\n" if at else "") + " " * col + text, "add", parent + (key,), value))

    def delete(self, path: Path_) -> None:
        """Remove one entry: a list item, or a `key: value` of a mapping, with the lines it was written on
        (comment lines above it stay). The last entry of a collection becomes `[]` or `{}`."""
        path = tuple(path)
        located = self._locate(path) if path else None
        if located is None:
            self._fail(path, "không tìm thấy trường này trong tệp để xóa")
        _, node, keynode = located
        parent = self._locate(path[:-1])[1] if len(path) > 1 else self._root
        entries = [(k.start, v) for k, v in parent.items] if parent.kind == "map" else \
            [(self._dash(item), item) for item in parent.items]
        at = next(i for i, (_, v) in enumerate(entries) if v is node)
        if len(entries) == 1:  # a block collection cannot be empty: the value becomes [] or {}
            if len(path) == 1:
                self._fail(path, "không xóa được trường duy nhất của tệp")
            return self.set(path[:-1], [] if parent.kind == "seq" else {})
        text = self.text
        begin, end = entries[at][0], max(node.end, keynode.end if keynode is not None else 0)
        if parent.style == "flow" or node.flow:
            if at + 1 < len(entries):  # up to the next entry, its comma with it
                start, stop = begin, entries[at + 1][0]
            else:  # from the end of the entry before, its comma with it
                start, stop = entries[at - 1][1].end, end
        else:
            line = text.rfind("\n", 0, begin) + 1
            if text[line:begin].strip():  # `- name: A` (the first key of a list item): the next key takes its place
                if at + 1 == len(entries):
                    self._fail(path, "không xóa được trường này (viết chung dòng với trường khác); sửa bằng Notepad")
                start, stop = begin, entries[at + 1][0]
            else:
                start, stop = line, _eol(text, end)
                if text.startswith("\r\n", stop):
                    stop += 2
                elif text.startswith("\n", stop):
                    stop += 1
                elif start:  # the file's last line: the line break before it goes
                    start -= 2 if text[start - 2:start] == "\r\n" else 1
        self._push(_Edit(start, stop, "", "delete", path))

    def insert(self, path: Path_, index: int, value: Any) -> None:
        """Add `value` to the list at `path` before its item `index` (as the file has them; `len` appends)."""
        path = tuple(path)
        located = self._locate(path) if path else None
        if located is None or located[1].kind != "seq":
            self._fail(path, "không thêm được mục vào chỗ này (không phải danh sách)")
        node = located[1]
        items, text = node.items, self.text
        if not 0 <= index <= len(items):
            self._fail(path, "không thêm được mục vào chỗ này")
        if node.style == "flow" or node.flow:
            inline = _flow(value)
            if not items:
                at, piece = text.rindex("]", node.start, node.end), inline
            elif index < len(items):
                at, piece = items[index].start, inline + ", "
            else:
                at, piece = items[-1].end, ", " + inline
            self._push(_Edit(at, at, piece, "insert", path + (index,), value))
            return
        dash = self._dash(items[0])
        line = text.rfind("\n", 0, dash) + 1
        if text[line:dash].strip():
            self._fail(path, "không thêm được mục vào danh sách này (viết chung dòng với mục khác); sửa bằng Notepad")
        lines = _render_item(value, _col(text, dash), self.indent)
        if index == 0:  # before the first item's line (comment lines above it stay above the list)
            self._push(_Edit(line, line, "\n".join(lines) + "\n", "insert", path + (0,), value))
        else:  # right after the item before it (comments above the next item stay with that item)
            at = _eol(text, items[index - 1].end)
            self._push(_Edit(at, at, "".join("\n" + x for x in lines), "insert", path + (index,), value))

    def update(self, old: Any, new: dict, leaf: Leaf) -> None:
        """Make the file hold `new` where it held `old` (both plain data in the caller's terms, e.g. the web
        form's JSON; `old` is what the file read as). Only what differs is touched: an equal value keeps its
        text, quotes and style; a mapping's missing key is deleted and a new one added; lists are matched item by
        item (difflib), so removing the third person removes that item and its lines, not the last one. `leaf`
        decides how each new scalar is written (None: an absent optional field, not added)."""
        if self._root.kind != "map" or not isinstance(new, dict):
            raise TypeError("the document must be a mapping")
        self._update_map(self._root, old if isinstance(old, dict) else {}, new, (), (), leaf)

    def _update_map(self, node: _Node, old: dict, new: dict, at: Path_, path: Path_, leaf: Leaf) -> None:
        """`at`: the path in the file as read (for the edits), `path`: in the new data (for `leaf`)."""
        from pipeline.core.textnorm import clean_text

        written = {}
        for k, v in node.items:
            if k.kind == "scalar" and not (k.value == "<<" and not k.style):
                written.setdefault(clean_text(k.value or "").strip(), v)
        if not new and written and at:
            return self.set(at, {})
        for key in [k for k in written if k not in new]:
            self.delete(at + (key,))
        for key, value in new.items():
            if key in old and _plain_same(old[key], value):
                continue
            if key in written:
                self._update_value(written[key], old.get(key), value, at + (key,), path + (key,), leaf)
            else:  # not written in the file (or only merged in with `<<`): added, where it wins
                stored = _leafed(value, path + (key,), leaf)
                if stored is not None:
                    self.add(at, key, stored)

    def _update_value(self, node: _Node, old: Any, new: Any, at: Path_, path: Path_, leaf: Leaf) -> None:
        if isinstance(new, dict) and node.kind == "map" and isinstance(old, dict):
            return self._update_map(node, old, new, at, path, leaf)
        if isinstance(new, list) and node.kind == "seq" and isinstance(old, list) and len(old) == len(node.items):
            return self._update_seq(node, old, new, at, path, leaf)
        if isinstance(new, (dict, list)):
            return self.set(at, _leafed(new, path, leaf))
        mine = None
        if node.kind == "scalar":
            mine = Block(node.value or "") if node.style in ("|", ">") else node.value
        self.set(at, leaf(path, mine, new))

    def _update_seq(self, node: _Node, old: list, new: list, at: Path_, path: Path_, leaf: Leaf) -> None:
        if not new:
            return self.set(at, [])
        mark = len(self._edits)
        try:
            keys_old = [json.dumps(o, sort_keys=True, ensure_ascii=False, default=str) for o in old]
            keys_new = [json.dumps(n, sort_keys=True, ensure_ascii=False, default=str) for n in new]
            for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, keys_old, keys_new, autojunk=False).get_opcodes():
                if tag == "equal":
                    continue
                common = min(i2 - i1, j2 - j1) if tag == "replace" else 0
                for k in range(common):  # the common part of a replacement is updated in place
                    self._update_value(node.items[i1 + k], old[i1 + k], new[j1 + k], at + (i1 + k,), path + (j1 + k,), leaf)
                for i in range(i1 + common, i2):
                    self.delete(at + (i,))
                for j in range(j1 + common, j2):
                    self.insert(at, i1 + common, _leafed(new[j], path + (j,), leaf))
        except InputError:  # a layout the item edits cannot handle: the whole list is written anew
            del self._edits[mark:]
            self.set(at, _leafed(new, path, leaf))

    def replace_text(self, path: Path_, value: str) -> None:
        """Replace a text value, keeping its style when it was a `|`/`>` block (new text as a block)."""
        located = self._locate(tuple(path))
        style = located[1].style if located else None
        self.set(path, Block(value) if style in ("|", ">") or "\n" in value.strip() else value)

    @property
    def changed(self) -> bool:
        return bool(self._edits)

    def _dash(self, item: _Node) -> int:
        """Where the `-` of a block list item is (a flow item: where it starts)."""
        return item.start if item.flow else self.text.rindex("-", 0, item.start)

    def render(self) -> str:
        """The new text (the file's own line endings), checked as `save` checks it."""
        text = self._splice()
        self._verify(text)
        return text

    def _splice(self) -> str:
        text = self.text
        edits = list(enumerate(self._edits + self._anchor_edits()))
        # from the end back; at one place a replacement goes first, so that text added there stays before it
        for _, e in sorted(edits, key=lambda ie: (ie[1].start, ie[1].end > ie[1].start, ie[0]), reverse=True):
            # written parts use "\n": they take the file's line ending (a copied "\r\n" stays one)
            piece = re.sub(r"\r?\n", self.newline, e.text) if self.newline != "\n" else e.text
            text = text[: e.start] + piece + text[e.end:]
        return text

    def encoded(self) -> bytes:
        """The new file's bytes (its encoding, BOM and line endings), checked as `save` checks them."""
        return self._bytes()

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
        header, body = _render(value, max(node.col - 2, owner_col) if block_below else owner_col, self.indent)
        if block_below and body and not header.strip():
            # block collection to block collection: from the first entry's line (the key's line and the
            # comments above the first entry stay)
            # a comment after the last old entry belonged to it and goes with it
            start, end, new = text.rindex("\n", 0, node.start) + 1, _eol(text, node.end), "\n".join(body)
        elif later_line:
            start, end = owner + 1, node.end
            if node.kind in ("map", "seq") and text[end:_eol(text, end)].strip().startswith("#"):
                end = _eol(text, end)  # a comment after the last old entry belonged to it and goes with it
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
        """The loader reads the new text; edited values read as given, removed ones are gone, added ones there;
        everything else reads as before."""
        from pipeline.sources.load import parse, strip_controls

        data, lines, _, _ = parse(strip_controls(text), str(self.path))

        def bad(path: Path_, message: str):
            raise InputError([Problem(str(self.path), lines.get(path) or self.line_of(path), field_path(path), message)])

        def walk(want: Any, got: Any, path: Path_) -> None:
            if isinstance(want, _Given):
                if not _same(_expected(want.value), got, loose=True):
                    bad(path, f"sau khi sửa, giá trị đọc lại là {_shown(got)}, không phải {_shown(want.value)} — chưa ghi gì")
                return
            if isinstance(want, dict) and isinstance(got, dict):
                for k in list(want) + [k for k in got if k not in want]:
                    if k not in want or k not in got:
                        bad(path + (k,), "sau khi sửa, một trường khác bị mất hoặc thêm vào — chưa ghi gì")
                    walk(want[k], got[k], path + (k,))
                return
            if isinstance(want, list) and isinstance(got, list):
                if len(want) != len(got):
                    bad(path, f"sau khi sửa, danh sách có {len(got)} mục, không phải {len(want)} — chưa ghi gì")
                for i, (a, b) in enumerate(zip(want, got)):
                    walk(a, b, path + (i,))
                return
            if not _same(want, got):
                bad(path, f"sau khi sửa, giá trị này đổi từ {_shown(want)} thành {_shown(got)} — chưa ghi gì")

        walk(self._expected_data(), data, ())

    def _expected_data(self) -> Any:
        """What the loader must read after the edits: the data as read, with each edit applied (edited values
        as `_Given`); paths are the file's as read, list positions those before any insert or delete."""
        sets = {e.path: e for e in self._edits if e.op == "set"}
        gone = {e.path for e in self._edits if e.op == "delete"}
        added: dict[Path_, list] = {}
        inserted: dict[Path_, list] = {}
        for e in self._edits:
            if e.op == "add":
                added.setdefault(e.path[:-1], []).append((e.path[-1], e.expect))
            elif e.op == "insert":
                inserted.setdefault(e.path, []).append(e.expect)

        def build(value: Any, path: Path_) -> Any:
            if path in sets:
                return _Given(sets[path].expect)
            if isinstance(value, dict):
                out = {}
                for k, v in value.items():
                    p = path + (k,)
                    if p not in gone:
                        out[sets[p].key if p in sets and sets[p].key else k] = build(v, p)
                for k, v in added.get(path, []):
                    out[k] = _Given(v)
                return out
            if isinstance(value, list):
                out = []
                for i, v in enumerate(value):
                    out += [_Given(x) for x in inserted.get(path + (i,), [])]
                    if path + (i,) not in gone:
                        out.append(build(v, path + (i,)))
                return out + [_Given(x) for x in inserted.get(path + (len(value),), [])]
            return value

        return build(self.data, ())


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
            if node.kind == "scalar" and not node.value and node.style is None and not node.anchor:
                # an empty value (`key:` then a line break): ruamel puts it where the next token starts
                colon = text.find(":", k.end)
                if 0 <= colon < node.start:
                    node.start = node.end = colon + 1
                    node.line, node.col = _line(text, colon), _col(text, colon + 1)
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
_INDENT = (2, 4, 2)  # ruamel.yaml's (mapping, sequence, offset): the scaffold's, for a file that shows none


def _indentation(text: str, root: _Node) -> tuple[int, int, int]:
    """The file's own indentation, the most common of each kind: a mapping's keys under their parent key, a
    list's `-` under its key, and an item's text after its `-`."""
    from collections import Counter

    maps, dashes, after = Counter(), Counter(), Counter()

    def walk(node: _Node) -> None:
        if node.kind == "map" and node.style != "flow":
            for k, v in node.items:
                if v.style == "flow" or not v.items or v.line == k.line:
                    pass
                elif v.kind == "map":
                    maps[v.items[0][0].col - k.col] += 1
                elif v.kind == "seq":
                    dash = text.rindex("-", 0, v.items[0].start)
                    dashes[_col(text, dash) - k.col] += 1
                    first = v.items[0]
                    if first.line == _line(text, dash) and first.kind in ("map", "scalar") and first.value != "":
                        after[first.col - _col(text, dash)] += 1
        for item in node.items:
            for n in (item if isinstance(item, tuple) else (item,)):
                walk(n)

    walk(root)
    m = maps.most_common(1)[0][0] if maps else _INDENT[0]
    o = dashes.most_common(1)[0][0] if dashes else _INDENT[2]
    c = after.most_common(1)[0][0] if after else _INDENT[1] - _INDENT[2]
    if m < 1 or o < 0 or c < 2:
        return _INDENT
    return m, o + c, o


def _yaml(indent: tuple[int, int, int] = _INDENT):
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.width = 1 << 30  # never fold a long line
    y.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
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


def _render(value: Any, col: int, indent: tuple[int, int, int] = _INDENT) -> tuple[str, list[str]]:
    """(what follows the colon on the key's line, the lines below it indented from `col`)."""
    buf = io.StringIO()
    _yaml(indent).dump({"k": _plain(value)}, buf)
    lines = buf.getvalue().rstrip("\n").split("\n")
    header = lines[0][2:]  # after "k:"
    body = [(" " * col + line) if line.strip() else "" for line in lines[1:]]
    if not body:
        written = _safe_scalar(value, header.strip())
        header = " " + written if written else ""
    return header, body


def _render_item(value: Any, col: int, indent: tuple[int, int, int]) -> list[str]:
    """The lines of a new list item, its `-` at `col`."""
    buf = io.StringIO()
    _yaml(indent).dump({"k": [_plain(value)]}, buf)
    lines = buf.getvalue().rstrip("\n").split("\n")[1:]
    return [(" " * col + line[indent[2]:]) if line.strip() else "" for line in lines]


def _leafed(value: Any, path: Path_, leaf: Leaf) -> Any:
    """A new part of the data as `update` writes it: each scalar as `leaf` says, a mapping's None left out."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            stored = _leafed(v, path + (k,), leaf)
            if stored is not None:
                out[k] = stored
        return out
    if isinstance(value, list):
        return [_leafed(v, path + (i,), leaf) for i, v in enumerate(value)]
    return leaf(path, None, value)


def _plain_same(a: Any, b: Any) -> bool:
    """Equal as plain data (the caller's own terms: `update`'s old and new)."""
    return json.dumps(a, sort_keys=True, ensure_ascii=False, default=str) == json.dumps(b, sort_keys=True, ensure_ascii=False, default=str)


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
def load_for_edit(path: str | Path, raw: bytes | None = None) -> Document:
    """Open an input for editing: its bytes read safely, decoded as the loader decodes them, parsed. `raw`: the
    bytes of `path` as an editor read them earlier (the web form's version); `save` then writes only if the file
    still holds them."""
    path = Path(path)
    real = Path(os.path.realpath(path))
    try:
        raw = read_bytes(path) if raw is None else raw
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
