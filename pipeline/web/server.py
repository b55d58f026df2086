"""Start the web editor: uvicorn on 127.0.0.1 only, a random token per run, the address printed as
`Địa chỉ: http://127.0.0.1:PORT/?token=…`, the default browser opened on it; Ctrl-C stops it cleanly."""

from __future__ import annotations

import secrets
import socket
import threading
import webbrowser
from pathlib import Path
from typing import Callable

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def serve(inputs: Path, outputs: Path, port: int = 0, open_browser: bool = True, out: Callable[[str], None] = print,
          debug: bool = False) -> int:
    """Serve until Ctrl-C (or the process is told to stop); returns the exit code."""
    import uvicorn

    from pipeline.web.routes import create_app

    if port:
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.bind((HOST, port))
        except OSError:
            out(f"✗ Cổng {port} đang được chương trình khác dùng (có thể trang soạn hồ sơ đã mở ở cửa sổ khác); "
                "chọn cổng khác (--port) hoặc bỏ --port để máy tự chọn.")
            return 1
    port = port or free_port()
    token = secrets.token_urlsafe(24)
    app = create_app(inputs, outputs, token=token, port=port, debug=debug)
    config = uvicorn.Config(app, host=HOST, port=port, log_level="warning" if debug else "critical", access_log=False, lifespan="off",
                            server_header=False, date_header=False)
    server = uvicorn.Server(config)
    address = f"http://{HOST}:{port}/?token={token}"

    def announce():  # once the socket listens, so that a test or the browser never races the start
        while not server.started and not server.should_exit:
            threading.Event().wait(0.05)
        if server.started:
            out(f"Địa chỉ: {address}")
            out("Trang soạn hồ sơ đang chạy trên máy này. Đóng cửa sổ này hoặc bấm Ctrl-C để dừng.")
            if open_browser:
                webbrowser.open(address)

    threading.Thread(target=announce, daemon=True).start()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    if not server.started:
        return 1
    out("Đã dừng trang soạn hồ sơ.")
    return 0
