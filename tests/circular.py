"""The circular's text, read into its points so tests can check the catalogue word for word.

`points()` maps ("6", "3", "c") → the text of Điều 6 khoản 3 điểm c, ("7", "1") → the heading of Điều 7
khoản 1, ("7", "1", "body") → a clause's own text where it has no points ("Nội dung tiêu chí theo quy định
tại khoản 1 Điều 6 Thông tư này."). The authority is ../shared/regulations/tt24-2023.txt; tests/data keeps a
copy for a machine without shared/ (a test checks the two agree where both exist).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "regulations" / "tt24-2023.txt"
COPY = ROOT / "tests" / "data" / "tt24-2023.txt"
REFERENCE = re.compile(r"^Nội dung tiêu chí theo quy định tại khoản (\d+) Điều (\d+) Thông tư này\.$")


def source() -> Path:
    return SHARED if SHARED.exists() else COPY


def fold(text: str) -> str:
    """Whitespace aside, in NFC: the comparison the tests make."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@lru_cache(maxsize=None)
def points() -> dict[tuple[str, ...], str]:
    out: dict[tuple[str, ...], str] = {}
    article = clause = None
    for raw in unicodedata.normalize("NFC", source().read_text(encoding="utf-8")).splitlines():
        line = raw.strip()
        if m := re.match(r"^Điều 13\.1\.TT\.178\.(\d+)\.\s*(.*)$", line):
            article, clause = m.group(1), None
            out[(article,)] = m.group(2)
        elif article is None or not line or line.startswith("(Điều"):
            continue
        elif m := re.match(r"^(\d+)\.\s+(.*)$", line):
            clause = m.group(1)
            out[(article, clause)] = m.group(2)
        elif (m := re.match(r"^([a-zđ])\)\s+(.*)$", line)) and clause is not None:
            out[(article, clause, m.group(1))] = m.group(2)
        elif clause is not None:
            key = (article, clause, "body")
            out[key] = f"{out.get(key, '')} {line}".strip()
    return out


def text_at(cite: str) -> str:
    """The text a citation "6.3.c" (or "6.2", a criterion heading) names, following a clause that only
    refers to another ("khoản 1 Điều 7: Nội dung tiêu chí theo quy định tại khoản 1 Điều 6"), without its
    "Tiêu chí N:" / "Chỉ tiêu N:" lead."""
    parts = tuple(cite.split("."))
    p = points()
    body = p.get(parts[:2] + ("body",))
    if body and (m := REFERENCE.match(body)):
        parts = (m.group(2), m.group(1)) + parts[2:]
    text = p[parts]
    return re.sub(r"^(Tiêu chí|Chỉ tiêu) \d+[:.]\s*", "", text)
