"""Every kind of unit of Điều 2, at each of its levels, end to end: started as `new-unit` starts it, filled,
validated, evaluated and rendered; the documents show that level's indicators in the circular's words."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document

from circular import fold, text_at
from conftest import ROOT, docx_texts
from pipeline.commands.new_unit import blank
from pipeline.commands.scaffold import write
from pipeline.criteria import catalogue_for, load_catalogue, load_regulation
from pipeline.render.engine import render_all
from pipeline.rules.assess import assess_file
from pipeline.sources.load import FILL, parse

THPT = ROOT / "inputs" / "thpt-tam-giang" / "2024.yaml"
# the example's facts, its prose without placeholders (a kind without learners has no {3.1.nguoi_hoc_…})
FILLED, *_ = parse(re.sub(r"\{[\w.]+\}", "…", THPT.read_text(encoding="utf-8")), "thpt")
CASES = [(code, level) for code, kind in load_regulation("tt24-2023").kinds.items() for level in kind.levels]
ARTICLES = {"cap-huyen": ("6", "7"), "cap-tinh": ("12", "13")}
LETTERS = "abcdđe"


def filled_like_new_unit(code: str, level: str) -> dict:
    """What `new-unit --kind code --level level` asks for, answered with the THPT example's facts."""
    asked = blank("Đơn vị thử nghiệm", 2024, kind=code, level=level)
    d = dict(FILLED)
    d["unit"] = dict(FILLED["unit"], kind=code, collective_name=asked["unit"]["collective_name"])
    if "level" in asked["unit"]:
        d["unit"]["level"] = level
    d["indicators"] = {}
    for ind_code, template in asked["indicators"].items():
        source = dict(FILLED["indicators"].get(ind_code) or FILLED["indicators"]["3.4"])
        source.pop("met", None)
        if "met" in template:
            source["met"] = True
        d["indicators"][ind_code] = source
    for key in ("learners", "digital_transformation", "vocational_accreditation"):
        d.pop(key, None)
    if "learners" in asked:
        d["learners"] = {"total": 200, "learning_citizens": 195}
    if "digital_transformation" in asked:
        d["digital_transformation"] = "tot"
    if "vocational_accreditation" in asked:
        d["vocational_accreditation"] = {"accredited": True, "certificate": "15/GCN-KĐCL", "date": "10/05/2022",
                                         "valid_until": "10/05/2027", "issuer": "Cục Quản lý chất lượng"}
    assert FILL not in repr({k: v for k, v in d.items() if k != "unit"})
    return d


@pytest.mark.parametrize("code, level", CASES)
def test_each_kind_starts_validates_and_renders(tmp_path, code, level):
    d = filled_like_new_unit(code, level)
    path = tmp_path / "inputs" / "don-vi" / "2024.yaml"
    path.parent.mkdir(parents=True)
    cat = load_catalogue("tt24-2023", level)
    path.write_text(write(d, cat, "thử nghiệm"), encoding="utf-8")
    loaded, a = assess_file(path)
    assert catalogue_for(loaded.model).level == level
    rendered, skipped = render_all(loaded.model, a, catalogue_for(loaded.model))
    assert not skipped and set(rendered) >= {"mau-1", "mau-2", "mau-3"}
    applied = [r for r in a.indicators if r.applicable]
    # Mẫu 1: one sheet per applicable indicator, each with both levels' texts of this level's articles
    mau1 = Document(io.BytesIO(rendered["mau-1"]))
    assert sum(1 for p in mau1.paragraphs if p.text == "Mẫu 1") == len(applied)
    sheets = "\n".join(docx_texts(mau1))
    first, second = ARTICLES[level]
    folded = fold(sheets)
    for r in applied:
        assert fold(text_at(f"{first}.{r.criterion}.{LETTERS[r.number - 1]}")) in folded
    # Mẫu 2: a row per indicator of the level (six under Tiêu chí 3 at cấp tỉnh), “Không áp dụng” for the others
    table = Document(io.BytesIO(rendered["mau-2"])).tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows[2:]]
    assert [(r[0], r[1]) for r in rows] == [(f"Tiêu chí {i.criterion}", str(i.number)) for i in a.indicators]
    assert sum(1 for r in rows if r[2] == "Không áp dụng") == len(a.not_applicable)
    assert len([r for r in rows if r[0] == "Tiêu chí 3"]) == (6 if level == "cap-tinh" else 5)


def test_school_examples_build_with_their_level(tmp_path):
    from pipeline.cli.dossier import build_all

    inputs = tmp_path / "inputs"
    for unit in ("thcs-quang-phu", "thpt-tam-giang"):
        (inputs / unit).mkdir(parents=True)
        (inputs / unit / "2024.yaml").write_text((ROOT / "inputs" / unit / "2024.yaml").read_text(encoding="utf-8"),
                                                 encoding="utf-8")
    lines: list[str] = []
    assert build_all(inputs, tmp_path / "outputs", progress=False, out=lines.append, pdf=False) == 0, lines
    request = "\n".join(docx_texts(Document(tmp_path / "outputs" / "thpt-tam-giang" / "2024" / "to-trinh-de-nghi-cong-nhan.docx")))
    assert "“Đơn vị học tập” cấp tỉnh Mức độ 1" in request and "Kính gửi: Sở Giáo dục và Đào tạo thành phố Huế" in request
    assert "1215/1260 người học" in request and "TM." not in request  # the Hiệu trưởng's deputy signs, KT.
    assert "KT. HIỆU TRƯỞNG" in request
    request = "\n".join(docx_texts(Document(tmp_path / "outputs" / "thcs-quang-phu" / "2024" / "to-trinh-de-nghi-cong-nhan.docx")))
    assert "“Đơn vị học tập” cấp huyện Mức độ 1" in request and "Phòng Giáo dục và Đào tạo huyện Quảng Điền" in request
