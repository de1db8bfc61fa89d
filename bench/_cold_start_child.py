"""One cold start: process start to a map that has drawn the case's layers. Prints READY."""

import sys

from paragon_desktop.app import (
    build_services,
    create_application,
    open_database,
    pick_user_and_case,
    prepare_qt_environment,
)

prepare_qt_environment(offscreen=True)
app = create_application(sys.argv[:1])
from PySide6.QtCore import QTimer  # noqa: E402

from paragon_desktop.settings import Settings  # noqa: E402
from paragon_desktop.ui.main_window import MainWindow  # noqa: E402

db, _ = open_database(sys.argv[1])
services = build_services(db)
user, case = pick_user_and_case(services, None, None)
window = MainWindow(services, user, case, Settings(), restore_layout=False)
window.resize(1600, 1000)
window.show()


def check() -> None:
    # The case's picture, then its ticked layers' data (read after it), all on the map.
    if window.settled:
        print("READY", flush=True)
        app.quit()
    else:
        QTimer.singleShot(5, check)


check()
app.exec()
