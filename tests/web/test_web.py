"""The web editor's server without a browser: the guard (token, Host, Origin), the data the form gets, checks in
validate's words, saving (comments kept, a file changed meanwhile, the build lock), new unit and new year, and the
dossier's files. The round-trip editing itself is in test_yaml_edit.py; the real browser in test_web_browser.py."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from pipeline.core.problems import InputError
from pipeline.rules.assess import assess_file
from pipeline.sources.load import load
from pipeline.web.routes import create_app
from tests.conftest import EXAMPLE, EXAMPLE_TEXT, edit, run_cli

PORT = 8799
TOKEN = "t0k3n-for-tests"


@pytest.fixture
def folders(tmp_path):
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    (inputs / "quang-phu").mkdir(parents=True)
    (inputs / "quang-phu" / "2024.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    return inputs, outputs


@pytest.fixture
def client(folders):
    inputs, outputs = folders
    c = TestClient(create_app(inputs, outputs, token=TOKEN, port=PORT), base_url=f"http://127.0.0.1:{PORT}")
    c.cookies.set("dvht_token", TOKEN)
    return c


def opened(client, unit="quang-phu", year="2024"):
    r = client.get(f"/api/data/{unit}/{year}")
    assert r.status_code == 200, r.text
    return r.json()


# ---- the guard

def test_no_token_wrong_token_wrong_host_are_refused(folders):
    inputs, outputs = folders
    app = create_app(inputs, outputs, token=TOKEN, port=PORT)
    bare = TestClient(app, base_url=f"http://127.0.0.1:{PORT}")
    assert bare.get("/").status_code == 403
    assert bare.get("/api/data/quang-phu/2024").status_code == 403
    assert bare.get("/?token=wrong").status_code == 403
    assert "Thiếu mã truy cập" in bare.get("/").text
    evil = TestClient(app, base_url="http://dvht.evil.example")  # DNS rebinding: a page on another name
    assert evil.get(f"/?token={TOKEN}").status_code == 403
    other_port = TestClient(app, base_url=f"http://127.0.0.1:{PORT + 1}")
    assert other_port.get(f"/?token={TOKEN}").status_code == 403
    assert TestClient(app, base_url=f"http://localhost:{PORT}").get(f"/?token={TOKEN}", follow_redirects=False).status_code == 303


def test_token_once_then_a_cookie(folders):
    inputs, outputs = folders
    c = TestClient(create_app(inputs, outputs, token=TOKEN, port=PORT), base_url=f"http://127.0.0.1:{PORT}")
    r = c.get(f"/?token={TOKEN}", follow_redirects=False)
    assert r.status_code == 303 and "token" not in r.headers["location"]
    assert "httponly" in r.headers["set-cookie"].lower() and "samesite=strict" in r.headers["set-cookie"].lower()
    r = c.get("/")
    assert r.status_code == 200 and "Ủy ban nhân dân xã Quảng Phú" in r.text and "Đạt Mức độ 1" in r.text


def test_a_post_from_another_origin_is_refused(client):
    body = {"name": "Ủy ban nhân dân xã Tân Mỹ", "year": "2025"}
    r = client.post("/api/new-unit", json=body, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    r = client.post("/api/new-unit", json=body, headers={"Origin": f"http://127.0.0.1:{PORT}"})
    assert r.status_code == 200 and r.json()["url"] == "/don-vi/tan-my/2025"


def test_unit_and_year_in_a_url_never_make_a_path(client):
    for url in ("/api/data/..%2F..%2Fetc/2024", "/api/data/quang-phu/2024.yaml", "/don-vi/Quang-Phu/2024",
                "/ho-so/quang-phu/2024/..%2F..%2Finputs%2Fquang-phu%2F2024.yaml", "/ho-so/quang-phu/2024/ket-qua.json"):
        assert client.get(url).status_code == 404, url


# ---- the form's data and checks

def test_the_form_gets_the_data_as_typed_and_the_verdicts(client):
    got = opened(client)
    data = got["data"]
    assert data["team"]["decision"]["number"] == "68/QĐ-UBND"
    assert data["team"]["decision"]["date"] == "20/06/2024"
    assert got["problems"] == [] and got["summary"] == {"fill": 0, "errors": 0, "warnings": 0}
    v = got["verdicts"]
    assert v["unit"] == "Đạt Mức độ 1" and v["staff_total"] == 30
    row = next(r for r in v["indicators"] if r["code"] == "2.2")
    assert row["label"] == "Đạt Mức độ 2" and row["figures"][0].startswith("29/30 thành viên")
    from tests.conftest import EXAMPLE

    _, a = assess_file(EXAMPLE)  # what `dvht evaluate` says of the same file
    assert [c["label"] for c in v["criteria"]] == [c.label for c in a.criteria]
    assert [(r["code"], r["label"], r["figures"]) for r in v["indicators"]] == [(i.code, i.label, [c.text for c in i.checks]) for i in a.indicators]


def test_a_check_answers_in_validates_words_at_the_field(client, folders, tmp_path):
    got = opened(client)
    data = copy.deepcopy(got["data"])
    data["team"]["decision"]["date"] = "31/02/2024"
    data["indicators"]["2.4"]["description"] = "Có {2.4.phan_so_muc2} người."
    data["staff"][0]["discipline"] = "có lẽ"
    r = client.post("/api/check/quang-phu/2024", json={"data": data, "base": got["base"]}).json()
    by_field = {p["field"]: p["message"] for p in r["problems"]}
    # the same file typed by hand and read by the CLI's loader gives the same words at the same fields
    typed = edit(edit(EXAMPLE_TEXT, "date: 20/06/2024", "date: 31/02/2024"), "discipline: true", "discipline: có lẽ")
    path = tmp_path / "typed" / "quang-phu" / "2024.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(typed, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load(path)
    assert {p.field: p.message for p in exc.value.problems} == by_field
    assert by_field["team.decision.date"] == "ngày 31/02/2024 không tồn tại"
    assert r["verdicts"] is None and r["summary"]["errors"] == 2
    data["team"]["decision"]["date"], data["staff"][0]["discipline"] = "20/06/2024", True
    r = client.post("/api/check/quang-phu/2024", json={"data": data, "base": got["base"]}).json()
    assert [p["field"] for p in r["problems"]] == ['indicators."2.4".description']
    assert "{2.4.phan_so_muc2}" in r["problems"][0]["message"]


def test_the_verdicts_follow_the_data(client):
    got = opened(client)
    data = copy.deepcopy(got["data"])
    for person in data["staff"][:2]:
        person["training_completed"] = False  # 28/30 → 93,3%: 2.2 falls to level 1
    r = client.post("/api/check/quang-phu/2024", json={"data": data, "base": got["base"]}).json()
    row = next(x for x in r["verdicts"]["indicators"] if x["code"] == "2.2")
    assert row["label"] == "Đạt Mức độ 1" and row["figures"][0].startswith("27/30")
    data["collective_title"] = "khong"
    r = client.post("/api/check/quang-phu/2024", json={"data": data, "base": got["base"]}).json()
    assert r["verdicts"]["unit"] == "Không đạt"
    # the example declares 3.3 at level 1: the contradiction is named beside it, the verdicts stay in view
    assert [p["field"] for p in r["problems"] if not p["warning"]] == ['indicators."3.3".declared_level']
    data["indicators"]["3.3"]["declared_level"] = None  # the form's “— không khai —”
    r = client.post("/api/check/quang-phu/2024", json={"data": data, "base": got["base"]}).json()
    assert [p for p in r["problems"] if not p["warning"]] == [] and r["verdicts"]["unit"] == "Không đạt"


def test_while_can_dien_remain_the_verdicts_already_judged_are_shown(client):
    from tests.conftest import EXAMPLE

    _, real = assess_file(EXAMPLE)  # what `dvht evaluate` says of the year filled in
    got = opened(client)
    data = copy.deepcopy(got["data"])
    data["collective_title"] = None  # 3.3: the unit's title is still to fill
    data["staff"][0]["language_certificate"] = None  # 2.4: 17 or 18 of 30, level 1 either way
    data["indicators"]["2.1"]["evidence"] = [dict.fromkeys(("title", "number", "date", "issuer"), "CẦN ĐIỀN")]  # 2.1: as new-year leaves it
    r = client.post("/api/check/quang-phu/2024", json={"data": data, "base": got["base"]}).json()
    assert r["summary"]["errors"] == 0 and r["summary"]["fill"] == 6
    v = r["verdicts"]
    assert v["partial"] is True and v["to_fill"] == 6 and v["staff_total"] == 30
    rows = {x["code"]: x for x in v["indicators"]}
    assert rows["3.3"]["label"] == "chưa đủ dữ liệu" and rows["3.3"]["pending"] and rows["3.3"]["figures"] == ["chưa đủ dữ liệu"]
    assert rows["2.1"]["label"] == "chưa đủ dữ liệu" and rows["2.1"]["figures"] == [c.text for c in real.indicator("2.1").checks]
    assert rows["2.4"]["label"] == "Đạt Mức độ 1" and not rows["2.4"]["pending"]
    assert rows["2.4"]["figures"] == ["chưa đủ dữ liệu", real.indicator("2.4").checks[1].text]  # 9/30 whose language meets the job
    for i in real.indicators:
        if i.code not in ("2.1", "3.3"):
            assert rows[i.code]["label"] == i.label, i.code
    assert [c["label"] for c in v["criteria"]] == ["Đạt Mức độ 2", "chưa đủ dữ liệu", "chưa đủ dữ liệu"]
    assert v["unit"] == "chưa đủ dữ liệu" and v["unit_level"] is None
    # only fields no verdict depends on left to fill: the whole table is judged, and says it is still provisional
    data = copy.deepcopy(got["data"])
    data["report"]["date"], data["signer"]["name"] = None, ""
    v = client.post("/api/check/quang-phu/2024", json={"data": data, "base": got["base"]}).json()["verdicts"]
    assert v["partial"] and v["to_fill"] == 2 and v["unit"] == real.unit_level.label == "Đạt Mức độ 1"
    assert [(x["code"], x["label"], x["figures"]) for x in v["indicators"]] == [(i.code, i.label, [c.text for c in i.checks if not c.evidence])
                                                                                for i in real.indicators]
    # an error other than CẦN ĐIỀN: no table (the rules must hold first, as in validate)
    data["team"]["decision"]["date"] = "31/02/2024"
    assert client.post("/api/check/quang-phu/2024", json={"data": data, "base": got["base"]}).json()["verdicts"] is None
    # the kind of unit still to fill: which indicators apply is not known, nothing is judged
    data = copy.deepcopy(got["data"])
    data["unit"]["kind"] = "CẦN ĐIỀN"
    r = client.post("/api/check/quang-phu/2024", json={"data": data, "base": got["base"]}).json()
    assert r["summary"]["fill"] == 1 and r["verdicts"] is None


def test_every_verdict_is_monotone_in_what_is_filled_in():
    """The ground of the partial verdicts (pipeline/web/partial.py): a yes instead of a no, a higher title, evidence
    with its number never lowers any level, of any indicator, criterion or the unit (the example, each fact in turn)."""
    from pipeline.core.vocab import TITLE_SCALES
    from pipeline.criteria import catalogue_for
    from pipeline.rules.evaluate import evaluate
    from pipeline.sources.model import DossierInput
    from tests.conftest import EXAMPLE

    base = load(EXAMPLE).model.model_dump()

    def levels(change) -> list[int]:
        data = copy.deepcopy(base)
        change(data)
        a = evaluate(m := DossierInput.model_validate(data), catalogue_for(m))
        return [int(i.level or 0) for i in a.indicators] + [int(c.level or 0) for c in a.criteria] + [int(a.unit_level)]

    def rising(steps) -> None:
        seen = [levels(step) for step in steps]
        for lower, higher in zip(seen, seen[1:]):
            assert all(a <= b for a, b in zip(lower, higher)), (lower, higher)

    def put(path, value):
        def change(data):
            node = data
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = value
        return change

    facts = ["discipline", "training_completed", "digital_training", "language_certificate", "language_meets_job", "learning_citizen"]
    for person in (0, 5, 20):
        for fact in facts:
            rising([put(("staff", person, fact), False), put(("staff", person, fact), True)])
        rising([put(("staff", person, "emulation_title"), t) for t in TITLE_SCALES["individual"]])
    rising([put(("collective_title",), t) for t in TITLE_SCALES["collective"]])
    for code in ("1.1", "3.2"):
        rising([put(("indicators", code, "met"), False), put(("indicators", code, "met"), True)])
    for code in ("1.1", "2.2"):
        rising([put(("indicators", code, "evidence"), [{"title": "Kế hoạch", "number": "", "date": None, "issuer": ""}]),
                put(("indicators", code, "evidence"), [{"title": "Kế hoạch", "number": "05/KH", "date": None, "issuer": ""}])])


def test_a_count_typed_with_a_thousands_dot_is_read_as_typed_and_refused(client, folders):
    inputs, _ = folders
    text = EXAMPLE_TEXT
    start = text.index("staff:\n")
    end = text.index("\ncollective_title")
    counts = "staff_counts:\n  total: 30\n  discipline: 30\n  training_completed: 29\n  digital_training: 28\n  language_certificate: 18\n" \
             "  language_meets_job: 9\n  advanced_worker: 28\n  learning_citizen: 29\n"
    (inputs / "quang-phu" / "2024.yaml").write_text(text[:start] + counts + text[end:], encoding="utf-8")
    got = opened(client)
    assert got["data"]["staff_counts"]["total"] == 30
    data = copy.deepcopy(got["data"])
    data["staff_counts"]["total"] = "3.000"
    r = client.post("/api/check/quang-phu/2024", json={"data": data, "base": got["base"]}).json()
    assert any(p["field"] == "staff_counts.total" and "viết 3000" in p["message"] for p in r["problems"])
    data["staff_counts"]["total"] = "31"
    r = client.post("/api/check/quang-phu/2024", json={"data": data, "base": got["base"]}).json()
    assert r["problems"] == [] and r["verdicts"]["staff_total"] == 31


# ---- saving

def test_saving_writes_what_validate_reads_and_keeps_the_comments(client, folders):
    inputs, _ = folders
    path = inputs / "quang-phu" / "2024.yaml"
    got = opened(client)
    data = copy.deepcopy(got["data"])
    data["staff"][1]["discipline"] = False
    del data["staff"][2]
    data["indicators"]["1.1"]["description"] += "\nMột đoạn mới: có dấu “:” và {so_thanh_vien}."
    data["report"]["number"] = ""
    data["unit"]["place"] = "true"  # a name that YAML would read as a boolean stays text
    r = client.post("/api/save/quang-phu/2024", json={"data": data, "base": got["base"]}).json()
    assert r["saved"] is True, r
    text = path.read_text(encoding="utf-8")
    comments = [line for line in EXAMPLE_TEXT.splitlines() if line.lstrip().startswith("#")]
    assert all(c in text for c in comments)
    loaded = load(path)
    m = loaded.model
    assert m.unit.place == "true" and m.report.number == ""
    assert len(m.staff) == 29 and m.staff[1].discipline is False
    assert m.staff[2].name == load_example().model.staff[3].name  # the third person went, not the last
    assert m.indicators["1.1"].description.endswith("Một đoạn mới: có dấu “:” và {so_thanh_vien}.")
    assert r["verdicts"]["staff_total"] == 29
    # the saved version is the new base: saving again needs no choice
    data["unit"]["place"] = "Quảng Phú"
    assert client.post("/api/save/quang-phu/2024", json={"data": data, "base": r["base"]}).json()["saved"] is True


@pytest.mark.parametrize("encoding,bom", [("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_a_save_keeps_the_files_line_endings_encoding_and_bom(client, folders, encoding, bom):
    """A file saved by Notepad (CRLF, UTF-8 with BOM, or UTF-16) comes back from the browser in the same bytes,
    but for the values edited: one word, one yes/no, one person's lines taken away."""
    inputs, _ = folders
    path = inputs / "quang-phu" / "2024.yaml"
    path.write_bytes(bom + EXAMPLE_TEXT.replace("\n", "\r\n").encode(encoding))
    got = opened(client)
    data = copy.deepcopy(got["data"])
    data["archive"] = "VT, VHXH, TP"
    data["staff"][1]["discipline"] = False
    gone = data["staff"].pop(2)
    r = client.post("/api/save/quang-phu/2024", json={"data": data, "base": got["base"]}).json()
    assert r["saved"] is True, r
    lines = EXAMPLE_TEXT.split("\n")
    first = lines.index(f"  - name: {gone['name']}")
    assert lines[first + 9].startswith("  - name: ")  # a person is nine lines
    del lines[first:first + 9]
    second = lines.index(f"  - name: {data['staff'][1]['name']}")
    assert lines[second + 2] == "    discipline: true"
    lines[second + 2] = "    discipline: false"
    want = "\n".join(lines).replace("archive: VT, VHXH ", "archive: VT, VHXH, TP ", 1)
    assert path.read_bytes() == bom + want.replace("\n", "\r\n").encode(encoding)
    loaded, assessment = assess_file(path)  # what `dvht validate` and `dvht evaluate` read
    assert loaded.model.archive == "VT, VHXH, TP" and len(loaded.model.staff) == 29 and assessment.staff_total == 29
    again = opened(client)
    assert again["data"] == data and again["base"] == r["base"]


