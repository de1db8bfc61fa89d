"""The ``paragon-desktop`` command: run the app, fill or upgrade a database, take a screenshot."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from paragon_desktop import __version__
from paragon_desktop.domain.errors import ParagonError

DB_HELP = "database: sqlite:///PATH, a file path, or postgresql+psycopg://HOST/DB " \
          "(default: the embedded database in your data directory, with the demo exercise)"


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: use WIDTHxHEIGHT, e.g. 1600x1000") from None
    if not (320 <= width <= 8000 and 240 <= height <= 8000):
        raise argparse.ArgumentTypeError(f"{text!r}: width and height must be 320-8000 / 240-8000")
    return width, height


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help=DB_HELP)
    parser = argparse.ArgumentParser(
        prog="paragon-desktop", parents=[common],
        description="Paragon Desktop: case map, feeds, anchors and contacts for crisis cells.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", parents=[common], help="open the app (the default)")
    sub.add_parser("demo", parents=[common],
                   help="fill a database with the demo exercise")
    db = sub.add_parser("db", help="database administration")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", parents=[common], help="create or migrate the schema")
    shot = sub.add_parser("screenshot", parents=[common],
                          help="render the main window offscreen to a PNG")
    shot.add_argument("out", type=Path)
    shot.add_argument("--user", help="user name (default: the first demo user)")
    shot.add_argument("--case", help="part of the case name (default: the first open case)")
    shot.add_argument("--size", type=_size, default=(1600, 1000), help="WIDTHxHEIGHT")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    db_url = getattr(args, "db", None)
    try:
        if args.command in (None, "run"):
            from paragon_desktop.app import run_gui

            return run_gui(db_url)
        if args.command == "demo":
            return _demo(db_url)
        if args.command == "db":
            return _upgrade(db_url)
        if args.command == "screenshot":
            from paragon_desktop.app import screenshot

            return screenshot(args.out, db_url, args.user, args.case, args.size)
    except ParagonError as exc:
        print(f"paragon-desktop: {exc}", file=sys.stderr)
        return 2
    return 0


def _demo(db_url: str | None) -> int:
    from paragon_desktop.services.demo import DemoAlreadyPresent, build_demo
    from paragon_desktop.settings import default_database_path
    from paragon_desktop.storage.db import Database
    from paragon_desktop.storage.migrate import upgrade

    db = Database.open(db_url or default_database_path())
    upgrade(db.engine)
    try:
        build_demo(db)
    except DemoAlreadyPresent as exc:
        print(f"{exc} Nothing was changed.")
        return 0
    finally:
        db.dispose()
    print(f"Demo exercise written to {db.display_url}.")
    return 0


def _upgrade(db_url: str | None) -> int:
    from paragon_desktop.settings import default_database_path
    from paragon_desktop.storage.db import Database
    from paragon_desktop.storage.migrate import upgrade

    db = Database.open(db_url or default_database_path())
    upgrade(db.engine)
    db.dispose()
    print(f"Schema of {db.display_url} is up to date.")
    return 0
