"""Importing layer files from the window: the Qt side of services.layer_import.

The use case (read in reader processes, store, per-file errors, cancel) is
``LayerImportService``, which the command line calls too. This adapter runs it through
``ui/ops`` (off the GUI thread), turns its progress into ``sig_progress`` and its results into
``sig_inspected`` (the dialog's preview) and ``sig_finished`` (the stored layers).
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from paragon_desktop.domain.errors import ParagonError
from paragon_desktop.gis.reader import LayerReader
from paragon_desktop.i18n import _
from paragon_desktop.services.layer_import import (
    ImportReport,
    ImportRequest,
    Inspection,
    LayerImportService,
    Progress,
)
from paragon_desktop.services.layers import LayerService
from paragon_desktop.services.views import UserView
from paragon_desktop.ui.ops import Ops

__all__ = ["ImportReport", "Inspection", "LayerImporter", "report_text"]


def report_text(report: ImportReport) -> str:
    lines = []
    if report.added:
        lines.append(_("Toegevoegd: ") + ", ".join(
            _("{name} ({count} objecten)").format(name=layer.name, count=layer.feature_count)
            for layer in report.added))
    if report.cancelled:
        lines.append(_("Geannuleerd: het bestand dat werd gelezen is niet toegevoegd."))
    if report.errors:
        lines.append(_("Niet toegevoegd:\n") + "\n".join(f"• {e}" for e in report.errors))
    if report.warnings:
        lines.append(_("Let op:\n") + "\n".join(f"• {w}" for w in report.warnings))
    return "\n\n".join(lines)


class LayerImporter(QObject):
    sig_progress = Signal(int, str)  # percent, what is happening
    sig_finished = Signal(object)  # ImportReport
    sig_inspected = Signal(object)  # Inspection

    def __init__(self, layers: LayerService, ops: Ops, parent: QObject | None = None,
                 reader: LayerReader | None = None) -> None:
        super().__init__(parent)
        self.service = LayerImportService(layers, reader)
        self._ops = ops
        self._cancel = threading.Event()
        self.busy = False

    @property
    def reader(self) -> LayerReader:
        return self.service.reader

    def cancel(self) -> None:
        self._cancel.set()

    def close(self) -> None:
        self._cancel.set()
        self.service.close()

    def _progress(self, total: int) -> Progress:
        last = [-1]

        def progress(done: int, name: str, fraction: float, stage: str) -> None:
            percent = int(100 * (done + fraction) / total)
            if percent != last[0]:
                last[0] = percent
                self.sig_progress.emit(percent, f"{name}: {stage}")

        return progress

    def _begin(self) -> None:
        if self.busy:
            raise ParagonError("An import is already running; wait for it or cancel it.")
        self.busy = True
        self._cancel.clear()

    def inspect(self, paths: list[Path], crs: str | None, *, max_bytes: int) -> None:
        """Read the files (in reader processes) for the dialog; ``sig_inspected`` answers."""
        self._begin()
        progress = self._progress(len(paths))

        def finished(found: Inspection) -> None:
            self.busy = False
            self.sig_inspected.emit(found)

        def failed(exc: Exception) -> None:
            self.busy = False
            self.sig_inspected.emit(Inspection(errors={p: f"{p.name}: {exc}" for p in paths}))

        self._ops.run(lambda: self.service.inspect(
            paths, crs, max_bytes=max_bytes, progress=progress, cancelled=self._cancel.is_set),
            finished, failed)

    def start(self, user: UserView, case_id: int, request: ImportRequest, *, max_bytes: int) -> None:
        self._begin()
        progress = self._progress(len(request.files))

        def finished(report: ImportReport) -> None:
            self.busy = False
            self.sig_finished.emit(report)

        def failed(exc: Exception) -> None:
            self.busy = False
            self.sig_finished.emit(ImportReport(errors=[_("Import mislukt: {error}").format(error=exc)]))

        self._ops.run(lambda: self.service.run(
            user, case_id, request, max_bytes=max_bytes, progress=progress,
            cancelled=self._cancel.is_set), finished, failed)
