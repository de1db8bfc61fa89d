"""Importing through the reader process in the running app: the dialog shows what files hold
before it asks anything, a refused file is refused there, Cancel kills an endless read at once.
(How long the GUI thread stalls during an import is measured by bench/bench_layers.py.)"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox

from paragon_desktop.ui.dialogs.import_layer import ImportChoice, ImportLayerDialog
from tests import hostile
from tests import layerfiles as lf
from tests.qt.test_layers import import_and_wait, layer_count

CORPUS = Path(__file__).parents[1] / "data" / "hostile"


def open_dialog(qtbot, window, paths):
    dialog = ImportLayerDialog(paths, window.feeds.panel.feeds(), parent=window,
                               importer=window.layers.importer, max_bytes=window.settings.max_layer_bytes)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.inspection is not None, timeout=30000)
    return dialog


def test_the_dialog_shows_what_each_file_holds_before_asking(open_window, qtbot, tmp_path, client):
    window = open_window("sofie.janssens")
    good = tmp_path / "perimeter.kml"
    good.write_text(lf.kml_text(2))
    bomb = tmp_path / "bom.kml"
    bomb.write_text(lf.ENTITY_BOMB_KML)
    gps = CORPUS / "gps-export.gpx"
    dialog = open_dialog(qtbot, window, [good, bomb, gps])
    text = dialog.contents.toPlainText()
    assert "✓ perimeter.kml: 3 objecten (2 punten, 1 vlak); KML, EPSG:4326" in text
    assert "gebied 51,2700–51,2800° N, 4,2790–4,2890° O" in text
    assert "✗ bom.kml: wordt niet toegevoegd." in text
    assert "DOCTYPE" in text
    assert "✓ gps-export.gpx: 3 objecten" in text
    assert "lijnen van één punt omgezet in punten" in text  # the reader writes Dutch for her
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    choice = dialog.choice()
    assert [p for p, _ in choice.files] == [good, gps]  # the refused file is not offered
    before = layer_count(client)
    reads_by = window.layers.importer.reader.last_pid
    report = import_and_wait(qtbot, window, choice)
    assert [a.feature_count for a in report.added] == [3, 3]
    assert window.layers.importer.reader.last_pid == reads_by  # stored what the dialog read: no re-read
    assert layer_count(client) == before + 2


def test_a_bad_file_is_refused_before_anything_is_typed(open_window, qtbot):
    window = open_window("sofie.janssens")
    dialog = open_dialog(qtbot, window, [CORPUS / "encrypted.kmz"])
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    assert not dialog.name.isEnabled()
    assert not dialog.description.isEnabled()
    assert "versleuteld (met wachtwoord)" in dialog.contents.toPlainText()
    assert "Geen van de bestanden" in dialog.problem.text()


def test_choosing_a_coordinate_system_reads_the_file_again(open_window, qtbot):
    window = open_window("sofie.janssens")
    dialog = open_dialog(qtbot, window, [CORPUS / "local-cs.gpkg"])
    assert not dialog.inspection.reads
    assert "engineering (local) grid" in dialog.contents.toPlainText()
    with qtbot.waitSignal(window.layers.importer.sig_inspected, timeout=30000):
        dialog.crs.setCurrentIndex(2)  # Lambert 72
    assert dialog.contents.toPlainText().startswith("✓ local-cs.gpkg: 1 objecten")
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


def test_cancel_stops_an_endless_import_within_two_seconds(open_window, client, qtbot, tmp_path):
    window = open_window("sofie.janssens")
    endless = hostile.endless_view(tmp_path / "eindeloos.gpkg")
    before = layer_count(client)
    window.layers.import_layers(ImportChoice(files=[(endless, "eindeloos")]))
    qtbot.wait(2500)
    assert window.layers.importer.busy
    with qtbot.waitSignal(window.layers.importer.sig_finished, timeout=2000) as blocker:
        asked = time.monotonic()
        window.layers.import_cancel.click()
    assert time.monotonic() - asked < 2
    assert blocker.args[0].cancelled
    assert layer_count(client) == before
    good = tmp_path / "perimeter.kml"
    good.write_text(lf.kml_text(2))
    report = import_and_wait(qtbot, window, ImportChoice(files=[(good, "perimeter")]))
    assert [a.feature_count for a in report.added] == [3]
