"""The layer-file import use case, one copy for the app and the command line.

Files are read in reader processes (gis.reader: no network, memory and time limits) and stored
with LayerService.add_layer. The rule, the same everywhere: a file that cannot be read or stored
is reported with its own message and changes nothing; the other files still go in; Cancel stops
at once and nothing of the file being read is stored. ``inspect`` reads without storing (what
the import dialog shows before it asks anything); ``run`` stores, using reads already made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paragon_desktop.domain.errors import ParagonError
from paragon_desktop.gis.layers import LayerRead, LayerReadCancelled
from paragon_desktop.gis.reader import LayerReader
from paragon_desktop.services.layers import LayerService
from paragon_desktop.services.views import UserView

# (files done, file name, fraction of this file, stage)
Progress = Callable[[int, str, float, str], None]


@dataclass
class ImportRequest:
    files: list[tuple[Path, str]]  # path, layer name
    description: str = ""
    feed_ids: list[int] = field(default_factory=list)
    crs: str | None = None
    colour: str | None = None
    announce_in: int | None = None
    # Reads already made (shown in the dialog); files not in it are read when stored.
    reads: dict[Path, Any] = field(default_factory=dict)


@dataclass
class ImportedLayer:
    layer_id: int
    data_revision: int
    name: str
    feature_count: int
    # As stored, in UTF-8 for the map page: the reader's own bytes, or encoded here (off the
    # window's thread).
    geojson_utf8: bytes | memoryview
    bbox: tuple[float, float, float, float] | None
    source_name: str = ""
    source_format: str = ""
    source_crs: str = ""


@dataclass
class ImportReport:
    added: list[ImportedLayer] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cancelled: bool = False


@dataclass
class Inspection:
    """Per file, its read or its refusal."""

    reads: dict[Path, LayerRead] = field(default_factory=dict)
    errors: dict[Path, str] = field(default_factory=dict)
    cancelled: bool = False


def _no_progress(_done: int, _name: str, _fraction: float, _stage: str) -> None:
    pass


class LayerImportService:
    def __init__(self, layers: LayerService, reader: LayerReader | None = None) -> None:
        self.layers = layers
        self.reader = reader or LayerReader()

    def _read(self, path: Path, crs: str | None, max_bytes: int, done: int, progress: Progress,
              share: float, cancelled: Callable[[], bool]) -> LayerRead:
        return self.reader.read(  # type: ignore[no-any-return]
            path, crs=crs, max_bytes=max_bytes, cancelled=cancelled,
            progress=lambda f, s: progress(done, path.name, f * share, s))

    def inspect(self, paths: list[Path], crs: str | None, *, max_bytes: int,
                progress: Progress = _no_progress,
                cancelled: Callable[[], bool] = lambda: False) -> Inspection:
        found = Inspection()
        for done, path in enumerate(paths):
            try:
                found.reads[path] = self._read(path, crs, max_bytes, done, progress, 1.0, cancelled)
            except LayerReadCancelled:
                found.cancelled = True
                break
            except ParagonError as exc:
                found.errors[path] = str(exc)
        return found

    def run(self, user: UserView, case_id: int, request: ImportRequest, *, max_bytes: int,
            progress: Progress = _no_progress,
            cancelled: Callable[[], bool] = lambda: False) -> ImportReport:
        report = ImportReport()
        for done, (path, name) in enumerate(request.files):
            if cancelled():
                report.cancelled = True
                break
            try:
                read = request.reads.get(path) or self._read(
                    path, request.crs, max_bytes, done, progress, 0.9, cancelled)
                if cancelled():
                    raise LayerReadCancelled("{name}: import cancelled.",
                                             name=path.name)
                progress(done, path.name, 0.92, "opslaan")
                layer_id = self.layers.add_layer(
                    user, case_id, read, name=name, source_name=Path(path).name,
                    description=request.description, feed_ids=request.feed_ids,
                    announce_in=request.announce_in,
                    style={"color": request.colour} if request.colour else None)
            except LayerReadCancelled:
                report.cancelled = True
                break
            except ParagonError as exc:
                report.errors.append(str(exc))
                continue
            except Exception as exc:  # noqa: BLE001 - the layers stored so far are still reported
                report.errors.append(f"{Path(path).name}: not added ({type(exc).__name__}: {exc}).")
                continue
            report.warnings.extend(read.warnings)
            report.added.append(ImportedLayer(
                layer_id, self.layers.data_revision(layer_id), name, read.feature_count,
                read.encoded, read.bbox,
                Path(path).name, read.source_format, read.source_crs))
        return report

    def close(self) -> None:
        self.reader.close()
