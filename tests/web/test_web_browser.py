"""The web editor in a real browser (headless Chromium from Debian, driven by Selenium with Debian's
chromedriver — nothing is downloaded): a new commune from nothing to its dossier, as the officer would.

Skips with one line when Chromium is absent, except under CI=true, where it must run.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, soffice

CHROMIUM, DRIVER = shutil.which("chromium") or "/usr/bin/chromium", shutil.which("chromedriver") or "/usr/bin/chromedriver"
HAVE_BROWSER = Path(CHROMIUM).exists() and Path(DRIVER).exists()
if not HAVE_BROWSER and os.environ.get("CI") != "true":
    pytest.skip("kiểm thử trình duyệt bỏ qua: chưa cài chromium và chromium-driver (apt-get install chromium chromium-driver)",
                allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

YEAR = dt.date.today().year - 1  # a finished year: its report and Tờ trình are dated in January of this one


@pytest.fixture
def server(tmp_path):
    """`python -m pipeline web --no-browser` on a fresh inputs folder; yields (address, inputs, outputs, process)."""
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    inputs.mkdir()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "web", "--no-browser", "--inputs", str(inputs), "--outputs", str(outputs)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    address = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        m = re.match(r"Địa chỉ: (http://127\.0\.0\.1:\d+/\?token=\S+)$", line.strip())
        if m:
            address = m.group(1)
            break
        if proc.poll() is not None:
            break
    assert address, "the server printed no “Địa chỉ:” line"
    yield address, inputs, outputs, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


@pytest.fixture
def browser():
    opts = webdriver.ChromeOptions()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1366,768", "--lang=vi"):
        opts.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="dvht-chromium-")
    opts.add_argument(f"--user-data-dir={profile}")
    opts.binary_location = CHROMIUM
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def wait(driver, condition, seconds=30, what="the page"):
    return WebDriverWait(driver, seconds, poll_frequency=0.1).until(lambda d: condition(d), message=f"waiting for {what}")


def settled(driver):
    """The last change has been checked: no check pending, the status shows its answer."""
    return driver.execute_script("return typeof pending !== 'undefined' && !pending")


def bound(driver, field):
    return driver.find_element(By.CSS_SELECTOR, f"#form [data-bind='{field}']")


def message_beside(driver, field):
    box = driver.execute_script("return placeFor(arguments[0])", field)
    return box.find_element(By.CSS_SELECTOR, ".msg").text


def type_into(driver, field, text):
    e = bound(driver, field)
    e.clear()
    e.send_keys(text)


DATES = {"team.decision.date": f"20/06/{YEAR}", "report.date": f"08/01/{YEAR + 1}", "request.date": f"09/01/{YEAR + 1}"}


FILL_JS = """
const [dates, year] = arguments;
let n = 0;
const boxes = [...document.querySelectorAll('#form .problem.fill')].map(p => p.closest('[data-path]'));
for (const box of new Set(boxes)) {
  const c = box && box.querySelector('[data-bind]');
  if (!c) continue;
  const f = c.dataset.bind;
  if (c.tagName === 'SELECT') {
    if (f.endsWith('.met')) c.value = 'true';
    else if (f.includes('.assessors')) c.selectedIndex = Number(f.slice(-2, -1));
    else if (f.endsWith('emulation_title')) c.value = 'lao-dong-tien-tien';
    else if (f === 'collective_title') c.value = 'tap-the-lao-dong-tien-tien';
    else c.selectedIndex = 1;
    c.dispatchEvent(new Event('change'));
  } else if (c.type === 'checkbox') {
    c.click();
  } else {
    c.value = dates[f] || (f.endsWith('.date') ? `15/03/${year}` : f.endsWith('.name') ? `Nguyễn Văn ${String.fromCharCode(65 + n++)}`
              : c.tagName === 'TEXTAREA' ? 'Đã thực hiện.' : 'Đã điền');
    c.dispatchEvent(new Event('input'));
  }
}
return boxes.length;
"""


def fill_everything(driver):
    """Fill each field the page marks CẦN ĐIỀN (the page's own input and change events, as typing and choosing
    fire them), round after round, until none is left."""
    for _ in range(6):
        wait(driver, settled, what="checks to settle")
        if not driver.execute_script(FILL_JS, DATES, YEAR):
            return
    raise AssertionError("fields marked CẦN ĐIỀN remain after filling")


def verdict(driver, code):
    return driver.find_element(By.CSS_SELECTOR, f"#verdicts tr[data-code='{code}'] td.level").text


def test_new_commune_from_nothing_to_its_dossier(server, browser):
    address, inputs, outputs, proc = server
    d = browser
    d.get(address)
    assert "token" not in d.current_url  # the token became a cookie
    d.find_element(By.CSS_SELECTOR, "#new-unit input[name=name]").send_keys("Ủy ban nhân dân xã Tân Mỹ")
    year = d.find_element(By.CSS_SELECTOR, "#new-unit input[name=year]")
    year.clear()
    year.send_keys(str(YEAR))
    d.find_element(By.CSS_SELECTOR, "#new-unit button").click()
    wait(d, lambda d: d.current_url.endswith(f"/don-vi/tan-my/{YEAR}"), what="the new unit's form")
    wait(d, lambda d: "CẦN ĐIỀN" in d.find_element(By.ID, "status").text, what="the summary")
    path = inputs / "tan-my" / f"{YEAR}.yaml"
    assert path.is_file()

    # a member added in the browser, and a person pasted from Excel
    d.find_element(By.XPATH, "//button[contains(., 'Thêm thành viên Tổ')]").click()
    d.find_element(By.XPATH, "//button[contains(., 'Thêm thành viên Tổ')]").click()
    d.execute_script("pasteRows(0, 0, arguments[0])", "1\tTrần Thị Thu Hương\tChủ tịch UBND xã\tcó\tcó\tcó\tcó\tkhông\tLao động tiên tiến\tcó\n"
                                                      "2\tPhạm Thị Ngọc Lan\tCông chức Văn hóa – xã hội\tx\tx\tx\tx\tx\tLao động tiên tiến\tx\n")
    wait(d, lambda d: len(d.find_elements(By.CSS_SELECTOR, "table.staff tbody tr")) == 2, what="the pasted rows")
    assert bound(d, "staff[1].name").get_attribute("value") == "Trần Thị Thu Hương"
    assert bound(d, "staff[1].language_meets_job").is_selected() is False
    assert bound(d, "staff[2].language_meets_job").is_selected() is True

    # a placeholder inserted with its button
    d.execute_script("document.querySelector(\"[data-bind='indicators.\\\"2.1\\\".description']\").scrollIntoView()")
    area = bound(d, 'indicators."2.1".description')
    area.send_keys("Có ")
    area.find_element(By.XPATH, "following-sibling::div[@class='inserts']//button[.='{2.1.phan_so}']").click()
    assert area.get_attribute("value") == "Có {2.1.phan_so}"

    fill_everything(d)
    wait(d, lambda d: d.find_element(By.ID, "status").text.startswith("✓ Hợp lệ"), what="a valid year")
    assert verdict(d, "2.1") == "Đạt Mức độ 2"
    assert verdict(d, "2.4") == "Đạt Mức độ 1"  # 2/2 with a certificate, 1/2 whose language meets the job
    assert "Đạt Mức độ 1" in d.find_element(By.ID, "unit-level").text

    # a field filled wrongly: validate's message beside it, the verdicts gone until it is fixed
    type_into(d, "team.decision.date", f"31/02/{YEAR}")
    wait(d, lambda d: "không tồn tại" in message_beside(d, "team.decision.date"), what="the message beside the date")
    assert f"ngày 31/02/{YEAR} không tồn tại" in message_beside(d, "team.decision.date")
    assert d.find_elements(By.ID, "unit-level") == []
    type_into(d, "team.decision.date", f"20/06/{YEAR}")
    wait(d, lambda d: d.find_elements(By.ID, "unit-level"), what="the verdicts back")
    assert message_beside(d, "team.decision.date") == ""

    # the verdict table follows the data: one person no longer meets 2.1
    bound(d, "staff[1].discipline").click()
    wait(d, lambda d: settled(d) and d.find_elements(By.CSS_SELECTOR, "#verdicts tr[data-code='2.1']") and verdict(d, "2.1") == "Không đạt",
         what="2.1 to fall")
    assert "1/2" in d.find_element(By.CSS_SELECTOR, "#verdicts tr[data-code='2.1']").text
    assert "Không đạt" in d.find_element(By.ID, "unit-level").text
    bound(d, "staff[1].discipline").click()
    wait(d, lambda d: settled(d) and d.find_elements(By.CSS_SELECTOR, "#verdicts tr[data-code='2.1']") and verdict(d, "2.1") == "Đạt Mức độ 2",
         what="2.1 back")

    # save, then the file on disk: what validate reads, with the scaffold's comments kept
    d.find_element(By.ID, "save").click()
    wait(d, lambda d: d.find_element(By.ID, "save-state").text.startswith("Đã lưu"), what="the save")
    text = path.read_text(encoding="utf-8")
    assert "# Tổ tự đánh giá: số người là số lẻ" in text and "# HỒ SƠ TỰ ĐÁNH GIÁ" in text
    assert not re.search(r":\s*CẦN ĐIỀN", text)
    check = subprocess.run([sys.executable, "-m", "pipeline", "validate", str(path)], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert check.returncode == 0, check.stdout + check.stderr
    from pipeline.rules.assess import assess_file

    loaded, assessment = assess_file(path)
    assert [p.name for p in loaded.model.staff] == ["Trần Thị Thu Hương", "Phạm Thị Ngọc Lan"]
    assert len(loaded.model.team.members) == 5
    assert loaded.model.indicators["2.1"].description.startswith("Có {2.1.phan_so}")
    assert assessment.indicator("2.1").label == "Đạt Mức độ 2"

    # Lập hồ sơ: progress, then the documents with their links
    d.find_element(By.ID, "build").click()
    wait(d, lambda d: "Đã lập hồ sơ" in d.find_element(By.ID, "build-state").text or "Chưa lập" in d.find_element(By.ID, "build-state").text,
         seconds=240, what="the build")
    assert "✓ Đã lập hồ sơ." == d.find_element(By.ID, "build-state").text, d.find_element(By.ID, "dossier").text
    links = {a.text + " " + a.find_element(By.XPATH, "preceding-sibling::span[@class='doc-title']").text: a.get_attribute("href")
             for a in d.find_elements(By.CSS_SELECTOR, "ul.documents a.file")}
    assert any(k.startswith("DOCX Mẫu 3") for k in links)
    pdf = [href for k, href in links.items() if k.startswith("PDF")]
    zipped = d.execute_async_script(
        "const done = arguments[0]; fetch(document.getElementById('zip').href).then(r => r.arrayBuffer().then(b => done([r.status, b.byteLength])))")
    assert zipped[0] == 200 and zipped[1] > 10000
    if soffice() or os.environ.get("CI") == "true":  # the LibreOffice the build itself finds (DVHT_SOFFICE, PATH…)
        assert pdf, links
        head = d.execute_async_script(
            "const done = arguments[1]; fetch(arguments[0]).then(r => r.arrayBuffer().then(b => done([r.status, r.headers.get('content-type'),"
            " String.fromCharCode(...new Uint8Array(b.slice(0, 5)))])))", pdf[0])
        assert head == [200, "application/pdf", "%PDF-"]
        d.get(pdf[0])  # opened as the officer clicks it
        assert d.current_url == pdf[0]
    assert (outputs / "tan-my" / str(YEAR) / "mau-3-bao-cao-tu-danh-gia.docx").is_file()

    # Ctrl-C stops it cleanly
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0 and "Đã dừng" in out


def test_a_new_year_from_the_list_says_what_to_look_at_again(server, browser):
    """“Tạo năm mới” on the list: the new year's page says what was carried from last year and each place of the
    prose to look at again (as `dvht new-year` prints them), beside the fields too, until marked as read; and the
    verdict table already shows what can be judged (provisional)."""
    from tests.conftest import EXAMPLE_TEXT

    address, inputs, outputs, proc = server
    (inputs / "quang-phu").mkdir()
    (inputs / "quang-phu" / "2024.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    d = browser
    d.get(address)
    form = d.find_element(By.CSS_SELECTOR, "form.new-year[data-unit='quang-phu']")
    assert form.find_element(By.NAME, "year").get_attribute("value") == "2025"
    form.find_element(By.TAG_NAME, "button").click()
    wait(d, lambda d: d.current_url.endswith("/don-vi/quang-phu/2025"), what="the new year's form")
    box = wait(d, lambda d: d.find_element(By.ID, "carried").is_displayed() and d.find_element(By.ID, "carried"), what="the carried note")
    assert "Năm 2025 được chép từ tệp 2024.yaml" in box.text and "CẦN ĐIỀN" in box.text
    notes = box.find_elements(By.CSS_SELECTOR, "li")
    assert len(notes) == 4 and any("68/QĐ-UBND" in n.text for n in notes) and "⚠ 4 chỗ trong lời văn" in box.text
    wait(d, settled, what="the first check")
    assert "cần xem lại" in message_beside(d, "report.process_summary")  # beside the field as well
    assert "tạm tính" in d.find_element(By.CSS_SELECTOR, "#verdicts h2").text
    assert d.find_element(By.ID, "unit-level").text.endswith("chưa đủ dữ liệu (30 thành viên)")
    d.find_element(By.ID, "carried-read").click()
    assert not d.find_element(By.ID, "carried").is_displayed()
    d.refresh()  # marked as read: not shown again for this version of the file
    wait(d, lambda d: d.find_element(By.ID, "save-state").text == "Chưa có thay đổi.", what="the form again")
    assert not d.find_element(By.ID, "carried").is_displayed()
