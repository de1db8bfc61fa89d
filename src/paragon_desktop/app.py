"""Composition root: settings, storage, services and the main window."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL

from paragon_desktop import credentials
from paragon_desktop.domain.errors import CredentialsRefused, ParagonError
from paragon_desktop.services.auth import AuthService, throttle
from paragon_desktop.services.bundle import Services, build_services
from paragon_desktop.services.demo import build_demo, demo_accounts, has_demo, is_empty
from paragon_desktop.services.demo_data import DEMO_PASSWORD
from paragon_desktop.services.views import CaseSummary, UserView
from paragon_desktop.settings import Settings, default_database_path
from paragon_desktop.storage import health
from paragon_desktop.storage.db import Database, normalise_url
from paragon_desktop.storage.logins import uses_login_roles
from paragon_desktop.storage.migrate import needs_upgrade, upgrade

CHROMIUM_FLAGS = (
    "--disable-background-networking --disable-component-update --disable-sync "
    "--disable-domain-reliability --no-pings --disable-features=OptimizationHints"
    # The map's layer worker collects the parsed GeoJSON once it has packed it (the page runs
    # only the app's own scripts).
    " --js-flags=--expose-gc"
)
# Chromium's own log (GPU, D-Bus) is for its developers: only fatal lines reach the terminal,
# unless PARAGON_DEBUG is set.
QUIET_CHROMIUM = " --log-level=3"
# Qt messages that say nothing to a user on a machine without GPU, D-Bus or a window manager.
QT_NOISE = ("propagateSizeHints", "QRhiGles2", "Failed to create RHI", "GPUInfo not initialized",
            "Release of profile requested but WebEnginePage still not deleted")


class DamagedDatabase(ParagonError):
    """The database file cannot be used as it is; the start-up dialog offers what to do."""

    def __init__(self, path: Path, state: health.Health) -> None:
        super().__init__(health.describe(path, state))
        self.path = path
        self.health = state


def sqlite_file(target: URL) -> Path | None:
    if target.get_backend_name() != "sqlite" or not target.database or target.database == ":memory:":
        return None
    return Path(target.database)


def open_database(url: str | None) -> tuple[Database, bool]:
    """Open (and for SQLite create or upgrade) the database. With no URL: the embedded one in
    the user's data directory, filled with the demo exercise when the app has just created it.

    A SQLite file is checked first (integrity, schema version) without being changed; one that
    cannot be used raises ``DamagedDatabase``. Returns the database and whether the demo was just
    written.
    """
    embedded = url is None
    target = normalise_url(url) if url else normalise_url(default_database_path())
    path = sqlite_file(target)
    created = False
    if path is not None:
        state = health.check(path)
        if not state.usable:
            raise DamagedDatabase(path, state)
        created = state.state is health.State.MISSING
    db = Database.open(target)
    if needs_upgrade(db.engine):
        if target.get_backend_name() != "sqlite":
            db.dispose()
            raise ParagonError(
                "This PostgreSQL database has no (current) Paragon schema. Run "
                "`paragon-desktop db upgrade --db URL` first."
            )
        upgrade(db.engine)
    filled = False
    if embedded and created and is_empty(db):
        build_demo(db)
        filled = True
        _demo_basemap()
    return db, filled


def _demo_basemap() -> None:
    """The demo region's offline basemap beside the demo database: a map, not grey."""
    from paragon_desktop.gis import basemaps
    from paragon_desktop.services.demo_basemap import add_demo_basemap

    try:
        add_demo_basemap(basemaps.store())
    except (OSError, ParagonError) as exc:  # the demo works without it
        print(f"paragon-desktop: the demo basemap was not made ({exc})", file=sys.stderr)