def load_example():
    from tests.conftest import EXAMPLE

    return load(EXAMPLE)


def test_a_file_changed_on_disk_meanwhile_is_never_overwritten_silently(client, folders):
    inputs, _ = folders
    path = inputs / "quang-phu" / "2024.yaml"
    got = opened(client)
    notepad = edit(EXAMPLE_TEXT, "archive: VT, VHXH", "archive: VT, VHXH, TP  # sửa bằng Notepad")
    path.write_text(notepad, encoding="utf-8")
    data = copy.deepcopy(got["data"])
    data["signer"]["title"] = "Chủ tịch"
    data["signer"]["on_behalf_of"] = ""
    r = client.post("/api/save/quang-phu/2024", json={"data": data, "base": got["base"]})
    assert r.status_code == 409 and r.json()["conflict"] and "Notepad" in r.json()["error"]
    assert path.read_text(encoding="utf-8") == notepad
    r = client.post("/api/save/quang-phu/2024", json={"data": data, "base": got["base"], "overwrite": True}).json()
    assert r["saved"] and r["kept"].startswith("quang-phu/.ban-cu/2024-")
    assert (inputs / r["kept"]).read_text(encoding="utf-8") == notepad  # the Notepad version is kept
    text = path.read_text(encoding="utf-8")
    assert "# sửa bằng Notepad" in text  # written onto the file as it is now: its comment stays
    assert load(path).model.signer.title == "Chủ tịch"
    # a build never sees the copy
    from pipeline.sources import scan

    assert [j.path.name for j in scan(inputs).jobs] == ["2024.yaml"]


