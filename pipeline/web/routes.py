"""The web editor's pages and API (Starlette): the units and years, a new unit or year, the year's form,
checks as the officer types, saving, and “Lập hồ sơ” with its documents.

Every request must carry the run's token (`?token=` once, then a cookie) and a Host of 127.0.0.1 or
localhost on the served port; anything else gets 403. Unit and year in a URL are checked against the
names the build accepts before any path is made from them, and files are served only from the dossier
folder of that unit and year.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from pipeline.core.problems import InputError, PipelineError, Problem
from pipeline.sources.files import UNIT, YEAR, year_files  # the one naming rule of units and years
from pipeline.sources.load import later_syntax_problems
from pipeline.sources.yaml_edit import write_atomic
from pipeline.web import data as webdata
from pipeline.web.meta import form_meta, verdicts

HERE = Path(__file__).resolve().parent
COOKIE = "dvht_token"
MERGED = "ho-so-tu-danh-gia.pdf"


def sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@dataclass
class BuildJob:
    lines: list[str] = field(default_factory=list)
    done: bool = False
    code: int | None = None
    started: str = ""


@dataclass
class State:
    inputs: Path
    outputs: Path
    token: str
    port: int = 0
    # sha → (bytes, text) of each version a browser opened or saved: a save edits those bytes, so that the file keeps
    # its encoding, BOM and line endings
    opened: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    builds: dict[str, BuildJob] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def remember(self, raw: bytes, text: str) -> str:
        key = sha(raw)
        with self.lock:
            self.opened[key] = (raw, text)
            while len(self.opened) > 200:
                self.opened.pop(next(iter(self.opened)))
        return key

    def version(self, key) -> tuple[bytes, str] | None:
        return self.opened.get(str(key))


def problem_json(p: Problem) -> dict:
    return {"field": p.field, "line": p.line, "message": p.message, "warning": p.warning,
            "fill": p.message.startswith("cần điền")}


def summary(problems: list[Problem]) -> dict:
    fill = sum(1 for p in problems if not p.warning and p.message.startswith("cần điền"))
    errors = sum(1 for p in problems if not p.warning) - fill
    return {"fill": fill, "errors": errors, "warnings": sum(1 for p in problems if p.warning)}


def create_app(inputs: Path, outputs: Path, token: str | None = None, port: int = 0, debug: bool = False) -> Starlette:
    state = State(Path(inputs).resolve(), Path(outputs).resolve(), token or secrets.token_urlsafe(24), port)
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))

    def page(name: str, **context) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**context))

    def input_path(unit: str, year: str) -> Path:
        if not UNIT.match(unit) or not YEAR.match(year):
            raise LookupError
        found = year_files(state.inputs / unit).get(int(year), [])  # 2024.yaml or 2024.yml: the rule `dossier` reads by
        return found[0] if len(found) == 1 else state.inputs / unit / f"{year}.yaml"

    def dossier_dir(unit: str, year: str) -> Path:
        if not UNIT.match(unit) or not YEAR.match(year):
            raise LookupError
        return state.outputs / unit / year

    # ---- pages

    async def index(request: Request):
        from pipeline.sources import scan

        units: dict[str, list[dict]] = {}
        found = scan(state.inputs) if state.inputs.is_dir() else None
        for job in (found.jobs if found else []):
            units.setdefault(job.unit, []).append(_year_row(state, job.unit, job.year, job.path))
        notes = (found.skipped + [m for _, m in found.refused]) if found else []
        return page("index.html", units=units, notes=notes, today=dt.date.today().year)

    async def form(request: Request):
        unit, year = request.path_params["unit"], request.path_params["year"]
        try:
            path = input_path(unit, year)
        except LookupError:
            return HTMLResponse(env.get_template("message.html").render(
                title="Không có trang này", message="Tên đơn vị hoặc năm không hợp lệ."), status_code=404)
        if not path.is_file():
            return HTMLResponse(env.get_template("message.html").render(
                title="Không có tệp", message=f"Chưa có tệp inputs/{unit}/{year}.yaml."), status_code=404)
        return page("form.html", unit=unit, year=year, meta=json.dumps(form_meta(), ensure_ascii=False).replace("</", "<\\/"))

    # ---- API

    async def api_data(request: Request):
        unit, year = request.path_params["unit"], request.path_params["year"]
        path = _path_or_none(input_path, unit, year)
        if path is None or not path.is_file():
            return JSONResponse({"error": "Không có tệp này."}, status_code=404)
        text = None
        try:
            raw, text = webdata.read_version(path)
            value = webdata.read_json(text, path)
        except InputError as exc:
            problems, note = later_syntax_problems(text, str(path), list(exc.problems)) if text is not None else (list(exc.problems), "")
            return JSONResponse({"error": "Tệp có lỗi cú pháp, chưa mở được trong trình duyệt; sửa bằng Notepad theo hướng dẫn dưới đây rồi tải lại trang.",
                                 "problems": [problem_json(p) for p in problems], "note": note}, status_code=422)
        base = state.remember(raw, text)
        carried = webdata.carried_over(path, raw)
        if carried is not None:
            carried["notes"] = [problem_json(p) for p in carried["notes"]]
        return JSONResponse({"data": value, "base": base, "carried": carried, **_checked(text, path)})

    async def api_check(request: Request):
        unit, year = request.path_params["unit"], request.path_params["year"]
        path = _path_or_none(input_path, unit, year)
        body = await _json(request)
        if path is None or body is None or not isinstance(body.get("data"), dict):
            return JSONResponse({"error": "Yêu cầu không hợp lệ."}, status_code=400)
        base = state.version(body.get("base"))
        if base is None:
            return JSONResponse({"error": "Trang đã cũ (máy đã khởi động lại?); tải lại trang."}, status_code=409)
        return JSONResponse(_answer(webdata.check_data(base[1], body["data"], path)))

    async def api_save(request: Request):
        from pipeline.build.outputs import BuildLocked, Lock

        unit, year = request.path_params["unit"], request.path_params["year"]
        path = _path_or_none(input_path, unit, year)
        body = await _json(request)
        if path is None or body is None or not isinstance(body.get("data"), dict):
            return JSONResponse({"error": "Yêu cầu không hợp lệ."}, status_code=400)
        base = state.version(body.get("base"))
        if base is None:
            return JSONResponse({"error": "Trang đã cũ (máy đã khởi động lại?); tải lại trang. Những gì chưa lưu sẽ mất."}, status_code=409)
        from pipeline.sources.files import SourceError, read_bytes

        try:
            disk = read_bytes(path) if path.exists() else None
        except SourceError:
            disk = b""  # unreadable now: kept as it is below (a copy in .ban-cu), never lost
        changed = disk != base[0]
        if changed and not body.get("overwrite"):
            return JSONResponse({"conflict": True, "error": (
                f"Tệp inputs/{unit}/{year}.yaml đã được sửa ở nơi khác (Notepad?) sau khi mở trong trình duyệt. "
                "Chọn “Ghi đè bằng bản trong trình duyệt” (bản trên máy được giữ một bản sao trong thư mục .ban-cu "
                "của đơn vị) hoặc “Mở bản trên máy” (bỏ những gì chưa lưu ở đây).")}, status_code=409)
        try:
            doc = None
            if changed and disk:  # onto what is on disk now, so that an overwrite keeps that file's comments
                try:
                    doc = webdata.open_version(path, disk)
                    webdata.render(doc, body["data"], path)
                except (InputError, webdata.Unsaved):
                    doc = None
            if doc is None:
                doc = webdata.open_version(path, base[0])
                webdata.render(doc, body["data"], path)
            data = doc.encoded()
        except (webdata.Unsaved, InputError) as exc:
            return JSONResponse({"error": "Chưa lưu: có giá trị không ghi được đúng như đã gõ.",
                                 "problems": [problem_json(p) for p in exc.problems]}, status_code=422)
        kept = None
        try:
            with Lock(state.outputs):
                if changed:  # the officer chose to overwrite (or the file is gone): what was there is kept first
                    kept = webdata.backup(path) if path.exists() else None
                    write_atomic(doc.real, data)
                else:
                    doc.save()  # refuses if the file changed since it was read just now
        except InputError:  # changed on disk between the check above and the write
            return JSONResponse({"conflict": True, "error": (
                f"Tệp inputs/{unit}/{year}.yaml vừa được sửa ở nơi khác trong lúc lưu; chưa ghi gì. Chọn “Ghi đè bằng bản "
                "trong trình duyệt” hoặc “Mở bản trên máy”.")}, status_code=409)
        except BuildLocked as exc:
            return JSONResponse({"error": f"Chưa lưu: {exc}. Những gì đã sửa vẫn còn trên trang; lưu lại sau."}, status_code=423)
        except OSError as exc:
            from pipeline.core.oserrors import explain

            return JSONResponse({"error": f"Chưa lưu: {explain(exc, path)}"}, status_code=500)
        text = webdata.text_of(data)
        key = state.remember(data, text)
        return JSONResponse({"saved": True, "base": key, "kept": str(kept.relative_to(state.inputs)) if kept else None,
                             **_checked(text, path)})

    async def api_new_unit(request: Request):
        from pipeline.commands.new_unit import Exists, HasYears, new_unit, slug_of

        body = await _json(request) or {}
        name = " ".join(str(body.get("name", "")).split())
        year = str(body.get("year", "")).strip()
        if not name:
            return JSONResponse({"error": "Ghi tên đầy đủ của đơn vị, ví dụ “Ủy ban nhân dân xã Tân Mỹ”."}, status_code=400)
        if not YEAR.match(year):
            return JSONResponse({"error": f"Năm “{year}” không hợp lệ: ghi bốn chữ số, ví dụ 2025."}, status_code=400)
        slug = str(body.get("slug") or "").strip() or slug_of(name)
        if not UNIT.match(slug):
            return JSONResponse({"error": f"Tên thư mục “{slug}” không dùng được: chỉ chữ thường không dấu, số và dấu “-”."}, status_code=400)
        try:
            path = new_unit(state.inputs, name, int(year), slug)
        except Exists:
            return JSONResponse({"error": f"Đã có tệp inputs/{slug}/{year}.yaml; mở nó từ danh sách."}, status_code=409)
        except HasYears as exc:
            return JSONResponse({"error": f"Đơn vị này đã có năm {exc.other_year}: chọn “Năm mới” ở đơn vị đó trong danh sách "
                                          f"để chép sang năm {year} (giữ lời văn, Tổ, danh sách thành viên)."}, status_code=409)
        except PipelineError as exc:  # refused, in words: another unit's folder, a year out of range…
            return JSONResponse({"error": str(exc)[:1].upper() + str(exc)[1:]}, status_code=400)
        return JSONResponse({"url": f"/don-vi/{path.parent.name}/{year}"})

    async def api_new_year(request: Request):
        from pipeline.commands.new_unit import Exists
        from pipeline.commands.new_year import NoEarlierYear, left_in_prose, new_year

        body = await _json(request) or {}
        unit, year = str(body.get("unit", "")), str(body.get("year", "")).strip()
        if not UNIT.match(unit):
            return JSONResponse({"error": f"Không có đơn vị “{unit}”; chọn đơn vị từ danh sách."}, status_code=400)
        if not YEAR.match(year):
            return JSONResponse({"error": f"Năm “{year}” không hợp lệ: ghi bốn chữ số, ví dụ 2025."}, status_code=400)
        try:
            target, source = new_year(state.inputs, unit, int(year))
        except Exists:
            return JSONResponse({"error": f"Đã có tệp inputs/{unit}/{year}.yaml; mở nó từ danh sách."}, status_code=409)
        except NoEarlierYear:
            return JSONResponse({"error": f"Đơn vị “{unit}” chưa có năm nào để chép."}, status_code=404)
        except InputError as exc:
            return JSONResponse({"error": "Năm gần nhất có lỗi, chưa chép được: " + "; ".join(p.message for p in exc.problems[:3])},
                                status_code=422)
        except PipelineError as exc:  # refused, in words
            return JSONResponse({"error": str(exc)[:1].upper() + str(exc)[1:]}, status_code=400)
        # the page of the new year says what was carried and what to look at again (`carried` in api_data)
        return JSONResponse({"url": f"/don-vi/{unit}/{year}", "source": source.name,
                             "notes": len(left_in_prose(target, source))})

    async def api_build(request: Request):
        unit, year = request.path_params["unit"], request.path_params["year"]
        path = _path_or_none(input_path, unit, year)
        if path is None or not path.is_file():
            return JSONResponse({"error": "Không có tệp này."}, status_code=404)
        key = f"{unit}/{year}"
        if request.method == "POST":
            body = await _json(request) or {}
            with state.lock:
                job = state.builds.get(key)
                if job is not None and not job.done:
                    return JSONResponse({"error": "Đang lập hồ sơ này; chờ xong."}, status_code=409)
                job = state.builds[key] = BuildJob(started=dt.datetime.now().strftime("%H:%M:%S"))
            threading.Thread(target=_run_build, args=(state, path, job, not body.get("no_pdf")), daemon=True).start()
        job = state.builds.get(key)
        if job is None:
            return JSONResponse({"running": False, "lines": [], "documents": _documents(dossier_dir(unit, year), unit, year)})
        return JSONResponse({"running": not job.done, "code": job.code, "lines": job.lines,
                             "documents": _documents(dossier_dir(unit, year), unit, year) if job.done else []})

    async def dossier_file(request: Request):
        unit, year, name = request.path_params["unit"], request.path_params["year"], request.path_params["name"]
        try:
            folder = dossier_dir(unit, year)
        except LookupError:
            return Response("Không có tệp này.", status_code=404)
        allowed = {d["name"] for d in _documents(folder, unit, year) for d in d["files"]}
        if name not in allowed:
            return Response("Không có tệp này.", status_code=404)
        media = "application/pdf" if name.endswith(".pdf") else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        disposition = "inline" if name.endswith(".pdf") else "attachment"
        return FileResponse(folder / name, media_type=media, filename=name, content_disposition_type=disposition)

    async def dossier_zip(request: Request):
        unit, year = request.path_params["unit"], request.path_params["year"]
        try:
            folder = dossier_dir(unit, year)
        except LookupError:
            return Response("Không có tệp này.", status_code=404)
        files = [f["name"] for d in _documents(folder, unit, year) for f in d["files"]]
        if not files:
            return Response("Chưa có hồ sơ.", status_code=404)
        from pipeline.core import zips

        data = zips.write((f"{unit}-{year}/{name}", (folder / name).read_bytes()) for name in files)
        return Response(data, media_type="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="ho-so-{unit}-{year}.zip"'})

    routes = [
        Route("/", index),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route("/don-vi/{unit}/{year}", form),
        Route("/api/data/{unit}/{year}", api_data),
        Route("/api/check/{unit}/{year}", api_check, methods=["POST"]),
        Route("/api/save/{unit}/{year}", api_save, methods=["POST"]),
        Route("/api/build/{unit}/{year}", api_build, methods=["GET", "POST"]),
        Route("/api/new-unit", api_new_unit, methods=["POST"]),
        Route("/api/new-year", api_new_year, methods=["POST"]),
        Route("/ho-so/{unit}/{year}/tat-ca.zip", dossier_zip),
        Route("/ho-so/{unit}/{year}/{name}", dossier_file),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    async def unexpected(request: Request, exc: Exception):
        return JSONResponse({"error": f"Lỗi không mong đợi: {type(exc).__name__}. Những gì chưa lưu vẫn còn trên trang; "
                                      "báo cho người phát triển (chạy “dvht web --debug” để xem chi tiết)."}, status_code=500)

    async def not_found(request: Request, exc: Exception):
        return Response("Không có trang hoặc tệp này.", status_code=404, media_type="text/plain; charset=utf-8")

    async def not_allowed(request: Request, exc: Exception):
        return Response("Trang này không nhận yêu cầu kiểu đó.", status_code=405, media_type="text/plain; charset=utf-8")

    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: not_allowed, Exception: unexpected})
    app.state.dvht = state
    return Guard(app, state, debug)


class Guard:
    """ASGI middleware: the Host must be this machine's loopback name, and the run's token present.

    `?token=` sets an HttpOnly, SameSite=Strict cookie and redirects to the same address without it; a
    request with neither a valid cookie nor the `X-DVHT-Token` header gets 403. A POST must also come from
    this origin (the Origin header, when a browser sends one)."""

    def __init__(self, app, state: State, debug: bool = False):
        self.app, self.state, self.debug = app, state, debug

    def _hosts(self) -> set[str]:
        names = {"127.0.0.1", "localhost"}
        port = self.state.port
        return names | ({f"{n}:{port}" for n in names} if port else set())

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        host = request.headers.get("host", "")
        if host not in self._hosts() and not (self.state.port == 0 and re.fullmatch(r"(127\.0\.0\.1|localhost)(:\d+)?", host)):
            return await _forbidden("Chỉ mở được từ chính máy này, ở địa chỉ 127.0.0.1.")(scope, receive, send)
        token = self.state.token
        given = request.query_params.get("token")
        if given is not None:
            if not secrets.compare_digest(given, token):
                return await _forbidden("Mã truy cập không đúng. Dùng đúng địa chỉ máy in ra khi chạy “dvht web”.")(scope, receive, send)
            response = RedirectResponse(request.url.remove_query_params("token"), status_code=303)
            response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")
            return await response(scope, receive, send)
        cookie = request.cookies.get(COOKIE, "")
        header = request.headers.get("x-dvht-token", "")
        if not (secrets.compare_digest(cookie, token) or secrets.compare_digest(header, token)):
            return await _forbidden("Thiếu mã truy cập. Mở địa chỉ máy in ra khi chạy “dvht web” (có ?token=…).")(scope, receive, send)
        origin = request.headers.get("origin")
        if scope.get("method") not in ("GET", "HEAD") and origin is not None:
            if origin.removeprefix("http://") not in self._hosts() and not (self.state.port == 0 and re.fullmatch(r"http://(127\.0\.0\.1|localhost)(:\d+)?", origin)):
                return await _forbidden("Yêu cầu từ trang khác bị từ chối.")(scope, receive, send)
        started = False

        async def sending(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:  # the last line of defence, as in the CLI: a message, never a traceback
            if started:
                return
            await JSONResponse({"error": f"Lỗi không mong đợi: {type(exc).__name__}. Những gì chưa lưu vẫn còn trên trang; "
                                         "báo cho người phát triển (chạy “dvht web --debug” để xem chi tiết)."},
                               status_code=500)(scope, receive, send)
            if self.debug:
                import traceback

                traceback.print_exc()


def _forbidden(message: str) -> Response:
    return HTMLResponse(f"<!doctype html><html lang=vi><meta charset=utf-8><title>Không được phép</title><p>{message}</p></html>",
                        status_code=403)


def _path_or_none(fn, unit: str, year: str) -> Path | None:
    try:
        return fn(unit, year)
    except LookupError:
        return None


async def _json(request: Request):
    try:
        body = await request.body()
        if len(body) > 4 * 1024 * 1024:
            return None
        value = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) and _depth(value) <= MAX_DEPTH else None


MAX_DEPTH = 32  # an input nests six deep (indicators → "2.1" → evidence → [1] → date); a deeper body is no form's


def _depth(value) -> int:
    """How deep a JSON value nests, counted without recursion (a body nested 900 deep must not reach the checks)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        node, depth = todo.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        todo.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def _checked(text: str, path: Path) -> dict:
    return _answer(webdata.check_text(text, path))


