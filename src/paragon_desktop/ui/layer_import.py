"""Importing layer files off the GUI thread, with progress and Cancel.

Each file is read (gis.read_layer) and stored (LayerService.add_layer) on a worker thread. A file
that fails is reported with its own message and changes nothing; the others still go in.
Cancel stops at the next step of the file being read; nothing of that file is stored.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from paragon_desktop.domain.errors import ParagonError
from paragon_desktop.gis.layers import LayerReadCancelled, read_layer
from paragon_desktop.services.layers import LayerService
from paragon_desktop.services.views import UserView
from paragon_desktop.ui.dialogs.import_layer import ImportChoice
from paragon_desktop.ui.workers import Workers


@dataclass
class ImportedLayer:
    layer_id: int
    data_revision: int
    name: str
    feature_count: int
    geojson: str
    bbox: tuple[float, float, float, float] | None


@dataclass
class ImportReport:
    added: list[ImportedLayer] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cancelled: bool = False

    def text(self) -> str:
        lines = []
        if self.added:
            lines.append("Toegevoegd: " + ", ".join(
                f"{layer.name} ({layer.feature_count} objecten)" for layer in self.added))
        if self.cancelled:
            lines.append("Geannuleerd: het bestand dat werd gelezen is niet toegevoegd.")
        if self.errors:
            lines.append("Niet toegevoegd:\n" + "\n".join(f"• {e}" for e in self.errors))
        if self.warnings:
            lines.append("Let op:\n" + "\n".join(f"• {w}" for w in self.warnings))
        return "\n\n".join(lines)


class LayerImporter(QObject):
    sig_progress = Signal(int, str)  # percent, what is happening
    sig_finished = Signal(object)  # ImportReport

    def __init__(self, layers: LayerService, workers: Workers, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._layers = layers
        self._workers = workers
        self._cancel = threading.Event()
        self.busy = False

    def cancel(self) -> None:
        self._cancel.set()

    def start(self, user: UserView, case_id: int, choice: ImportChoice, *, max_bytes: int) -> None:
        if self.busy:
            raise ParagonError("An import is already running; wait for it or cancel it.")
        self.busy = True
        self._cancel.clear()
        total = len(choice.files)
        last = [-1]

        def progress(done: int, name: str, fraction: float, stage: str) -> None:
            percent = int(100 * (done + fraction) / total)
            if percent != last[0]:
                last[0] = percent
                self.sig_progress.emit(percent, f"{name}: {stage}")

        def job() -> ImportReport:
            report = ImportReport()
            for done, (path, name) in enumerate(choice.files):
                if self._cancel.is_set():
                    report.cancelled = True
                    break
                try:
                    read = read_layer(
                        path, crs=choice.crs, max_bytes=max_bytes, cancelled=self._cancel.is_set,
                        progress=lambda f, s, d=done, p=path: progress(d, p.name, f * 0.9, s))
                    if self._cancel.is_set():
                        raise LayerReadCancelled(f"{path.name}: import cancelled.")
                    progress(done, path.name, 0.92, "opslaan")
                    layer_id = self._layers.add_layer(
                        user, case_id, read, name=name, source_name=Path(path).name,
                        description=choice.description, feed_ids=choice.feed_ids,
                        announce_in=choice.announce_in,
                        style={"color": choice.colour} if choice.colour else None)
                except LayerReadCancelled:
                    report.cancelled = True
                    break
                except ParagonError as exc:
                    report.errors.append(str(exc))
                    continue
                report.warnings.extend(read.warnings)
                report.added.append(ImportedLayer(
                    layer_id, self._layers.data_revision(layer_id), name, read.feature_count,
                    read.geojson, read.bbox))
            return report

        def finished(report: ImportReport) -> None:
            self.busy = False
            self.sig_finished.emit(report)

        def failed(exc: Exception) -> None:
            self.busy = False
            self.sig_finished.emit(ImportReport(errors=[f"Import failed: {exc}"]))

        self._workers.run(job, finished, failed)