def test_a_file_deleted_meanwhile_is_asked_about_then_written_again(client, folders):
    path = folders[0] / "quang-phu" / "2024.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + EXAMPLE_TEXT.replace("\n", "\r\n").encode("utf-8"))
    got = opened(client)
    path.unlink()
    data = copy.deepcopy(got["data"])
    data["archive"] = "VT"
    r = client.post("/api/save/quang-phu/2024", json={"data": data, "base": got["base"]})
    assert r.status_code == 409 and r.json()["conflict"] and not path.exists()
    r = client.post("/api/save/quang-phu/2024", json={"data": data, "base": got["base"], "overwrite": True}).json()
    assert r["saved"] and r["kept"] is None
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == raw.count(b"\n") and load(path).model.archive == "VT"


def test_a_running_build_holds_the_save(client, folders):
    inputs, outputs = folders
    import subprocess
    import sys

    from tests.conftest import ROOT

    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pathlib import Path; from pipeline.build.outputs import Lock; "
                               "lock = Lock(Path(sys.argv[1])).__enter__(); print('held', flush=True); time.sleep(120)", str(outputs)],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)  # another run holds the build's lock
    try:
        assert holder.stdout.readline().strip() == "held"
        got = opened(client)
        data = copy.deepcopy(got["data"])
        data["archive"] = "VT"
        r = client.post("/api/save/quang-phu/2024", json={"data": data, "base": got["base"]})
        assert r.status_code == 423 and "đang chạy" in r.json()["error"]
        assert (inputs / "quang-phu" / "2024.yaml").read_text(encoding="utf-8") == EXAMPLE_TEXT
    finally:
        holder.kill()
        holder.wait()
    assert client.post("/api/save/quang-phu/2024", json={"data": data, "base": got["base"]}).json()["saved"]