def _answer(checked) -> dict:
    return {"problems": [problem_json(p) for p in checked.problems], "summary": summary(checked.problems),
            "verdicts": verdicts(checked.loaded, checked.assessment) if checked.assessment else checked.partial}


def _year_row(state: State, unit: str, year: str, path: Path) -> dict:
    from pipeline.rules.assess import assess_file

    row = {"year": year, "url": f"/don-vi/{unit}/{year}", "name": unit}
    try:
        loaded, assessment = assess_file(path)
    except InputError as exc:
        try:
            from pipeline.sources.load import parse, read_text

            unit_data = parse(read_text(path), str(path))[0].get("unit")
            if isinstance(unit_data, dict) and isinstance(unit_data.get("name"), str):
                row["name"] = unit_data["name"]
        except InputError:
            pass
        s = summary(exc.problems)
        parts = [f"{s['fill']} chỗ cần điền" if s["fill"] else "", f"{s['errors']} lỗi" if s["errors"] else ""]
        row.update(verdict=None, status="chưa xong: " + ", ".join(p for p in parts if p))
    else:
        row.update(name=loaded.model.unit.name, verdict=assessment.unit_level.label,
                   status=f"{len(loaded.warnings)} cảnh báo" if loaded.warnings else "hợp lệ")
    record = state.outputs / unit / year / "ket-qua.json"
    row["built"] = dt.datetime.fromtimestamp(record.stat().st_mtime).strftime("%d/%m/%Y %H:%M") if record.is_file() else None
    return row


