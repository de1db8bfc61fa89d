"""Serving the map page and its assets through the ``paragon://`` URL scheme.

Not ``setHtml`` (capped at 2 MB) and not a local port (anything on the machine could talk to it).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QIODevice, QObject
from PySide6.QtWebEngineCore import (
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from paragon_desktop.gis.basemaps import image_type
from paragon_desktop.ui.gc import release_elsewhere
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
        # The page fetches layer data from the scheme (fetch() refuses custom schemes otherwise).
        | QWebEngineUrlScheme.Flag.FetchApiAllowed
    )
    QWebEngineUrlScheme.registerScheme(scheme)


def _inside(root: Path, relative: str) -> Path | None:
    candidate = (root / relative).resolve()
    return candidate if candidate.is_relative_to(root.resolve()) and candidate.is_file() else None


LayerDataSource = Callable[[int, int], "bytes | memoryview | None"]
TileSource = Callable[[str, int, int, int], "bytes | None"]


class AssetSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers paragon://app/map.html, /leaflet/* (the Leaflet package), /static/* (ours) and
    /layer-data/ID/REVISION (a layer's GeoJSON, from the map view that owns this handler)."""

    def __init__(self, parent=None, layer_data: LayerDataSource | None = None,
                 tiles: TileSource | None = None) -> None:
        super().__init__(parent)
        self._roots = {"leaflet": leaflet_dir(), "static": static_dir()}
        self._layer_data = layer_data
        self._tiles = tiles

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
        if top == "layer-data":
            self._reply_layer_data(job, rest)
            return
        if top == "tiles":
            self._reply_tile(job, rest)
            return
        root = self._roots.get(top)
        found = _inside(root, rest) if root is not None and rest else None
        if found is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        mime = _MIME.get(found.suffix) or mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        self._reply(job, mime, found.read_bytes())

    def _reply_layer_data(self, job: QWebEngineUrlRequestJob, rest: str) -> None:
        layer_id, _, revision = rest.partition("/")
        data = None
        if self._layer_data is not None and layer_id.isdigit() and revision.isdigit():
            data = self._layer_data(int(layer_id), int(revision))
        if data is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
        else:
            self._reply(job, "application/geo+json", data)

    def _reply_tile(self, job: QWebEngineUrlRequestJob, rest: str) -> None:
        """paragon://app/tiles/BASEMAP/Z/X/Y: a basemap tile, or 404 (the plain background)."""
        parts = rest.split("/")
        data = None
        if self._tiles is not None and len(parts) == 4 and all(p.isdigit() for p in parts[1:]):
            data = self._tiles(parts[0], int(parts[1]), int(parts[2]), int(parts[3]))
        if data is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
        else:
            self._reply(job, image_type(data) or "application/octet-stream", data)

    @staticmethod
    def _reply(job: QWebEngineUrlRequestJob, mime: str, data: bytes | memoryview) -> None:
        job.reply(mime.encode(), BytesDevice(data, job))


class BytesDevice(QIODevice):
    """A reply body read straight from the Python bytes, in the pieces the page asks for.

    A QBuffer needs the body copied into a QByteArray first: for a million points 110 MB, 40-80
    ms in one go on the window's thread and twice the memory while it lasts. Here each read
    copies only the piece the page takes: Qt WebEngine reads 64 KB at a time, on its own IO
    thread."""

    def __init__(self, data: bytes | memoryview, parent: QObject) -> None:
        super().__init__(parent)
        self._data = memoryview(data)
        self._size = len(self._data)
        self.open(QIODevice.OpenModeFlag.ReadOnly | QIODevice.OpenModeFlag.Unbuffered)

    def size(self) -> int:
        return self._size

    def bytesAvailable(self) -> int:  # noqa: N802 (Qt API)
        return self._size - self.pos()

    def readData(self, maxlen: int) -> bytes:  # noqa: N802 (Qt API)
        start = self.pos()
        piece = self._data[start:start + maxlen].tobytes()
        if start + len(piece) >= self._size and self._size:
            # All read: the device (deleted by Qt on the window's thread, later) no longer
            # holds the text; whoever lets go of it last does so on a thread of its own.
            data, self._data = self._data, memoryview(b"")
            release_elsewhere(data)
            del data
        return piece

    def writeData(self, _data: bytes | bytearray | memoryview, _size: int, /) -> int:  # noqa: N802
        return -1