def test_a_file_with_a_syntax_error_is_not_opened_but_explained(client, folders):
    inputs, _ = folders
    (inputs / "quang-phu" / "2024.yaml").write_text(edit(EXAMPLE_TEXT, "  name: Ủy ban nhân dân xã Quảng Phú", "\tname: Ủy ban nhân dân xã Quảng Phú"), encoding="utf-8")
    r = client.get("/api/data/quang-phu/2024")
    assert r.status_code == 422
    assert "Notepad" in r.json()["error"] and "Tab" in r.json()["problems"][0]["message"]


def test_syntax_errors_in_later_blocks_are_named_too_and_what_cannot_be_seen_is_said(client, folders):
    path = folders[0] / "quang-phu" / "2024.yaml"
    lines = EXAMPLE_TEXT.split("\n")
    tab, colon = lines.index("  name: Ủy ban nhân dân xã Quảng Phú       # tên đầy đủ") + 1, lines.index("report:") + 2
    assert lines[colon - 1].startswith("  number: 08/BC-UBND")
    lines[tab - 1] = "\tname: Ủy ban nhân dân xã Quảng Phú"  # in `unit:`
    lines[colon - 1] = "  number: 08/BC-UBND: năm 2025"  # in `report:`, far below
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load(path)  # the loader (and so `dvht validate` and `dossier`) names them too, through the same function
    assert [p.line for p in exc.value.problems] == [tab, colon]
    assert f"lỗi ở dòng {tab}" in exc.value.note
    res = run_cli("validate", str(path))
    assert res.returncode == 1
    assert f"2024.yaml:{tab}: lỗi cú pháp YAML" in res.stderr and f"2024.yaml:{colon}: lỗi cú pháp YAML" in res.stderr
    assert f"ℹ Máy đọc tiếp từng khối sau lỗi ở dòng {tab}" in res.stderr
    r = client.get("/api/data/quang-phu/2024")
    assert r.status_code == 422
    problems = r.json()["problems"]
    assert [p["line"] for p in problems] == [tab, colon]
    assert "Tab" in problems[0]["message"] and "number" in problems[1]["message"] and "dấu hai chấm" in problems[1]["message"]
    assert problems[0]["message"] == exc.value.problems[0].message
    assert f"lỗi ở dòng {tab}" in r.json()["note"] and "cùng khối" in r.json()["note"]
    # fixed, the second is the loader's own first
    lines[tab - 1] = "  name: Ủy ban nhân dân xã Quảng Phú"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load(path)
    assert [(p.line, p.message) for p in exc.value.problems] == [(colon, problems[1]["message"])]
    # an unclosed quote may swallow the rest: nothing after it is judged, and the page says so
    lines[colon - 1] = '  number: "08/BC-UBND'
    path.write_text("\n".join(lines), encoding="utf-8")
    r = client.get("/api/data/quang-phu/2024").json()
    assert len(r["problems"]) == 1 and "chưa đọc được" in r["note"]


