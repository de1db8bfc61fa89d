"""Worker jobs that use pyproj, one after another on the same pool threads, must not crash.

With QThreadPool, PySide drops the Python thread state after each job; pyproj >= 3.7 keeps its
PROJ context in thread-local storage and the next job on that thread used a freed context
(segfault in CRS(); pyproj issues #1509/#1622). Run in a subprocess: a crash must fail the test,
not kill the test run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QCoreApplication, QTimer
    from pyproj import CRS
    from paragon_desktop.gis.crs import to_lambert72
    from paragon_desktop.ui.workers import Workers

    app = QCoreApplication(sys.argv)
    workers = Workers()
    results = []

    def job(i):
        crs = CRS.from_user_input("EPSG:31370" if i % 2 else "EPSG:3812")
        return crs.to_epsg(), round(to_lambert72(4.28, 51.27)[0])

    def next_job():
        if len(results) == 12:
            app.quit()
            return
        i = len(results)
        workers.run(lambda: job(i), lambda r: (results.append(r), QTimer.singleShot(0, next_job)),
                    lambda e: (print("failed", e), app.exit(1)))

    QTimer.singleShot(0, next_job)
    app.exec()
    print("done", len(results), results[0], results[1])
""")


def test_sequential_pyproj_jobs_on_worker_threads_survive():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         timeout=120, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "done 12 (3812," in run.stdout
