"""What a .docx that arrived from outside may not carry, found before anything reads it as a document.

A template travels by e-mail; Word and LibreOffice fetch or run what a package points at when it is opened
or converted. Refused, each named with the part it is in (in Vietnamese): a package too big, with too
many entries or parts that inflate beyond a bound; any relationship to a target outside the package
(`TargetMode="External"`: linked pictures, hyperlinks to outside, an attached `.dotm`, linked OLE objects,
frames, subdocuments); macros and active content (`vbaProject.bin`, macro-enabled content types, ActiveX,
embedded OLE objects); fields that load content (INCLUDEPICTURE, INCLUDETEXT, LINK, DDE…, in `fldSimple`
and in complex fields split across runs); imported chunks (`altChunk`); VML and DrawingML links (`o:href`,
`r:href`, `r:link`, a `src` that is an address); and any DTD or entity declaration in any XML part (parsed
with entities unresolved, no network, no DTD). `light` is the part of that check cheap enough for every
rendered document before conversion (belt and braces: nothing external reaches LibreOffice).
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

MAX_PACKAGE = 20 * 1024 * 1024  # bytes of the .docx file
MAX_ENTRIES = 1000
MAX_PART = 16 * 1024 * 1024  # bytes of one part once inflated
MAX_TOTAL = 64 * 1024 * 1024  # bytes of all parts once inflated

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
O_NS = "urn:schemas-microsoft-com:office:office"
_LOADING_FIELDS = re.compile(r"(?<![\w\\])(INCLUDEPICTURE|INCLUDETEXT|INCLUDE|IMPORT|LINK|DDEAUTO|DDE|DATABASE|"
                             r"HYPERLINK|AUTOTEXTLIST|ADDIN|MACROBUTTON|FILLIN|ASK)(?!\w)", re.I)  # FILLIN/ASK: a dialog that stalls a conversion
_ADDRESS = re.compile(r"^\s*([a-z][a-z0-9+.-]*:|\\\\|//|/)", re.I)
_MACRO_TYPES = ("macroenabled", "vbaproject", "vbadata", "activex", "oleobject", "ms-word.keymapcustomizations",
                "vnd.ms-office.vba")
_RELATION_VI = {
    "hyperlink": "liên kết (hyperlink) ra ngoài", "image": "hình ảnh liên kết (không nhúng)",
    "attachedTemplate": "mẫu đính kèm (attachedTemplate) ở ngoài", "oleObject": "đối tượng OLE liên kết",
    "subDocument": "tài liệu con ở ngoài", "frame": "khung (frame) ở ngoài", "package": "gói liên kết ở ngoài",
}


def parser() -> etree.XMLParser:
    """lxml without entity expansion, DTD loading, network or huge trees."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_blank_text=False)


def _vi_part(name: str) -> str:
    return f"phần “{name}”"


def _read_parts(data: bytes, names_only: bool = False) -> tuple[dict[str, bytes], list[str], list[str]]:
    """(parts, every entry name, problems): each part read with a bound on its inflated size."""
    if len(data) > MAX_PACKAGE:
        return {}, [], [f"tệp quá lớn ({len(data) / 1048576:.1f} MB; tối đa {MAX_PACKAGE // 1048576} MB)"]
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return {}, [], ["không phải tệp .docx (gói zip) đọc được; lưu lại bằng Word dạng .docx"]
    if len(infos) > MAX_ENTRIES:
        return {}, [], [f"gói có {len(infos)} phần (tối đa {MAX_ENTRIES})"]
    names = [i.filename for i in infos]
    parts: dict[str, bytes] = {}
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        wanted = not names_only or info.filename.endswith(".rels") or info.filename == "[Content_Types].xml"
        if not wanted:
            continue
        if info.file_size > MAX_PART or total + info.file_size > MAX_TOTAL:
            return {}, names, [f"{_vi_part(info.filename)} quá lớn khi giải nén (tối đa {MAX_PART // 1048576} MB một phần)"]
        try:
            with z.open(info) as fh:
                blob = fh.read(MAX_PART + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError, EOFError):
            return {}, names, [f"{_vi_part(info.filename)} bị hỏng hoặc được mã hóa; lưu lại bằng Word dạng .docx"]
        if len(blob) > MAX_PART or total + len(blob) > MAX_TOTAL:
            return {}, names, [f"{_vi_part(info.filename)} quá lớn khi giải nén (tối đa {MAX_PART // 1048576} MB một phần)"]
        total += len(blob)
        parts[info.filename] = blob  # a name twice: the last wins, as `clean_package` keeps it
    return parts, names, []