def prepare_qt_environment(offscreen: bool = False) -> None:
    """Before any Qt import: Chromium must not phone home; offscreen for screenshots and CI."""
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    wanted = CHROMIUM_FLAGS
    if offscreen or os.environ.get("QT_QPA_PLATFORM") == "offscreen" or os.geteuid() == 0:
        # Chromium's sandbox refuses to run as root and under some containers.
        wanted += " --no-sandbox"
    if offscreen or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        wanted += " --disable-gpu"
    if not os.environ.get("PARAGON_DEBUG"):
        wanted += QUIET_CHROMIUM
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} {wanted}".strip()
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def create_application(argv: list[str], language: str | None = None):  # -> QApplication
    """The QApplication, in ``language`` (None: the one in the settings, else the computer's)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from paragon_desktop.ui.map.scheme import register_scheme

    register_scheme()
    # QtWebEngine shares GL contexts with the widgets; this must be set before the app exists.
    QGuiApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    from paragon_desktop.ui.gc import GuiThreadCollector

    if not os.environ.get("PARAGON_DEBUG"):
        _quiet_qt()
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("Paragon Desktop")
    app.setOrganizationName("Paragon")
    if not hasattr(app, "paragon_gc"):
        app.paragon_gc = GuiThreadCollector(app)
    from paragon_desktop.ui.language import apply_language

    apply_language(app, Settings.load().language if language is None else language)
    return app


def _quiet_qt() -> None:
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    def handler(kind: QtMsgType, _context: Any, message: str) -> None:
        if kind in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg):
            return
        if any(noise in message for noise in QT_NOISE):
            return
        print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def run_gui(db_url: str | None) -> int:
    from paragon_desktop import syscheck

    platform = os.environ.get("QT_QPA_PLATFORM", "")
    missing = syscheck.missing_libraries(
        "xcb" if platform in ("", "xcb") and not os.environ.get("WAYLAND_DISPLAY") else platform)
    if missing:
        print(syscheck.advice(missing), file=sys.stderr)
        return 3
    prepare_qt_environment()
    app = create_application(sys.argv)
    from paragon_desktop.i18n import _
    from paragon_desktop.ui.plain import warn


    target = normalise_url(db_url) if db_url else None
    if target is not None and uses_login_roles(target):
        return _run_with_login(app, target)
    try:
        db, filled = _open_or_mend(db_url)
    except ParagonError as exc:
        warn(None, _("Database"), str(exc))
        return 2
    if db is None:
        return 2
    services = build_services(db)
    if filled:
        print(f"Demo exercise written to {db.display_url}")
    path = sqlite_file(db.engine.url)
    if path is not None:
        from paragon_desktop.ui.backups import BackupScheduler

        app.paragon_backups = BackupScheduler(path, app)
        app.paragon_backups.start()
    if is_empty(db):
        warn(None, _("Lege database"), _(
            "{database} heeft nog geen gebruikers. Vul ze met de demo-oefening:\n"
            "paragon-desktop demo --db {database}").format(database=db.display_url))
        return 1
    settings = Settings.load()
    sign_in = embedded_sign_in(services, db, settings)
    if not sign_in.exec() or sign_in.user is None:
        return 0
    settings.last_username = sign_in.user.username
    settings.save()
    return _run_session(app, services, sign_in.user)


def embedded_sign_in(services: Services, db: Database, settings: Settings) -> Any:
    """The sign-in dialog of a database without login roles: the last user name is proposed,
    and in the demo its users are listed."""
    from paragon_desktop.ui.dialogs.sign_in import SignInDialog

    demo_users = demo_accounts() if sqlite_file(db.engine.url) is not None and has_demo(db) else None
    return SignInDialog(services.auth.sign_in, db.display_url, username=settings.last_username,
                        demo_users=demo_users, demo_password=DEMO_PASSWORD)


def _open_or_mend(db_url: str | None) -> tuple[Database | None, bool]:
    """Open the database; a damaged SQLite file is offered to be restored from its latest backup
    or replaced by a new database (the damaged file kept aside), or the app quits (None)."""
    from paragon_desktop.storage import backup
    from paragon_desktop.ui.dialogs.damaged_database import DamagedDatabaseDialog, Mend

    while True:
        try:
            return open_database(db_url)
        except DamagedDatabase as damaged:
            dialog = DamagedDatabaseDialog(damaged.path, damaged.health,
                                           backup.latest_good(damaged.path))
            dialog.exec()
            if dialog.mend is Mend.RESTORE and dialog.backup is not None:
                backup.restore(damaged.path, dialog.backup.path)
            elif dialog.mend is Mend.NEW:
                backup.set_aside(damaged.path, "damaged")
            else:
                return None, False


def _run_session(app: Any, services: Services, user: UserView,
                 verify_password: Callable[[str, str], object] | None = None) -> int:
    from paragon_desktop.ui.case_session import CaseSession

    db = services.db
    # Leaving a case goes back to the case list: the app ends when the main window is closed.
    app.setQuitOnLastWindowClosed(False)
    session = CaseSession(services, user, Settings.load(), db.display_url, verify_password)
    if not session.start():
        db.dispose()
        return 0
    code = app.exec()
    db.dispose()
    return code


def sign_in_with_login(url: URL, username: str, password: str) -> tuple[Database, UserView]:
    """Connect as the user's own PostgreSQL login role (row-level security applies to it) and
    find the Paragon user it belongs to."""
    throttle.check(username)
    try:
        db = Database.open_login(url, username, password)
    except CredentialsRefused:
        throttle.failed(username)
        raise
    throttle.succeeded(username)
    try:
        if needs_upgrade(db.engine):
            raise ParagonError(
                "This PostgreSQL database has no (current) Paragon schema. Ask its administrator "
                "to run `paragon-desktop db upgrade --db URL`.")
        return db, AuthService(db).current_login()
    except BaseException:
        db.dispose()
        raise


def login_sign_in(url: URL, settings: Settings, sign_in: Callable[[str, str], UserView]) -> Any:
    """The sign-in dialog of a shared server. The password is always typed: a password kept
    in the keyring opened an unattended laptop with one click (§1); one kept by an earlier
    version is removed from the keyring."""
    from paragon_desktop.ui.dialogs.sign_in import SignInDialog

    username = settings.last_username
    if username:
        credentials.forget_password(url, username)
    return SignInDialog(sign_in, url.render_as_string(hide_password=True), username=username)


def _run_with_login(app: Any, url: URL) -> int:
    settings = Settings.load()
    opened: list[Database] = []

    def sign_in(username: str, password: str) -> UserView:
        db, user = sign_in_with_login(url, username, password)
        opened.append(db)
        return user

    dialog = login_sign_in(url, settings, sign_in)
    if not dialog.exec() or dialog.user is None:
        return 0
    name = dialog.username.text().strip()
    settings.last_username = name
    settings.save()

    def verify(username: str, password: str) -> None:
        # The lock screen's check: the login role's own password, on the server.
        sign_in_with_login(url, username, password)[0].dispose()

    return _run_session(app, build_services(opened[-1]), dialog.user, verify)


def pick_user_and_case(
    services: Services, username: str | None, case_name: str | None
) -> tuple[UserView, CaseSummary]:
    user = services.auth.user_by_name(username) if username else services.auth.first_user()
    if case_name:
        case = services.cases.find_case(user, case_name)
        if case is None:
            raise ParagonError("{username} sees no case named like {case_name!r}.",
                               username=user.username, case_name=case_name)
    else:
        open_cases = services.cases.list_cases(user)
        if not open_cases:
            raise ParagonError("{username} sees no open case.",
                               username=user.username)
        # The demo's main case is the one with the most going on: the oldest open one.
        case = min(open_cases, key=lambda c: c.occurred_at)
    return user, case


def screenshot(out: Path, db_url: str | None, username: str | None, case_name: str | None,
               size: tuple[int, int], timeout_s: float = 60.0, language: str | None = None) -> int:
    """Render the main window offscreen once the map has drawn its layers, and save a PNG."""
    import tempfile

    prepare_qt_environment(offscreen=True)
    # A screenshot must not depend on (or change) the user's saved window layout.
    os.environ.setdefault("PARAGON_CONFIG_DIR", tempfile.mkdtemp(prefix="paragon-shot-"))
    app = create_application(sys.argv[:1], language)
    from PySide6.QtCore import QEventLoop, QTimer

    from paragon_desktop.ui.main_window import MainWindow

    db, _ = open_database(db_url)
    services = build_services(db)
    user, case = pick_user_and_case(services, username, case_name)
    window = MainWindow(services, user, case, Settings.load(), database_label=db.display_url,
                        restore_layout=False)
    window.resize(*size)
    window.show()
    loop = QEventLoop()
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    deadline.start(int(timeout_s * 1000))

    def check() -> None:
        if window.settled:
            # Let Leaflet paint the canvas before grabbing.
            QTimer.singleShot(600, loop.quit)
        else:
            QTimer.singleShot(50, check)

    check()
    loop.exec()
    if not window.settled:
        print("The map did not finish loading in time; the screenshot may be incomplete.")
    out.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(out))
    window.close()
    db.dispose()
    del app
    if not ok:
        print(f"Could not write {out}.")
        return 1
    print(f"Saved {out} ({size[0]}x{size[1]}): {case.name}, as {user.username}.")
    return 0