# ---- new unit, new year, the dossier

def test_new_unit_and_new_year(client, folders):
    inputs, _ = folders
    r = client.post("/api/new-unit", json={"name": "Ủy ban nhân dân xã Tân Mỹ", "year": "2025"})
    assert r.json() == {"url": "/don-vi/tan-my/2025"}
    assert client.post("/api/new-unit", json={"name": "Ủy ban nhân dân xã Tân Mỹ", "year": "2025"}).status_code == 409
    assert "không hợp lệ" in client.post("/api/new-unit", json={"name": "X", "year": "25"}).json()["error"]
    got = opened(client, "tan-my", "2025")
    assert got["summary"]["fill"] > 100 and got["verdicts"]["partial"] and got["verdicts"]["unit"] == "chưa đủ dữ liệu"
    assert all(r["label"] in ("chưa đủ dữ liệu", "Không áp dụng") for r in got["verdicts"]["indicators"])
    assert all(p["message"].startswith("cần điền") for p in got["problems"])
    r = client.post("/api/new-year", json={"unit": "quang-phu", "year": "2025"})
    assert r.json() == {"url": "/don-vi/quang-phu/2025", "source": "2024.yaml", "notes": 4}
    got = opened(client, "quang-phu", "2025")
    assert got["data"]["staff"][0]["name"] == load_example().model.staff[0].name and got["data"]["staff"][0]["discipline"] is None
    page = client.get("/").text
    assert "tan-my" in page and "2025" in page and "chỗ cần điền" in page
    form = client.get("/don-vi/tan-my/2025")
    assert form.status_code == 200 and "/static/app.js" in form.text and "<script src=\"http" not in form.text