def _parse(name: str, blob: bytes, problems: list[str]):
    head = blob[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in blob.lower():
        problems.append(f"{_vi_part(name)} có khai báo DTD hoặc thực thể (<!DOCTYPE>, <!ENTITY>): không được phép, có thể là tệp độc hại")
        return None
    try:
        tree = etree.fromstring(blob, parser())
    except etree.XMLSyntaxError:
        problems.append(f"{_vi_part(name)} không phải XML hợp lệ; lưu lại bằng Word dạng .docx")
        return None
    info = tree.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        problems.append(f"{_vi_part(name)} có khai báo DTD: không được phép, có thể là tệp độc hại")
        return None
    return tree


def _macros(names: list[str], parts: dict[str, bytes], problems: list[str]) -> None:
    for name in names:
        low = name.lower()
        if low.endswith("vbaproject.bin") or low.endswith("vbadata.xml") or "/activex/" in low or "/embeddings/" in low:
            problems.append(f"{_vi_part(name)}: mẫu chứa macro, ActiveX hoặc đối tượng nhúng — không dùng mẫu có macro "
                            "(.docm); lưu lại bằng Word dạng “Word Document (.docx)”")
    types = parts.get("[Content_Types].xml")
    if types is not None:
        low = types.lower()
        if any(t.encode() in low for t in _MACRO_TYPES):
            problems.append(f"{_vi_part('[Content_Types].xml')}: gói khai báo macro hoặc nội dung chạy được (tệp .docm/"
                            ".dotm đổi tên?); lưu lại bằng Word dạng “Word Document (.docx)”")


def _relationships(name: str, tree, problems: list[str]) -> None:
    for rel in tree:
        if not isinstance(rel.tag, str):
            continue
        if (rel.get("TargetMode") or "").strip().lower() == "external":
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            what = _RELATION_VI.get(kind, f"tham chiếu ra ngoài gói (loại “{kind[:40]}”)")
            problems.append(f"{_vi_part(name)}: {what} — mẫu không được trỏ tới tệp hay địa chỉ bên ngoài; "
                            "chèn hình vào mẫu (nhúng), bỏ liên kết")


def _content(name: str, tree, problems: list[str]) -> None:
    instructions: list[str] = []
    current: list[str] = []
    found: set[str] = set()
    for el in tree.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == W + "fldSimple":
            instructions.append(el.get(W + "instr") or "")
        elif tag == W + "fldChar":
            current.append(" ")
        elif tag == W + "instrText":
            current.append(el.text or "")
        elif tag in (W + "altChunk", W + "subDoc"):
            found.add(f"{_vi_part(name)}: chèn nội dung từ tệp khác (altChunk/subDoc) — không được phép trong mẫu")
        for attr, value in el.attrib.items():
            local = attr.rsplit("}", 1)[-1].lower()
            space = attr[1:].split("}", 1)[0] if attr.startswith("{") else ""
            if (space in (R_NS, O_NS) and local in ("href", "link")) or (
                    local in ("href", "src", "link") and _ADDRESS.match(value or "")):
                found.add(f"{_vi_part(name)}: hình hoặc đối tượng liên kết ra ngoài ({local}) — chèn hình vào mẫu "
                          "(nhúng), bỏ liên kết")
    instructions.append("".join(current))
    for text in instructions:
        m = _LOADING_FIELDS.search(text)
        if m:
            found.add(f"{_vi_part(name)}: trường (field) {m.group(1).upper()} nạp nội dung hoặc trỏ ra ngoài — xóa trường "
                      "đó trong Word (Alt+F9 để xem mã trường)")
    problems += sorted(found)


def problems(data: bytes) -> list[str]:
    """Every reason this .docx may not be used as a template (empty when it may), each naming the part."""
    parts, names, out = _read_parts(data)
    if out:
        return out
    _macros(names, parts, out)
    for name, blob in parts.items():
        if not (name.endswith(".xml") or name.endswith(".rels")):
            continue
        tree = _parse(name, blob, out)
        if tree is None:
            continue
        if name.endswith(".rels"):
            _relationships(name, tree, out)
        else:
            _content(name, tree, out)
    return list(dict.fromkeys(out))


def xml_problems(data: bytes) -> list[str]:
    """For any Office package (a workbook too): bounded sizes, and no DTD or entity in any XML part."""
    parts, _, out = _read_parts(data)
    if out:
        return out
    for name, blob in parts.items():
        if name.endswith((".xml", ".rels", ".vml")):
            _parse(name, blob, out)
    return list(dict.fromkeys(out))


def light(data: bytes) -> list[str]:
    """The cheap part of `problems` — size, macros, external relationships, DTDs in those parts — for a
    document the pipeline rendered, before it reaches a converter."""
    parts, names, out = _read_parts(data, names_only=True)
    if out:
        return out
    _macros(names, parts, out)
    for name, blob in parts.items():
        tree = _parse(name, blob, out)
        if tree is not None and name.endswith(".rels"):
            _relationships(name, tree, out)
    return list(dict.fromkeys(out))
