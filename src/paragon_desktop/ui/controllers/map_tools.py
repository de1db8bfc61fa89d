"""The map's own right-click menu (never the browser's): copy the point's coordinates in each
system Belgian services use, a new anchor there, centre the map there."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QMenu

from paragon_desktop.gis.crs import coordinate_texts
from paragon_desktop.i18n import _
from paragon_desktop.ui.controllers.context import WindowContext
from paragon_desktop.ui.map.ops import Op, op
from paragon_desktop.ui.map.view import MapView


class MapToolsController(QObject):
    def __init__(self, ctx: WindowContext, map_view: MapView,
                 new_anchor_at: Callable[[float, float], None],
                 may_add_anchor: Callable[[], str]) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.map = map_view
        self._new_anchor_at = new_anchor_at
        self._refusal = may_add_anchor
        self.menu: QMenu | None = None  # the last one shown (for tests)
        map_view.bridge.sig_context_menu.connect(self.show_menu)

    def build_menu(self, lat: float, lon: float) -> QMenu:
        menu = QMenu(self.map)
        copy = menu.addMenu(_("Coördinaten kopiëren"))
        for system, text in coordinate_texts(lon, lat):
            copy.addAction(f"{system}: {text}", partial(self.copy, text))
        new = menu.addAction(_("Nieuw anker hier"), lambda: self._new_anchor_at(lon, lat))
        refusal = self._refusal()
        new.setEnabled(not refusal)
        if refusal:
            new.setToolTip(refusal)
        menu.addAction(_("Hier centreren"), lambda: self.map.bridge.send(
            [op(Op.FLY, bbox=[lon, lat, lon, lat], centre=True)]))
        return menu

    def show_menu(self, lat: float, lon: float) -> None:
        self.menu = self.build_menu(lat, lon)
        self.menu.popup(QCursor.pos())

    def copy(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.ctx.show(_("Gekopieerd: {text}").format(text=text))
