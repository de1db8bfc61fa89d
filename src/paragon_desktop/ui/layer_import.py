"""Importing layer files off the GUI thread, with progress and Cancel.

Each file is read in a reader process (gis.reader: no network, memory and time limits) waited for
on a worker thread, and stored (LayerService.add_layer) on that worker thread. The import dialog
first *inspects* the files (reads them, so it can show what each holds before anything is asked);
storing then uses those reads. A file that fails is reported with its own message and changes
nothing; the others still go in, and every file already stored is reported even when a later one
fails in an unexpected way. Cancel kills the reader process at once; nothing of that file is
stored.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from paragon_desktop.domain.errors import ParagonError
from paragon_desktop.gis.layers import LayerRead, LayerReadCancelled
from paragon_desktop.gis.reader import LayerReader
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


@dataclass
class Inspection:
    """What the import dialog shows before it asks anything: per file, its read or its refusal."""

    reads: dict[Path, LayerRead] = field(default_factory=dict)
    errors: dict[Path, str] = field(default_factory=dict)
    cancelled: bool = False


class LayerImporter(QObject):
    sig_progress = Signal(int, str)  # percent, what is happening
    sig_finished = Signal(object)  # ImportReport
    sig_inspected = Signal(object)  # Inspection

    def __init__(self, layers: LayerService, workers: Workers, parent: QObject | None = None,
                 reader: LayerReader | None = None) -> None:
        super().__init__(parent)
        self._layers = layers
        self._workers = workers
        self.reader = reader or LayerReader()
        self._cancel = threading.Event()
        self.busy = False

    def cancel(self) -> None:
        self._cancel.set()

    def close(self) -> None:
        self._cancel.set()
        self.reader.close()

    def _progress(self, total: int) -> Callable[[int, str, float, str], None]:
        last = [-1]

        def progress(done: int, name: str, fraction: float, stage: str) -> None:
            percent = int(100 * (done + fraction) / total)
            if percent != last[0]:
                last[0] = percent
                self.sig_progress.emit(percent, f"{name}: {stage}")

        return progress

    def _read(self, path: Path, crs: str | None, max_bytes: int, done: int,
              progress: Callable[[int, str, float, str], None], share: float) -> LayerRead:
        return self.reader.read(  # type: ignore[no-any-return]
            path, crs=crs, max_bytes=max_bytes, cancelled=self._cancel.is_set,
            progress=lambda f, s: progress(done, path.name, f * share, s))

    def inspect(self, paths: list[Path], crs: str | None, *, max_bytes: int) -> None:
        """Read the files (in reader processes) for the dialog; ``sig_inspected`` answers."""
        if self.busy:
            raise ParagonError("An import is already running; wait for it or cancel it.")
        self.busy = True
        self._cancel.clear()
        progress = self._progress(len(paths))

        def job() -> Inspection:
            found = Inspection()
            for done, path in enumerate(paths):
                try:
                    found.reads[path] = self._read(path, crs, max_bytes, done, progress, 1.0)
                except LayerReadCancelled:
                    found.cancelled = True
                    break
                except ParagonError as exc:
                    found.errors[path] = str(exc)
            return found

        def finished(found: Inspection) -> None:
            self.busy = False
            self.sig_inspected.emit(found)

        def failed(exc: Exception) -> None:
            self.busy = False
            self.sig_inspected.emit(Inspection(errors={p: f"{p.name}: {exc}" for p in paths}))

        self._workers.run(job, finished, failed)

    def start(self, user: UserView, case_id: int, choice: ImportChoice, *, max_bytes: int) -> None:
        if self.busy:
            raise ParagonError("An import is already running; wait for it or cancel it.")
        self.busy = True
        self._cancel.clear()
        progress = self._progress(len(choice.files))

        def job() -> ImportReport:
            report = ImportReport()
            for done, (path, name) in enumerate(choice.files):
                if self._cancel.is_set():
                    report.cancelled = True
                    break
                try:
                    read = choice.reads.get(path) or self._read(
                        path, choice.crs, max_bytes, done, progress, 0.9)
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
                except Exception as exc:  # noqa: BLE001 - the layers stored so far are still reported
                    report.errors.append(f"{Path(path).name}: not added ({type(exc).__name__}: {exc}).")
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