def test_a_year_carried_forward_says_what_to_look_at_again_until_saved(client, folders):
    from pipeline.commands.new_year import left_in_prose

    inputs, _ = folders
    assert opened(client)["carried"] is None  # a year typed by the officer
    assert client.post("/api/new-year", json={"unit": "quang-phu", "year": "2025"}).status_code == 200
    path, source = inputs / "quang-phu" / "2025.yaml", inputs / "quang-phu" / "2024.yaml"
    got = opened(client, "quang-phu", "2025")
    said = left_in_prose(path, source)  # what `dvht new-year` prints after “⚠ … xem lại từng chỗ”
    assert len(said) == 4 and any("68/QĐ-UBND" in p.message for p in said) and any("31/12/2024" in p.message for p in said)
    carried = got["carried"]
    assert carried["source"] == "2024.yaml" and carried["year"] == 2025
    assert [(n["line"], n["field"], n["message"]) for n in carried["notes"]] == [(p.line, p.field, p.message) for p in said]
    # and beside the fields, among the problems, as `dvht validate` lists them with the CẦN ĐIỀN
    with pytest.raises(InputError) as exc:
        assess_file(path)
    assert sorted((p["field"], p["message"]) for p in got["problems"] if p["warning"]) == \
        sorted((p.field, p.message) for p in exc.value.problems if p.warning)
    assert {(p.field, p.message) for p in said} <= {(p["field"], p["message"]) for p in got["problems"] if p["warning"]}
    # opened again (another day, the server restarted): still said, until the year is saved
    again = TestClient(create_app(inputs, folders[1], token=TOKEN, port=PORT), base_url=f"http://127.0.0.1:{PORT}")
    again.cookies.set("dvht_token", TOKEN)
    assert opened(again, "quang-phu", "2025")["carried"] == carried
    data = copy.deepcopy(got["data"])
    data["collective_title"] = "tap-the-lao-dong-tien-tien"
    assert client.post("/api/save/quang-phu/2025", json={"data": data, "base": got["base"]}).json()["saved"]
    after = opened(client, "quang-phu", "2025")
    assert after["carried"] is None
    assert {(p.field, p.message) for p in said} <= {(p["field"], p["message"]) for p in after["problems"] if p["warning"]}


