"""A tile server on 127.0.0.1 for the tests: PNG tiles under /tiles/, an HTML page under
/html/, 404 elsewhere. It records every path asked."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.basemapfiles import solid


@contextmanager
def tile_server() -> Iterator[tuple[str, list[str]]]:
    asked: list[str] = []
    tile = solid((0, 128, 0))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            asked.append(self.path)
            if self.path.startswith("/tiles/"):
                body, kind, status = tile, "image/png", 200
            elif self.path.startswith("/html/"):
                body, kind, status = b"<html><body>Welkom</body></html>", "text/html", 200
            else:
                body, kind, status = b"not found", "text/plain", 404
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", asked
    finally:
        server.shutdown()
        server.server_close()
