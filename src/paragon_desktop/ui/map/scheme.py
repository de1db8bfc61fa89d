"""Serving the map page and its assets through the ``paragon://`` URL scheme.

Not ``setHtml`` (capped at 2 MB) and not a local port (anything on the machine could talk to it).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtWebEngineCore import (
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from paragon_desktop.ui.map.page import SCHEME, build_page, leaflet_dir, static_dir

_MIME = {".js": "text/javascript", ".css": "text/css", ".png": "image/png", ".html": "text/html"}


def register_scheme() -> None:
    """Must run before the QApplication exists."""
    if QWebEngineUrlScheme.schemeByName(SCHEME.encode()).name():
        return
    scheme = QWebEngineUrlScheme(SCHEME.encode())
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(
        QWebEngineUrlScheme.Flag.SecureScheme
        | QWebEngineUrlScheme.Flag.LocalScheme
        | QWebEngineUrlScheme.Flag.LocalAccessAllowed
        | QWebEngineUrlScheme.Flag.CorsEnabled
    )
    QWebEngineUrlScheme.registerScheme(scheme)


def _inside(root: Path, relative: str) -> Path | None:
    candidate = (root / relative).resolve()
    return candidate if candidate.is_relative_to(root.resolve()) and candidate.is_file() else None


class AssetSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers paragon://app/map.html, /leaflet/* (the Leaflet package) and /static/* (ours)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._roots = {"leaflet": leaflet_dir(), "static": static_dir()}

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802 (Qt API)
        url = job.requestUrl()
        path = url.path().lstrip("/")
        if url.host() != "app":
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        if path == "map.html":
            self._reply(job, "text/html", build_page())
            return
        top, _, rest = path.partition("/")
        root = self._roots.get(top)
        found = _inside(root, rest) if root is not None and rest else None
        if found is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        mime = _MIME.get(found.suffix) or mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        self._reply(job, mime, found.read_bytes())

    @staticmethod
    def _reply(job: QWebEngineUrlRequestJob, mime: str, data: bytes) -> None:
        buffer = QBuffer(job)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime.encode(), buffer)
