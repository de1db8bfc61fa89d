"""Reading a data layer (WFS, OGC API Features) from its service: the app fetches the GeoJSON
(only from the service's own host, size-capped), the sandboxed layer reader reads it like a
file (repairs, coordinate systems, limits: the same checks as an imported file)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from paragon_desktop.gis.layers import LayerRead
from paragon_desktop.gis.ows import Service, fetch_features
from paragon_desktop.gis.reader import LayerReader


def read_service_features(service: Service, reader: LayerReader, *, max_bytes: int,
                          cancelled: Callable[[], bool] | None = None) -> LayerRead:
    body = fetch_features(service, limit=max_bytes)
    with tempfile.TemporaryDirectory(prefix="paragon-service-") as folder:
        path = Path(folder) / "features.geojson"
        path.write_bytes(body)
        read: LayerRead = reader.read(path, max_bytes=max_bytes, cancelled=cancelled)
    read.source_format = "WFS" if service.kind == "wfs" else "OGC API Features"
    return read