def test_the_dossier_files_and_the_zip(client, folders):
    inputs, outputs = folders
    folder = outputs / "quang-phu" / "2024"
    folder.mkdir(parents=True)
    (folder / "mau-2-bang-tong-hop.docx").write_bytes(b"PK-docx")
    (folder / "mau-2-bang-tong-hop.pdf").write_bytes(b"%PDF-1.7 test")
    (folder / "ket-qua.json").write_text("{}", encoding="utf-8")
    r = client.get("/api/build/quang-phu/2024").json()
    assert r["documents"] == [{"title": "Mẫu 2 — Bảng tổng hợp kết quả", "files": [
        {"name": "mau-2-bang-tong-hop.pdf", "kind": "PDF", "url": "/ho-so/quang-phu/2024/mau-2-bang-tong-hop.pdf"},
        {"name": "mau-2-bang-tong-hop.docx", "kind": "DOCX", "url": "/ho-so/quang-phu/2024/mau-2-bang-tong-hop.docx"}]}]
    pdf = client.get("/ho-so/quang-phu/2024/mau-2-bang-tong-hop.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    import io
    import zipfile

    z = zipfile.ZipFile(io.BytesIO(client.get("/ho-so/quang-phu/2024/tat-ca.zip").content))
    assert sorted(z.namelist()) == ["quang-phu-2024/mau-2-bang-tong-hop.docx", "quang-phu-2024/mau-2-bang-tong-hop.pdf"]
    # a link planted where a document belongs, to a file outside outputs/: neither served nor zipped
    secret = folders[0].parent / "secret.txt"
    secret.write_text("mật khẩu", encoding="utf-8")
    (folder / "quyet-dinh-thanh-lap-to.docx").symlink_to(secret)
    assert client.get("/ho-so/quang-phu/2024/quyet-dinh-thanh-lap-to.docx").status_code == 404
    z = zipfile.ZipFile(io.BytesIO(client.get("/ho-so/quang-phu/2024/tat-ca.zip").content))
    assert "quang-phu-2024/quyet-dinh-thanh-lap-to.docx" not in z.namelist()
    assert all("Quyết định" not in d["title"] for d in client.get("/api/build/quang-phu/2024").json()["documents"])


def test_no_script_or_style_comes_from_the_internet():
    root = Path(__file__).resolve().parents[2] / "pipeline" / "web"
    for f in list((root / "templates").iterdir()) + list((root / "static").iterdir()):
        text = f.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), f
        assert "@import" not in text and "fetch(\"http" not in text, f


def test_hostile_bodies_get_a_message_not_a_crash(client):
    got = opened(client)
    import json

    for body in (b"not json", b"[1, 2]", json.dumps({"data": []}).encode(), ("[" * 100000).encode(),
                 json.dumps({"data": {"unit": [1, {"a": None}], "staff": "x"}, "base": got["base"]}).encode()):
        r = client.post("/api/check/quang-phu/2024", content=body, headers={"Content-Type": "application/json"})
        assert r.status_code in (200, 400), (body[:40], r.status_code)
        assert "error" in r.json() or r.json()["problems"]
    for depth in (900, 5000):
        deep = '{"data": {"unit": ' + '{"x": ' * depth + "{}" + "}" * depth + '}, "base": "' + got["base"] + '"}'
        r = client.post("/api/check/quang-phu/2024", content=deep.encode(), headers={"Content-Type": "application/json"})
        assert r.status_code in (200, 400, 500) and "error" in r.json() or r.json().get("problems"), depth