def _ours(folder: Path, name: str) -> bool:
    """A file the build wrote: a regular file, not a link, in a dossier folder that is itself no link and lies inside
    the outputs folder (a link planted there, to /etc/… or another account's files, is never served nor zipped)."""
    import stat

    path = folder / name
    try:
        outputs = Path(os.path.realpath(folder.parent.parent))
        if folder.is_symlink() or folder.parent.is_symlink() or not Path(os.path.realpath(path)).is_relative_to(outputs):
            return False
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _documents(folder: Path, unit: str, year: str) -> list[dict]:
    """The documents of a built dossier, in the order the receiving office reads them, with the files present."""
    from pipeline.documents import DOCUMENTS

    out = []
    if not folder.is_dir():
        return out
    entries = [("Hồ sơ tự đánh giá (cả bộ, một tệp PDF)", [MERGED])]
    entries += [(d.title, [d.stem + ".pdf", d.template]) for d in DOCUMENTS]
    for title, names in entries:
        files = [{"name": n, "kind": n.rsplit(".", 1)[1].upper(), "url": f"/ho-so/{unit}/{year}/{n}"}
                 for n in names if _ours(folder, n)]
        if files:
            out.append({"title": title, "files": files})
    return out


def _run_build(state: State, path: Path, job: BuildJob, pdf: bool) -> None:
    """`python -m pipeline dossier <file>` in a child process, its lines kept as the progress the page shows."""
    cmd = [sys.executable, "-m", "pipeline", "dossier", str(path), "--outputs", str(state.outputs), "--quiet"]
    if not pdf:
        cmd.append("--no-pdf")
    env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONUTF8="1")
    env.pop("DVHT_VIA_MAKE", None)
    job.lines.append("Đang lập hồ sơ…")
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, cwd=str(HERE.parent.parent), text=True, encoding="utf-8", errors="replace")
        for line in proc.stdout:
            line = line.rstrip()
            if line:
                job.lines.append(line.replace(str(state.outputs), "outputs").replace(str(state.inputs), "inputs"))
        job.code = proc.wait()
    except OSError as exc:
        job.lines.append(f"✗ không chạy được: {exc}")
        job.code = 1
    job.done = True
