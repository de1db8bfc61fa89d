"""The main window: the case map in the centre, docks for feeds, anchors, contacts and layers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWebEngineCore import QWebEngineUrlRequestInterceptor
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QVBoxLayout, QWidget
from sqlalchemy.engine import URL

from paragon_desktop.domain.anchors import AnchorCategory
from paragon_desktop.domain.errors import AccessDenied
from paragon_desktop.domain.feeds import role_label
from paragon_desktop.gis.crs import format_position
from paragon_desktop.gis.geometry import union_bbox
from paragon_desktop.i18n import _, when
from paragon_desktop.services.bundle import Services
from paragon_desktop.services.views import CaseSnapshot, CaseSummary, ChangeSet, UserView
from paragon_desktop.settings import Settings, config_dir
from paragon_desktop.ui.controllers.anchors import AnchorsController
from paragon_desktop.ui.controllers.case_menu import CaseMenuController
from paragon_desktop.ui.controllers.connection import ConnectionController
from paragon_desktop.ui.controllers.contacts import ContactsController
from paragon_desktop.ui.controllers.context import WindowContext
from paragon_desktop.ui.controllers.feeds import FeedsController
from paragon_desktop.ui.controllers.layer_data import LayerDataController
from paragon_desktop.ui.controllers.layers import LayersController
from paragon_desktop.ui.controllers.map_tools import MapToolsController
from paragon_desktop.ui.controllers.outbox import OutboxController
from paragon_desktop.ui.controllers.plans import PlansController
from paragon_desktop.ui.controllers.service_layers import ServiceLayersController
from paragon_desktop.ui.dialogs.settings import SettingsDialog
from paragon_desktop.ui.docks.anchors import AnchorsPanel
from paragon_desktop.ui.docks.contacts import ContactsPanel
from paragon_desktop.ui.docks.plans import PlansPanel
from paragon_desktop.ui.lock import WindowLock
from paragon_desktop.ui.map.view import MapView
from paragon_desktop.ui.map_prefs import MapPrefs
from paragon_desktop.ui.ops import Ops
from paragon_desktop.ui.outbox import OutboxStore
from paragon_desktop.ui.workers import Workers

LAYOUT_VERSION = 2  # 2: the map toolbar, narrower feeds dock


class MainWindow(QMainWindow):
    """The case map in the centre and the docks around it.

    The window owns the map, the refresh loop, the layout and the banner; the docks and menus
    are owned by controllers (``feeds``, ``layers``, ``outbox``, ``connection``, ``case_menu``)
    that see the window only through ``ctx`` (a ``WindowContext``).
    """

    sig_refreshed = Signal(object)  # the ChangeSet just applied
    sig_case_changed = Signal(int)  # from any thread: a service wrote in a case
    sig_closed = Signal(bool)  # True: the user left the case to open it (or another) again

    def __init__(
        self,
        services: Services,
        user: UserView,
        case: CaseSummary,
        settings: Settings,
        *,
        database_label: str = "",
        request_interceptor: QWebEngineUrlRequestInterceptor | None = None,
        restore_layout: bool = True,
        live_url: URL | None = None,
        verify_password: Callable[[str, str], object] | None = None,
    ) -> None:
        super().__init__()
        # Closing deletes the window's Qt objects on this (the GUI) thread, never from a GC pass.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.cases = services.cases
        self.participation = services.participation
        self.settings = settings
        self.leaving = False
        self.snapshot: CaseSnapshot | None = None
        self._refreshing = False
        self._refresh_again = False
        self.workers = Workers(self)
        self.ctx = ctx = WindowContext(
            self, user, case, settings,
            Ops(self.workers, tell=lambda text: self.ctx.note(text)), self.refresh)

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

        self.position_label = QLabel(_("Beweeg over de kaart voor coördinaten"))
        self.statusBar().addWidget(self.position_label, 1)

        self.connection = ConnectionController(ctx, live_url)
        self.outbox = OutboxController(
            ctx, OutboxStore(database_label, user.id, case.id), services.feeds, services.editing,
            self.connection)
        self.feeds = FeedsController(ctx, services.feeds, self.outbox, self.connection,
                                     database_key=database_label, popup_host=central,
                                     popups_below=self.banner)
        self.layers = LayersController(ctx, services.layers, services.editing, self.map,
                                       self.outbox, self.connection, self.feeds.panel.feeds,
                                       MapPrefs(database_label, user.id, case.id))
        self.feeds.panel.sig_add_layer.connect(self.layers.add_in_feed)
        self.layer_data = LayerDataController(ctx, services.cases, self.map, self.connection)
        self.service_layers = ServiceLayersController(ctx, services.layers, self.layers, self.map)
        self.anchors = AnchorsPanel()
        self.anchor_actions = AnchorsController(ctx, services.editing, self.map, self.anchors,
                                                services.org_anchors)
        self.anchor_actions.bar.attach(self.map)
        self.map_tools = MapToolsController(
            ctx, self, self.map, lambda lon, lat: self.anchor_actions.new("point", at=(lon, lat)),
            self.anchor_actions.refusal, self.anchor_actions.cancel,
            attach=self.feeds.panel.composer.set_attachment)
        self.anchor_actions.before_drawing.append(self.map_tools.stop_measuring)
        self.contacts = ContactsPanel()
        self.contact_actions = ContactsController(ctx, services.contacts, self.contacts,
                                                  lambda: self.ctx.case)
        ctx.sig_case_updated.connect(self.contact_actions.update_permissions)
        self.plans = PlansController(ctx, services.plans, PlansPanel(), lambda: self.ctx.case,
                                     on_activated=self.refresh)
        ctx.sig_case_updated.connect(self.plans.update_permissions)
        self.statusBar().addPermanentWidget(ctx.note_label)
        if database_label:
            self.statusBar().addPermanentWidget(QLabel(database_label))
        self.statusBar().addPermanentWidget(self.connection.label)

        self.docks: dict[str, QDockWidget] = {}
        self._add_dock("feeds", _("Feeds"), self.feeds.panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self._add_dock("layers", _("Lagen"), self.layers.panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._add_dock("anchors", _("Ankers"), self.anchors, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._add_dock("contacts", _("Contacten"), self.contacts, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._add_dock("plans", _("Noodplannen"), self.plans.panel,
                       Qt.DockWidgetArea.LeftDockWidgetArea)
        self.feeds.dock = self.docks["feeds"]
        self.tabifyDockWidget(self.docks["anchors"], self.docks["contacts"])
        self.tabifyDockWidget(self.docks["contacts"], self.docks["plans"])
        self.docks["anchors"].raise_()
        self.resizeDocks([self.docks["feeds"], self.docks["layers"]], [440, 340],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["layers"], self.docks["anchors"]], [220, 600],
                         Qt.Orientation.Vertical)
        self._default_state = self.saveState(LAYOUT_VERSION)
        self._build_menus()
        # Locked after the idle time of the settings, or with Ctrl+L (§1: never unattended).
        verify = verify_password or services.auth.sign_in
        self.lock = WindowLock(self, user.display_name, settings.lock_minutes,
                               lambda password: verify(user.username, password),
                               self.ctx.ops.run, self.close)
        self.case_menu = CaseMenuController(ctx, services, self.menuBar().addMenu(_("&Case")),
                                            self.leave_case)
        # Beheer > Organisatie: for organisation admins (known once the server answered).
        self._admin_service = services.organisation_admin
        self.admin_action = QAction(_("&Organisatie…"), self)
        self.admin_action.setEnabled(False)
        self.admin_action.setToolTip(_("Gebruikers, rollen en toegang van uw organisatie "
                                       "(organisatiebeheerders)"))
        self.admin_action.triggered.connect(self.show_organisation_admin)
        self.menuBar().addMenu(_("Be&heer")).addAction(self.admin_action)
        ctx.ops.run(lambda: services.organisation_admin.administered(user),
                    lambda orgs: self.admin_action.setEnabled(bool(orgs)), lambda _exc: None)

        self.timer = QTimer(self)
        self.timer.setInterval(settings.refresh_seconds * 1000)
        self.timer.timeout.connect(self.refresh)

        self.layers.panel.sig_visibility_changed.connect(self._on_layer_ticked)
        self.map.bridge.sig_cursor.connect(self._on_cursor)
        self.map.sig_page_reset.connect(self.open_case)
        self.anchors.sig_anchor_activated.connect(self._on_anchor_activated)
        ctx.sig_changes.connect(self._on_changes)
        self.sig_case_changed.connect(self._on_case_changed)
        self._unsubscribe = services.editing.events.subscribe(self.sig_case_changed.emit)

        self._update_titles()
        if restore_layout and not self._restore_layout():
            self._first_run_size()  # a first start on this machine
        self.open_case()

    def show_organisation_admin(self) -> None:
        from paragon_desktop.ui.dialogs.organisation_admin import OrganisationAdminDialog

        self.admin_dialog = OrganisationAdminDialog(self._admin_service, self.user, self)
        self.admin_dialog.open()

    @property
    def user(self) -> UserView:
        return self.ctx.user

    @property
    def case(self) -> CaseSummary:
        return self.ctx.case

    @property
    def revision(self) -> int:
        return self.ctx.revision

    @property
    def settled(self) -> bool:
        """The case's picture is shown and its ticked layers' data (read after it) is on the
        map: what a screenshot, a test or a benchmark waits for."""
        return (self.snapshot is not None and not self.layer_data.busy
                and self.map.bridge.settled)

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
        file_menu = self.menuBar().addMenu(_("&Bestand"))
        basemaps_action = QAction(_("&Achtergrondkaarten…"), self)
        basemaps_action.triggered.connect(self.show_basemaps_dialog)
        file_menu.addAction(basemaps_action)
        settings_action = QAction(_("&Instellingen…"), self)
        settings_action.triggered.connect(self._on_settings)
        file_menu.addAction(settings_action)
        file_menu.addSeparator()
        lock_action = QAction(_("&Vergrendelen"), self)
        lock_action.setShortcut(QKeySequence("Ctrl+L"))
        lock_action.triggered.connect(lambda: self.lock.lock())
        file_menu.addAction(lock_action)
        quit_action = QAction(_("&Afsluiten"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu(_("Beel&d"))
        self.refresh_action = QAction(_("&Vernieuwen"), self)
        self.refresh_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_action.triggered.connect(self.refresh)
        self.addAction(self.refresh_action)
        view_menu.addAction(self.refresh_action)
        self.addAction(self.feeds.find_action)
        view_menu.addAction(self.feeds.find_action)
        view_menu.addSeparator()
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        reset = QAction(_("Standaardindeling &herstellen"), self)
        reset.triggered.connect(self.reset_layout)
        view_menu.addAction(reset)
        view_menu.addAction(self.map_tools.toolbar.toggleViewAction())
        map_menu = self.menuBar().addMenu(_("&Kaart"))
        tools = self.map_tools
        for action in (tools.print_action, tools.measure_line, tools.measure_area, tools.legend,
                       tools.offline_action):
            map_menu.addAction(action)

    def _update_titles(self) -> None:
        ctx = self.ctx
        participation = ctx.participation
        role = role_label(participation.crisis_role) if participation else None
        cell = participation.crisis_cell if participation else None
        who = f"{ctx.user.display_name}" + (f" ({role}{', ' + cell if cell else ''})" if role else "")
        prefix = _("[OEFENING] ") if ctx.case.is_exercise else ""
        self.setWindowTitle(f"{prefix}{ctx.case.name} - {who} - Paragon Desktop")
        parts = []
        if ctx.case.is_exercise:
            parts.append(_("OEFENING - geen echte noodsituatie"))
        if not ctx.case.is_open:
            closed = _("AFGESLOTEN CASE")
            if ctx.case.closed_at is not None:
                closed += _(" op {moment}").format(moment=when(ctx.case.closed_at))
            if ctx.case.closed_by:
                closed += _(" door {name}").format(name=ctx.case.closed_by)
            parts.append(closed + _(": alleen lezen"))
        if ctx.access_lost:
            parts.append(_("GEEN TOEGANG MEER tot deze case"))
        self.banner.setText("  ·  ".join(parts))
        self.banner.setStyleSheet(
            "color: white; font-weight: bold; padding: 3px; background: "
            + ("#868e96;" if not ctx.case.is_open or ctx.access_lost else "#f08c00;"))
        self.banner.setVisible(bool(parts))

    def _case_updated(self) -> None:
        """The case row, the participation or the access changed: titles and permissions."""
        self._update_titles()
        self.ctx.sig_case_updated.emit()

    # -- layout --------------------------------------------------------------------------------
    def _layout_store(self) -> QSettings:
        return QSettings(str(config_dir() / "layout.ini"), QSettings.Format.IniFormat)

    def _restore_layout(self) -> bool:
        """The user's last layout; False when there is none (a first start)."""
        store = self._layout_store()
        geometry = store.value("main/geometry")
        state = store.value("main/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state, LAYOUT_VERSION)
        return isinstance(geometry, QByteArray)

    def _first_run_size(self) -> None:
        """A first start: as large as the screen allows up to 1600x1000 (at least 1280x800
        where the screen has it), so the map is the largest area and the docks fit their names."""
        screen = self.screen().availableGeometry() if self.screen() else None
        width = min(1600, screen.width()) if screen else 1366
        height = min(1000, screen.height()) if screen else 768
        self.resize(max(width, min(1280, screen.width() if screen else 1280)),
                    max(height, min(800, screen.height() if screen else 800)))
        if screen is not None and (screen.width() < 1280 or screen.height() < 800):
            self.setWindowState(Qt.WindowState.WindowMaximized)

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
        self.lock.stop()
        self.feeds.close()
        self.timer.stop()
        self.connection.stop()
        if self.snapshot is not None:
            participation, user, case_id = self.participation, self.user, self.case.id
            self.ctx.ops.run(lambda: participation.leave_case(user, case_id),
                             lambda _none: None, lambda _exc: None)
        self.layers.close()
        self.plans.close()
        self._unsubscribe()
        self.save_layout()
        self.workers.wait(5000)
        self.workers.shutdown()
        self.map.shutdown()
        super().closeEvent(event)
        self.sig_closed.emit(self.leaving)

    # -- loading and refreshing ----------------------------------------------------------------
    def open_case(self) -> None:
        user, case_id, cases = self.user, self.case.id, self.cases
        self._refreshing = True
        # The case's picture first; the ticked layers' data follows (``layer_data``): an
        # unticked layer costs nothing until it is ticked, a big one holds up nothing else.
        self.ctx.ops.run(lambda: cases.open_case(user, case_id), self._on_opened,
                         self._on_refresh_failed)

    def _on_opened(self, snapshot: CaseSnapshot) -> None:
        self.snapshot = snapshot
        self.ctx.participation = snapshot.participation
        self._case_updated()
        self._apply(snapshot.changes, fit=True)
        self.layers.fill_features()  # what an earlier import left queued (migration 0017)
        self.feeds.case_opened()
        self.timer.start()
        self.connection.start()
        self._refresh_finished()

    def refresh(self) -> None:
        """Ask the database what changed since our revision; only that goes to map and docks."""
        if self.snapshot is None or self._refreshing:
            self._refresh_again = self.snapshot is not None
            return
        self._refreshing = True
        user, case_id, since, cases = self.user, self.case.id, self.revision, self.cases
        self.ctx.ops.run(lambda: cases.changes_since(user, case_id, since), self._on_refreshed,
                         self._on_refresh_failed)

    def _on_layer_ticked(self, layer_id: int, visible: bool) -> None:
        """A layer ticked whose data the map has not got (unticked when the case opened, or
        changed since): read now, drawn when it arrives."""
        layer = self.layers.panel.layer(layer_id)
        if visible and layer is not None:
            self.layer_data.want([layer])  # read unless the map has its data already

    def _on_refreshed(self, changes: ChangeSet) -> None:
        self._apply(changes)
        self._refresh_finished()

    def _on_refresh_failed(self, exc: Exception) -> None:
        self._refreshing = False
        if isinstance(exc, AccessDenied):
            # The last picture stays on screen, read-only, with the reason; no more refreshes.
            self.ctx.access_lost = str(exc)
            self.ctx.note(str(exc))
            self.timer.stop()
            self._case_updated()
            return
        if not self.connection.failed(exc):
            self.ctx.note(_("Vernieuwen mislukt: {error}").format(error=exc))
        if self.snapshot is not None:
            self.timer.start()

    def _refresh_finished(self) -> None:
        self._refreshing = False
        self.connection.server_answered()
        self.layer_data.server_answered()
        self.ctx.note(_("Bijgewerkt om {time}").format(time=when(datetime.now(), "seconds")))
        self.outbox.flush()  # the server answers: what waited goes out
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()

    def _apply(self, changes: ChangeSet, *, fit: bool = False) -> None:
        self.ctx.revision = changes.revision
        if changes.case is not None:
            self.ctx.case = changes.case
            self._case_updated()
        changes = self.layers.with_pending_ticks(changes)
        self.ctx.sig_changes.emit(changes, fit)
        if fit or changes.case is not None:  # the case on its own map, framed when it opens
            self.map.show_location(self.case.location_geojson)
        self.map.apply_changes(changes, {}, fit_to=self._extent(changes) if fit else None)
        # Ticked layers whose data changed (or that the map has not got yet) are read next.
        self.layer_data.want(changes.layers or [])
        self.sig_refreshed.emit(changes)

    def _on_changes(self, changes: ChangeSet, _first: bool) -> None:
        if changes.removed_anchor_ids:
            self.anchors.remove(changes.removed_anchor_ids)
        if changes.anchors:
            self.anchors.upsert(changes.anchors)
        if changes.removed_contact_ids:
            self.contacts.remove(changes.removed_contact_ids)
        if changes.contacts:
            self.contacts.upsert(changes.contacts)
            self.contact_actions.count_pending()  # someone may have added or changed one
        if changes.people is not None:
            self.contacts.set_people(changes.people)

    def _extent(self, changes: ChangeSet) -> tuple[float, float, float, float] | None:
        """First view: the visible layers and the case's own anchors (not whole municipalities)."""
        boxes = [layer.bbox for layer in changes.layers or [] if layer.visible and layer.bbox]
        boxes += [a.bbox for a in changes.anchors if a.bbox and a.category != AnchorCategory.BORDER]
        return union_bbox(boxes) or self.case.bbox  # type: ignore[arg-type]

    # -- user actions --------------------------------------------------------------------------
    def _on_case_changed(self, case_id: int) -> None:
        if case_id != self.case.id or self.layers.defer_refresh():
            return
        self.refresh()

    def _on_anchor_activated(self, anchor: Any) -> None:
        if anchor.bbox is not None:
            self.map.fly_to(anchor.bbox, anchor.id)

    def _on_cursor(self, lat: float, lon: float) -> None:
        self.position_label.setText(format_position(lon, lat))

    def show_basemaps_dialog(self) -> None:
        from paragon_desktop.ui.dialogs.basemaps import BasemapsDialog

        self.basemaps_dialog = BasemapsDialog(self.map.basemaps, self.ctx.ops,
                                              self.map.show_basemaps, self)
        self.basemaps_dialog.open()

    def _on_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec():
            self.settings = dialog.result_settings()
            self.ctx.settings = self.settings
            self.settings.save()
            self.timer.setInterval(self.settings.refresh_seconds * 1000)
            self.lock.idle.set_minutes(self.settings.lock_minutes)
            self.map.set_tile_source(self.settings)