def test_the_test_client_runs_on_httpx2_without_a_deprecation_warning():
    """Starlette's TestClient is built on httpx2 (pyproject's test extra); on the old httpx it warns at import."""
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-W", "error", "-c", "import starlette.testclient as t; print(t.httpx.__name__)"],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and res.stdout.strip() == "httpx2", res.stderr


def test_a_port_already_taken_is_said_in_words(tmp_path):
    import socket
    import subprocess
    import sys

    from tests.conftest import ROOT

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        res = subprocess.run([sys.executable, "-m", "pipeline", "web", "--no-browser", "--port", str(port), "--inputs", str(tmp_path)],
                             cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert res.returncode == 1 and f"Cổng {port} đang được chương trình khác dùng" in res.stdout + res.stderr
    assert "Traceback" not in res.stdout + res.stderr


def test_new_unit_or_year_refused_by_the_rules_is_answered_in_words_not_500(client, folders):
    """The yearly commands' refusals (`Exists`, `Refused`: PipelineError) reach the page as words with a 4xx."""
    r = client.post("/api/new-unit", json={"name": "Ủy ban nhân dân xã Quảng Phú", "year": "2024"})
    assert r.status_code == 409 and "Đã có tệp inputs/quang-phu/2024.yaml" in r.json()["error"]
    r = client.post("/api/new-unit", json={"name": "Ủy ban nhân dân xã Tân Mỹ", "year": "1999"})
    assert r.status_code == 400 and "1999" in r.json()["error"]
    r = client.post("/api/new-unit", json={"name": "Ủy ban nhân dân xã Quảng Phú", "year": "2025"})
    assert r.status_code == 409 and "Năm mới" in r.json()["error"] and "/" not in r.json()["error"].split("năm 2024")[0]
    r = client.post("/api/new-year", json={"unit": "quang-phu", "year": "2024"})
    assert r.status_code == 409
    r = client.post("/api/new-year", json={"unit": "quang-phu", "year": "1999"})
    assert r.status_code == 400 and "1999" in r.json()["error"]


def test_a_qualitative_indicator_not_yet_chosen_is_pending_never_a_certain_khong_dat(client):
    """đạt/không left empty (met: null) while a CẦN ĐIỀN remains: the indicator, its criterion and the unit wait, and
    the choice is asked for beside the field — the finished year gives Đạt Mức độ 2 for 1.4, never Không đạt."""
    got = opened(client)
    real = assess_file(EXAMPLE)[1]
    data = copy.deepcopy(got["data"])
    data["indicators"]["1.4"]["met"] = None
    data["indicators"]["3.3"]["weaknesses"] = ""
    r = client.post("/api/check/quang-phu/2024", json={"data": data, "base": got["base"]}).json()
    v = r["verdicts"]
    rows = {x["code"]: x for x in v["indicators"]}
    assert real.indicator("1.4").label == "Đạt Mức độ 2"
    assert rows["1.4"]["label"] == "chưa đủ dữ liệu" and rows["1.4"]["pending"]
    assert v["criteria"][0]["label"] == "chưa đủ dữ liệu" and v["unit"] == "chưa đủ dữ liệu"
    asked = [p for p in r["problems"] if p["field"] == 'indicators."1.4".met']
    assert asked and "đạt hoặc không đạt" in asked[0]["message"]


def test_a_body_nested_too_deep_is_refused_in_words_and_unknown_pages_answer_in_vietnamese(client):
    got = opened(client)
    deep: dict = {}
    node = deep
    for _ in range(900):
        node["a"] = {}
        node = node["a"]
    for route in ("check", "save"):
        r = client.post(f"/api/{route}/quang-phu/2024", json={"data": {"unit": deep}, "base": got["base"]})
        assert r.status_code == 400 and "không hợp lệ" in r.json()["error"], (route, r.status_code)
    r = client.get("/khong-co-trang-nay")
    assert r.status_code == 404 and "Không có trang" in r.text
    r = client.get("/api/new-unit")
    assert r.status_code == 405 and "không nhận" in r.text
    r = client.post("/api/new-year", json={"unit": "../x", "year": "2025"})
    assert r.status_code == 400 and "đơn vị" in r.json()["error"]
