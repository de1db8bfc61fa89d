"""The main window: the case map in the centre, docks for feeds, anchors, contacts and layers."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWebEngineCore import QWebEngineUrlRequestInterceptor
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QProgressBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import URL

from paragon_desktop.domain.access import can_add_layer, can_manage_layer, can_write_messages
from paragon_desktop.domain.enums import AccessLevel
from paragon_desktop.domain.errors import AccessDenied
from paragon_desktop.gis.crs import format_position
from paragon_desktop.gis.geometry import union_bbox
from paragon_desktop.services.case_admin import CaseAdminService
from paragon_desktop.services.cases import CaseService
from paragon_desktop.services.editing import EditingService
from paragon_desktop.services.feeds import FeedService
from paragon_desktop.services.layers import LayerService
from paragon_desktop.services.participation import ParticipationService
from paragon_desktop.services.views import CaseSnapshot, CaseSummary, ChangeSet, UserView
from paragon_desktop.settings import Settings, config_dir
from paragon_desktop.ui.case_actions import CaseActionsMixin
from paragon_desktop.ui.connection import ConnectionMixin
from paragon_desktop.ui.dialogs.settings import SettingsDialog
from paragon_desktop.ui.docks.anchors import AnchorsPanel
from paragon_desktop.ui.docks.contacts import ContactsPanel
from paragon_desktop.ui.docks.feeds import FeedsPanel
from paragon_desktop.ui.docks.layers import LayersPanel
from paragon_desktop.ui.feed_actions import FeedActionsMixin
from paragon_desktop.ui.layer_actions import LayerActionsMixin
from paragon_desktop.ui.layer_import import ImportReport, LayerImporter
from paragon_desktop.ui.map.view import MapView
from paragon_desktop.ui.models.messages import LOCAL_TZ
from paragon_desktop.ui.outbox_actions import OutboxMixin
from paragon_desktop.ui.workers import Workers

LAYOUT_VERSION = 1


class MainWindow(CaseActionsMixin, LayerActionsMixin, FeedActionsMixin, OutboxMixin, ConnectionMixin,
                 QMainWindow):
    sig_refreshed = Signal(object)  # the ChangeSet just applied
    sig_case_changed = Signal(int)  # from any thread: a service wrote in a case
    sig_closed = Signal(bool)  # True: the user left the case to open it (or another) again

    def __init__(
        self,
        cases: CaseService,
        editing: EditingService,
        layer_service: LayerService,
        user: UserView,
        case: CaseSummary,
        settings: Settings,
        *,
        database_label: str = "",
        request_interceptor: QWebEngineUrlRequestInterceptor | None = None,
        restore_layout: bool = True,
        admin: CaseAdminService | None = None,
        feed_service: FeedService,
        participation: ParticipationService | None = None,
        live_url: URL | None = None,
    ) -> None:
        super().__init__()
        # Closing deletes the window's Qt objects on this (the GUI) thread, never from a GC pass.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.cases = cases
        self.editing = editing
        self.layer_service = layer_service
        self.admin = admin
        self.feed_service = feed_service
        self.participation = participation
        self.leaving = False
        self.last_send_error = ""
        self.user = user
        self.case = case
        self.settings = settings
        self.snapshot: CaseSnapshot | None = None
        self.revision = 0
        self.last_refresh: datetime | None = None
        self._refreshing = False
        self._refresh_again = False
        # Layer ticks the user just changed whose database write has not been confirmed yet;
        # a refresh that was already under way must not undo them on screen.
        self._pending_ticks: dict[int, bool] = {}
        self._refresh_after_import = False
        # Set when a refresh is refused: a coordinator removed this user (or the organisation).
        self._access_lost = ""
        self.workers = Workers(self)
        self.importer = LayerImporter(layer_service, self.workers, self)
        self.last_import: ImportReport | None = None
        self.last_export: str = ""

        self.map = MapView(settings, self, extra_interceptor=request_interceptor)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.banner = QLabel()
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setStyleSheet(
            "background: #f08c00; color: white; font-weight: bold; padding: 3px;")
        layout.addWidget(self.banner)
        layout.addWidget(self.map, 1)
        self.setCentralWidget(central)

        self.feeds = FeedsPanel()
        self.feeds.user_id = user.id
        self.anchors = AnchorsPanel()
        self.contacts = ContactsPanel()
        self.layers = LayersPanel()
        self.docks: dict[str, QDockWidget] = {}
        self._add_dock("feeds", "Feeds", self.feeds, Qt.DockWidgetArea.RightDockWidgetArea)
        self._add_dock("layers", "Lagen", self.layers, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._add_dock("anchors", "Ankers", self.anchors, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._add_dock("contacts", "Contacten", self.contacts, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.tabifyDockWidget(self.docks["anchors"], self.docks["contacts"])
        self.docks["anchors"].raise_()
        self.resizeDocks([self.docks["feeds"], self.docks["layers"]], [440, 340],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["layers"], self.docks["anchors"]], [220, 600],
                         Qt.Orientation.Vertical)
        self._default_state = self.saveState(LAYOUT_VERSION)

        self.position_label = QLabel("Beweeg over de kaart voor coördinaten")
        self.refresh_label = QLabel("Nog niet bijgewerkt")
        self.statusBar().addWidget(self.position_label, 1)
        self.import_progress = QProgressBar()
        self.import_progress.setMaximumWidth(260)
        self.import_progress.setFormat("%p%")
        self.import_cancel = QToolButton()
        self.import_cancel.setText("Annuleren")
        self.import_cancel.clicked.connect(self.importer.cancel)
        self.statusBar().addPermanentWidget(self.import_progress)
        self.statusBar().addPermanentWidget(self.import_cancel)
        self._show_import_progress(False)
        self.statusBar().addPermanentWidget(self.refresh_label)
        if database_label:
            self.statusBar().addPermanentWidget(QLabel(database_label))
        self._init_connection(live_url)
        self._build_menus()

        self.timer = QTimer(self)
        self.timer.setInterval(settings.refresh_seconds * 1000)
        self.timer.timeout.connect(self.refresh)

        self.map.bridge.sig_cursor.connect(self._on_cursor)
        self.map.sig_page_reset.connect(self.open_case)
        self.anchors.sig_anchor_activated.connect(self._on_anchor_activated)
        self.layers.sig_visibility_changed.connect(self._on_layer_visibility)
        self.layers.sig_zoom_to.connect(self.map.fly_to)
        self.layers.sig_add_requested.connect(self._on_add_layers)
        self.layers.sig_export_requested.connect(self._on_export_requested)
        self.layers.sig_rename_requested.connect(self._on_rename_requested)
        self.layers.sig_describe_requested.connect(self._on_describe_requested)
        self.layers.sig_remove_requested.connect(self._on_remove_requested)
        self.layers.sig_opacity_changed.connect(self.map.set_layer_opacity)
        self.layers.sig_opacity_committed.connect(self._on_opacity_committed)
        self.map.sig_files_dropped.connect(self.ask_import)
        self.feeds.sig_add_layer.connect(self._on_add_layer_in_feed)
        self.importer.sig_progress.connect(self._on_import_progress)
        self.importer.sig_finished.connect(self._on_import_finished)
        self.sig_case_changed.connect(self._on_case_changed)
        self._unsubscribe = editing.events.subscribe(self.sig_case_changed.emit)

        self._init_feeds(database_label)
        self._init_outbox(database_label)
        self._update_titles()
        if restore_layout:
            self._restore_layout()
        self.open_case()

    # -- building ------------------------------------------------------------------------------
    def _add_dock(self, key: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{key}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        self.docks[key] = dock

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&Bestand")
        settings_action = QAction("&Instellingen…", self)
        settings_action.triggered.connect(self._on_settings)
        file_menu.addAction(settings_action)
        file_menu.addSeparator()
        quit_action = QAction("&Afsluiten", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu("Beel&d")
        self.refresh_action = QAction("&Vernieuwen", self)
        self.refresh_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_action.triggered.connect(self.refresh)
        self.addAction(self.refresh_action)
        view_menu.addAction(self.refresh_action)
        # Ctrl+F: into the feed search, wherever the focus was (the feeds dock is shown first).
        self.find_action = QAction("&Zoeken in berichten", self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.focus_feed_search)
        self.addAction(self.find_action)
        view_menu.addAction(self.find_action)
        view_menu.addSeparator()
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        reset = QAction("Standaardindeling &herstellen", self)
        reset.triggered.connect(self.reset_layout)
        view_menu.addAction(reset)
        self._build_case_menu()

    def focus_feed_search(self) -> None:
        dock = self.docks.get("feeds")
        if dock is not None and not dock.isVisible():
            dock.show()
            dock.raise_()
        search = self.feeds.filters.search
        search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        search.selectAll()

    def _update_titles(self) -> None:
        participation = self.snapshot.participation if self.snapshot else None
        role = participation.crisis_role if participation else None
        cell = participation.crisis_cell if participation else None
        who = f"{self.user.display_name}" + (f" ({role}{', ' + cell if cell else ''})" if role else "")
        prefix = "[OEFENING] " if self.case.is_exercise else ""
        self.setWindowTitle(f"{prefix}{self.case.name} - {who} - Paragon Desktop")
        parts = []
        if self.case.is_exercise:
            parts.append("OEFENING - EXERCISE - geen echte noodsituatie")
        if not self.case.is_open:
            closed = "AFGESLOTEN CASE"
            if self.case.closed_at is not None:
                closed += " op " + self.case.closed_at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")
            if self.case.closed_by:
                closed += f" door {self.case.closed_by}"
            parts.append(closed + ": alleen lezen")
        if self._access_lost:
            parts.append(self._access_lost)
        self.banner.setText("  ·  ".join(parts))
        self.banner.setStyleSheet(
            "color: white; font-weight: bold; padding: 3px; background: "
            + ("#868e96;" if not self.case.is_open or self._access_lost else "#f08c00;"))
        self.banner.setVisible(bool(parts))
        self._update_case_actions()

    # -- layout --------------------------------------------------------------------------------
    def _layout_store(self) -> QSettings:
        return QSettings(str(config_dir() / "layout.ini"), QSettings.Format.IniFormat)

    def _restore_layout(self) -> None:
        store = self._layout_store()
        geometry = store.value("main/geometry")
        state = store.value("main/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state, LAYOUT_VERSION)

    def save_layout(self) -> None:
        store = self._layout_store()
        store.setValue("main/geometry", self.saveGeometry())
        store.setValue("main/state", self.saveState(LAYOUT_VERSION))
        store.sync()

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, LAYOUT_VERSION)
        for dock in self.docks.values():
            dock.show()

    def leave_case(self) -> None:
        """Leave the case, e.g. to open it again in another crisis role (§4.6)."""
        self.leaving = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self.save_draft()
        self.timer.stop()
        self._stop_live()
        if self.participation is not None and self.snapshot is not None:
            participation, user, case_id = self.participation, self.user, self.case.id
            self.workers.run(lambda: participation.leave_case(user, case_id),
                             lambda _none: None, lambda _exc: None)
        self.importer.close()
        self._unsubscribe()
        self.save_layout()
        self.workers.wait(5000)
        self.workers.shutdown()
        self.map.shutdown()
        super().closeEvent(event)
        self.sig_closed.emit(self.leaving)

    # -- loading and refreshing ----------------------------------------------------------------
    def open_case(self) -> None:
        user, case_id = self.user, self.case.id

        def load() -> tuple[CaseSnapshot, dict[int, str]]:
            snapshot = self.cases.open_case(user, case_id)
            layers = snapshot.changes.layers or []
            return snapshot, self.cases.layer_geojsons(user, [layer.id for layer in layers])

        self._refreshing = True
        self.workers.run(load, self._on_opened, self._on_refresh_failed)

    def _on_opened(self, result: tuple[CaseSnapshot, dict[int, str]]) -> None:
        snapshot, data = result
        self.snapshot = snapshot
        self._update_titles()
        self._apply(snapshot.changes, data, fit=True)
        self._update_composer()
        self._load_pending_important()
        self.timer.start()
        self._start_live()
        self._refresh_finished()

    def refresh(self) -> None:
        """Ask the database what changed since our revision; only that goes to map and docks."""
        if self.snapshot is None or self._refreshing:
            self._refresh_again = self.snapshot is not None
            return
        self._refreshing = True
        user, case_id, since = self.user, self.case.id, self.revision
        known = self.map.known_layer_revisions()

        def load() -> tuple[ChangeSet, dict[int, str]]:
            changes = self.cases.changes_since(user, case_id, since)
            stale = [layer.id for layer in changes.layers or []
                     if known.get(layer.id) != layer.data_revision]
            return changes, self.cases.layer_geojsons(user, stale)

        self.workers.run(load, self._on_refreshed, self._on_refresh_failed)

    def _on_refreshed(self, result: tuple[ChangeSet, dict[int, str]]) -> None:
        changes, data = result
        self._apply(changes, data)
        self._refresh_finished()

    def _on_refresh_failed(self, exc: Exception) -> None:
        self._refreshing = False
        if isinstance(exc, AccessDenied):
            # The last picture stays on screen, read-only, with the reason; no more refreshes.
            self._access_lost = "GEEN TOEGANG MEER tot deze case"
            self.refresh_label.setText(str(exc))
            self.timer.stop()
            self._update_titles()
            self.feeds.composer.set_writable(False, str(exc))
            self.layers.set_permissions(False, lambda _layer: False, str(exc))
            return
        if not self._connection_failed(exc):
            self.refresh_label.setText(f"Vernieuwen mislukt: {exc}")
        if self.snapshot is not None:
            self.timer.start()

    def _refresh_finished(self) -> None:
        self._refreshing = False
        if self.offline and (self.live is None or self.live.connected):
            self._clear_offline()
        self.last_refresh = datetime.now()
        self.refresh_label.setText(f"Bijgewerkt om {self.last_refresh:%H:%M:%S}")
        self.flush_outbox()  # the server answers: what waited goes out
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()

    def _apply(self, changes: ChangeSet, data: dict[int, str], *, fit: bool = False) -> None:
        self.revision = changes.revision
        if changes.case is not None:
            self.case = changes.case
            self._update_titles()
            self._update_composer()
        if changes.feeds is not None:
            self.feeds.set_feeds(changes.feeds)
        if changes.messages:
            # What was there when the case opened is history, not news.
            self.feeds.add_messages(changes.messages, count_unread=not fit)
            if not fit:
                self._pop_up_new(changes.messages)
        if changes.removed_anchor_ids:
            self.anchors.remove(changes.removed_anchor_ids)
        if changes.anchors:
            self.anchors.upsert(changes.anchors)
        if changes.removed_contact_ids:
            self.contacts.remove(changes.removed_contact_ids)
        if changes.contacts:
            self.contacts.upsert(changes.contacts)
        if changes.layers is not None:
            if self._pending_ticks:
                changes.layers = [
                    replace(layer, visible=self._pending_ticks.get(layer.id, layer.visible))
                    for layer in changes.layers
                ]
            self.layers.set_layers(changes.layers)
        self.map.apply_changes(changes, data, fit_to=self._extent(changes) if fit else None)
        self.sig_refreshed.emit(changes)

    def _extent(self, changes: ChangeSet) -> tuple[float, float, float, float] | None:
        """First view: the visible layers and the case's own anchors (not whole municipalities)."""
        boxes = [layer.bbox for layer in changes.layers or [] if layer.visible and layer.bbox]
        boxes += [a.bbox for a in changes.anchors if a.bbox and a.category != "grens"]
        return union_bbox(boxes) or self.case.bbox  # type: ignore[arg-type]

    def _update_composer(self) -> None:
        participation = self.snapshot.participation if self.snapshot else None
        if not self.case.is_open:
            reason = "Deze case is afgesloten: alleen lezen."
        elif self.user.access_level is AccessLevel.READ_ONLY:
            reason = "Je toegang is 'Alleen lezen': je kunt geen berichten schrijven."
        elif participation is None:
            reason = "Je neemt niet deel aan deze case in een crisisrol."
        else:
            reason = ""
        writable = not reason and can_write_messages(self.user.access_level, self.case.is_open)
        self.feeds.composer.set_writable(writable, reason)
        can_add = can_add_layer(self.user.access_level, self.case.is_open)
        add_reason = "" if can_add else (
            "Deze case is afgesloten: alleen lezen." if not self.case.is_open
            else "Je toegang is 'Alleen lezen': je kunt geen lagen toevoegen.")
        self.layers.set_permissions(
            can_add,
            lambda layer: can_manage_layer(layer.owner_id, self.user.id, self.user.access_level,
                                           self.case.is_open),
            add_reason)

    # -- user actions --------------------------------------------------------------------------
    def _on_case_changed(self, case_id: int) -> None:
        if case_id != self.case.id:
            return
        if self.importer.busy:
            # The import's own refresh follows with the data in hand (preloaded): refreshing
            # now would read the new layer back from the database for nothing.
            self._refresh_after_import = True
            return
        self.refresh()

    def _on_layer_visibility(self, layer_id: int, visible: bool) -> None:
        self.map.set_layer_visible(layer_id, visible)
        self._pending_ticks[layer_id] = visible
        user = self.user
        if self.offline or self.outbox.ticks():
            self.queue_tick(layer_id, visible)
            self.flush_outbox()
            return

        def saved(_none: None) -> None:
            if self._pending_ticks.get(layer_id) == visible:
                del self._pending_ticks[layer_id]

        def failed(exc: Exception) -> None:
            if self._connection_failed(exc):
                self.queue_tick(layer_id, visible)  # kept, shown as chosen, sent when back
                return
            self._pending_ticks.pop(layer_id, None)
            self.refresh_label.setText(f"Laagkeuze niet bewaard: {exc}")

        self.workers.run(lambda: self.editing.set_layer_visible(user, layer_id, visible),
                         saved, failed)

    def _on_anchor_activated(self, anchor: Any) -> None:
        if anchor.bbox is not None:
            self.map.fly_to(anchor.bbox, anchor.id)

    def _on_cursor(self, lat: float, lon: float) -> None:
        self.position_label.setText(format_position(lon, lat))

    def _on_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec():
            self.settings = dialog.result_settings()
            self.settings.save()
            self.timer.setInterval(self.settings.refresh_seconds * 1000)
            self.map.set_tile_source(self.settings)
