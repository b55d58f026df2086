"""Round-trip editing of an input file: apply new values onto the officer's YAML, keeping every comment,
the order of fields, quotes and block styles of what did not change (ruamel.yaml's round-trip mode).

Only what differs is touched: a value equal to the old one leaves its node as it was typed (`có` stays
`có`, a `>` block stays folded). Lists are matched item by item (difflib), so removing the third person
of a roster removes that item and its comments, not the last one. The caller gives the old values as
the loader read them and decides how a new leaf is written (`leaf`); this module only edits the tree.
"""

from __future__ import annotations

import difflib
import functools
import io
import json
from typing import Any, Callable

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

# indentations tried, the scaffold's first: (mapping, sequence, offset)
_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 6, 4), (4, 4, 2), (4, 4, 0))

Leaf = Callable[[tuple, Any, Any], Any]  # (path, old node value or None, new value) → what to store


def _yaml(indent: tuple[int, int, int]) -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never fold a long line the officer typed on one
    y.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    return y


class Document:
    """One YAML text held as a round-trip tree."""

    def __init__(self, text: str):
        self.text = text
        self.indent = _indentation(text)
        self.tree = _yaml(self.indent).load(text)

    def update(self, old: Any, new: Any, leaf: Leaf) -> None:
        """Make the tree hold `new` where it held `old` (both plain values, as the loader read them)."""
        if not isinstance(self.tree, CommentedMap) or not isinstance(new, dict):
            raise TypeError("the document must be a mapping")
        _map(self.tree, old if isinstance(old, dict) else {}, new, (), leaf)

    def dump(self) -> str:
        return _dump(_yaml(self.indent), self.tree)


@functools.lru_cache(maxsize=64)
def _indentation(text: str) -> tuple[int, int, int]:
    """The indentation under which an untouched dump gives the text back (else the closest); remembered per text,
    since the editor opens the same version again and again."""
    best = None
    for indent in _INDENTS:
        y = _yaml(indent)
        out = _dump(y, y.load(text))
        if out == text:
            return indent
        score = sum(1 for line in difflib.ndiff(text.splitlines(), out.splitlines()) if line[:1] in "+-")
        if best is None or score < best[0]:
            best = (score, indent)
    return best[1]


def _dump(y: YAML, tree) -> str:
    buf = io.StringIO()
    y.dump(tree, buf)
    return buf.getvalue()


def _same(a, b) -> bool:
    return json.dumps(a, sort_keys=True, ensure_ascii=False, default=str) == json.dumps(b, sort_keys=True, ensure_ascii=False, default=str)


def _value(node, old, new, path: tuple, leaf: Leaf):
    """The node to store for `new` at `path` (the current node is `node`, read as `old`)."""
    if isinstance(new, dict):
        target = node if isinstance(node, CommentedMap) else CommentedMap()
        _map(target, old if isinstance(old, dict) and target is node else {}, new, path, leaf)
        return target
    if isinstance(new, list):
        target = node if isinstance(node, CommentedSeq) else CommentedSeq()
        _seq(target, old if isinstance(old, list) and target is node else [], new, path, leaf)
        return target
    return leaf(path, None if isinstance(node, (CommentedMap, CommentedSeq)) else node, new)


def _map(node: CommentedMap, old: dict, new: dict, path: tuple, leaf: Leaf) -> None:
    for key in [k for k in node if k not in new]:
        del node[key]
    for key, value in new.items():
        if key in node:
            before = old.get(key) if key in old else object()
            if _same(before, value) and key in old:
                continue
            stored = _value(node[key], old.get(key), value, path + (key,), leaf)
            if stored is not node[key]:
                node[key] = stored
        else:
            stored = _value(None, None, value, path + (key,), leaf)
            if stored is not None:  # an optional field left empty is not added
                node[key] = stored


def _seq(node: CommentedSeq, old: list, new: list, path: tuple, leaf: Leaf) -> None:
    if len(old) != len(node):  # the loader's view does not line up (should not happen): update by position
        old = list(old) + [None] * (len(node) - len(old))
        old = old[: len(node)]
    keys_old = [json.dumps(o, sort_keys=True, ensure_ascii=False, default=str) for o in old]
    keys_new = [json.dumps(n, sort_keys=True, ensure_ascii=False, default=str) for n in new]
    ops = difflib.SequenceMatcher(None, keys_old, keys_new, autojunk=False).get_opcodes()
    shift = 0  # items inserted minus deleted so far, to map old positions onto the edited list
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        if tag == "replace":  # update the common part in place, then insert or delete the rest
            common = min(i2 - i1, j2 - j1)
            for k in range(common):
                at = i1 + k + shift
                stored = _value(node[at], old[i1 + k], new[j1 + k], path + (j1 + k,), leaf)
                if stored is not node[at]:
                    node[at] = stored
            i1, j1 = i1 + common, j1 + common
            tag = "delete" if i2 > i1 else "insert"
        if tag == "delete":
            for _ in range(i2 - i1):
                del node[i1 + shift]
            shift -= i2 - i1
        elif tag == "insert":
            for k in range(j2 - j1):
                node.insert(i1 + shift + k, _value(None, None, new[j1 + k], path + (j1 + k,), leaf))
            shift += j2 - j1
