"""The ``paragon-desktop`` command: run the app, fill or upgrade a database, import and export
map layers, take a screenshot."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from paragon_desktop import __version__
from paragon_desktop.domain.anchors import AnchorCategory
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
    create = db_sub.add_parser(
        "create-user", parents=[common],
        help="add a user (on PostgreSQL with their own login role; run as the database owner)")
    create.add_argument("username", help="user name, also the PostgreSQL login role")
    create.add_argument("--name", required=True, help="full name, e.g. 'An Peeters'")
    create.add_argument("--organisation", action="append", required=True,
                        help="organisation name (repeat for several)")
    create.add_argument("--level", choices=["read_only", "agent", "coordinator"], default="agent",
                        help="case access level (default: agent)")
    create.add_argument("--role", action="append", default=[],
                        choices=["org_admin", "contact_manager", "plan_manager"],
                        help="management role (repeat for several)")
    create.add_argument("--label", help="coordinator label")
    create.add_argument("--existing-role", action="store_true",
                        help="link a login role that already exists on the server (new password)")
    backup = db_sub.add_parser(
        "backup", parents=[common],
        help="write a consistent backup of the embedded database (safe while the app runs)")
    backup.add_argument("out", type=Path, metavar="OUT", help="backup file (or a folder)")
    restore = db_sub.add_parser(
        "restore", parents=[common],
        help="make a backup the embedded database (the current one is kept aside)")
    restore.add_argument("file", type=Path, metavar="FILE", help="a Paragon database backup")
    orgs = sub.add_parser("organisations",
                          help="organisations and their jurisdictions (database owner)")
    orgs_sub = orgs.add_subparsers(dest="organisations_command", required=True)
    o_imp = orgs_sub.add_parser(
        "import", parents=[common],
        help="load organisations and jurisdiction areas from an official boundary file "
             "(Shapefile, GeoPackage, GeoJSON, KML), updating existing ones by code")
    o_imp.add_argument("file", type=Path, metavar="FILE")
    o_imp.add_argument("--level", required=True,
                       choices=["municipality", "province", "zone", "region", "country"])
    o_imp.add_argument("--name-field", required=True, help="the field with the area's name")
    o_imp.add_argument("--code-field", help="the field with its official code (NIS code...)")
    o_imp.add_argument("--name-format",
                       help="how names are made, e.g. 'Gemeente {name}' (the level's default)")
    o_imp.add_argument("--crs", help="the file's coordinate system, if it does not say "
                                     "(e.g. EPSG:31370)")
    user_help = "acting user (the password comes from PARAGON_PASSWORD or a prompt)"
    imp = sub.add_parser("import-layer", parents=[common], help="add layer files to a case")
    imp.add_argument("files", type=Path, nargs="+", metavar="FILE")
    imp.add_argument("--case", required=True, help="part of the case name")
    imp.add_argument("--user", required=True, help=user_help)
    imp.add_argument("--share", default="personal",
                     help="personal (default) or feed:NAME[,NAME...], e.g. feed:Multi")
    imp.add_argument("--name", help="layer name (default: from the file name; one file only)")
    imp.add_argument("--description", default="")
    imp.add_argument("--crs", help="the files' coordinate system when they do not say, e.g. 31370")
    exp = sub.add_parser("export-layer", parents=[common],
                         help="write layers of a case to GeoJSON, KML or KMZ")
    exp.add_argument("out", type=Path, metavar="OUT.geojson|OUT.kml|OUT.kmz")
    exp.add_argument("--case", required=True, help="part of the case name")
    exp.add_argument("--user", required=True, help=user_help)
    which = exp.add_mutually_exclusive_group(required=True)
    which.add_argument("--layer", action="append", help="layer name (repeat for several)")
    which.add_argument("--ticked", action="store_true", help="every layer the user has ticked")
    anchors = sub.add_parser("anchors", help="a case's anchors: list, export, import")
    anchors_sub = anchors.add_subparsers(dest="anchors_command", required=True)
    listing = anchors_sub.add_parser("list", parents=[common], help="the case's anchors")
    listing.add_argument("--json", action="store_true", help="as JSON (with the geometries)")
    a_exp = anchors_sub.add_parser("export", parents=[common],
                                   help="write the case's anchors and location to GeoJSON, KML or KMZ")
    a_exp.add_argument("out", type=Path, metavar="OUT.geojson|OUT.kml|OUT.kmz")
    a_imp = anchors_sub.add_parser("import", parents=[common],
                                   help="make a file's features anchors of the case")
    a_imp.add_argument("file", type=Path, metavar="FILE")
    a_imp.add_argument("--category", default="other",
                       choices=[c.value for c in AnchorCategory], help="category (default: other)")
    a_imp.add_argument("--name-field", help="the property holding each anchor's name "
                                            "(default: name, naam, nom, title, ...)")
    a_imp.add_argument("--crs", help="the file's coordinate system when it does not say")
    for command in (listing, a_exp, a_imp):
        command.add_argument("--case", required=True, help="part of the case name")
        command.add_argument("--user", required=True, help=user_help)
    plans = sub.add_parser("plans", help="emergency plans: list, back up")
    plans_sub = plans.add_subparsers(dest="plans_command", required=True)
    p_list = plans_sub.add_parser("list", parents=[common], help="the plans the user may see")
    p_list.add_argument("--json", action="store_true", help="as JSON")
    p_exp = plans_sub.add_parser("export", parents=[common],
                                 help="back up one's own plans (documents, letters, elements, "
                                      "history) into a zip")
    p_exp.add_argument("out", type=Path, metavar="OUT.zip")
    p_exp.add_argument("--organisation", help="only this organisation's plans (part of its name)")
    for command in (p_list, p_exp):
        command.add_argument("--user", required=True, help=user_help)
    base = sub.add_parser("basemap", help="offline basemaps (MBTiles, PMTiles) on this machine")
    base_sub = base.add_subparsers(dest="basemap_command", required=True)
    data_help = "the data directory (default: PARAGON_DATA_DIR, else the user's)"
    b_add = base_sub.add_parser("add", help="copy a basemap file in and list it")
    b_add.add_argument("file", type=Path, metavar="FILE.mbtiles|FILE.pmtiles")
    b_add.add_argument("--name", default="", help="the name shown (default: the file's own)")
    b_list = base_sub.add_parser("list", help="the basemaps, bottom first")
    b_remove = base_sub.add_parser("remove", help="remove a basemap and its file")
    b_remove.add_argument("name", help="its name (or id)")
    for command in (b_add, b_list, b_remove):
        command.add_argument("--data-dir", type=Path, help=data_help)
    shot = sub.add_parser("screenshot", parents=[common],
                          help="render the main window offscreen to a PNG")
    shot.add_argument("out", type=Path)
    shot.add_argument("--user", help="user name (default: the first demo user)")
    shot.add_argument("--case", help="part of the case name (default: the first open case)")
    shot.add_argument("--size", type=_size, default=(1600, 1000), help="WIDTHxHEIGHT")
    shot.add_argument("--language", choices=("nl", "fr", "en"),
                      help="the language to show (default: the settings', else the computer's)")
    return parser


def main(argv: list[str] | None = None) -> int:
    raw = sys.argv[1:] if argv is None else argv
    if raw[:1] == ["--paragon-layer-reader"]:  # a bundled app starting its layer reader
        from paragon_desktop.gis.reader import child_main

        return child_main()
    args = build_parser().parse_args(argv)
    db_url = getattr(args, "db", None)
    # Messages in the user's language (the setting, else the computer's); the GUI sets Qt's too.
    from paragon_desktop import i18n
    from paragon_desktop.settings import Settings

    i18n.use(Settings.load().language)
    try:
        if args.command in (None, "run"):
            from paragon_desktop.app import run_gui

            return run_gui(db_url)
        if args.command == "demo":
            return _demo(db_url)
        if args.command == "db" and args.db_command == "create-user":
            return _create_user(db_url, args)
        if args.command == "db" and args.db_command in ("backup", "restore"):
            return _backup_or_restore(db_url, args)
        if args.command == "db":
            return _upgrade(db_url)
        if args.command == "import-layer":
            return _import_layers(db_url, args)
        if args.command == "export-layer":
            return _export_layers(db_url, args)
        if args.command == "anchors":
            return _anchors(db_url, args)
        if args.command == "basemap":
            return _basemap(args)
        if args.command == "organisations":
            return _import_organisations(db_url, args)
        if args.command == "plans":
            return _plans(db_url, args)
        if args.command == "screenshot":
            from paragon_desktop.app import screenshot

            return screenshot(args.out, db_url, args.user, args.case, args.size,
                              language=args.language)
    except ParagonError as exc:
        print(f"paragon-desktop: {exc}", file=sys.stderr)
        return 2
    return 0


def _embedded_path(db_url: str | None) -> Path:
    from paragon_desktop.settings import default_database_path
    from paragon_desktop.storage.db import normalise_url

    if db_url is None:
        return default_database_path()
    url = normalise_url(db_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise ParagonError("Backups here are of the embedded (SQLite) database; a PostgreSQL "
                           "server is backed up by its administrator (pg_dump).")
    return Path(url.database)


def _backup_or_restore(db_url: str | None, args: argparse.Namespace) -> int:
    from paragon_desktop.storage import backup

    database = _embedded_path(db_url)
    if args.db_command == "backup":
        out = backup.backup_to(database, args.out)
        print(f"Backup of {database} written to {out} ({out.stat().st_size / 1e6:,.1f} MB).")
        return 0
    aside = backup.restore(database, args.file)
    print(f"{args.file} restored as {database}."
          + (f" The previous database was kept as {aside}." if aside else ""))
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


def _password(prompt: str) -> str:
    import getpass
    import os

    password = os.environ.get("PARAGON_PASSWORD")
    return password if password is not None else getpass.getpass(prompt)


def _create_user(db_url: str | None, args: argparse.Namespace) -> int:
    from paragon_desktop.domain.enums import AccessLevel, ManagementRole
    from paragon_desktop.services.accounts import create_user
    from paragon_desktop.settings import default_database_path
    from paragon_desktop.storage.db import Database

    password = _password(f"Password for the new user {args.username}: ")
    db = Database.open(db_url or default_database_path())
    try:
        user = create_user(db, username=args.username, display_name=args.name,
                           password=password, access_level=AccessLevel(args.level),
                           organisations=args.organisation,
                           management_roles=[ManagementRole(r) for r in args.role],
                           coordinator_label=args.label, existing_role=args.existing_role)
    finally:
        db.dispose()
    how = ("signs in with the login role of the same name" if db.engine.dialect.name ==
           "postgresql" else "signs in with the password given")
    print(f"User {user.username} ({user.display_name}, {user.access_level.label}) added to "
          f"{db.display_url}; {how}.")
    return 0


def _import_organisations(db_url: str | None, args: argparse.Namespace) -> int:
    from paragon_desktop.gis.reader import LayerReader
    from paragon_desktop.services.organisation_import import import_boundaries
    from paragon_desktop.settings import Settings, default_database_path
    from paragon_desktop.storage.db import Database

    with LayerReader(spare=False) as reader:
        read = reader.read(args.file, crs=args.crs, max_bytes=Settings.load().max_layer_bytes)
    for warning in read.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    db = Database.open(db_url or default_database_path())
    try:
        report = import_boundaries(db, read.geojson, level=args.level,
                                   name_field=args.name_field, code_field=args.code_field,
                                   name_format=args.name_format)
    finally:
        db.dispose()
    for skipped in report.skipped:
        print(f"skipped: {skipped}", file=sys.stderr)
    print(f"{args.file.name}: {len(report.created)} created, {len(report.updated)} updated, "
          f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped ({args.level}, "
          f"{read.source_crs} to WGS84).")
    return 0


def _signed_in(db_url: str | None, username: str):  # -> (Services, UserView)
    from paragon_desktop.app import build_services, open_database, sign_in_with_login
    from paragon_desktop.storage.db import normalise_url
    from paragon_desktop.storage.logins import uses_login_roles

    password = _password(f"Password for {username}: ")
    if db_url and uses_login_roles(normalise_url(db_url)):
        db, user = sign_in_with_login(normalise_url(db_url), username, password)
        return build_services(db), user
    db, _ = open_database(db_url)
    services = build_services(db)
    return services, services.auth.sign_in(username, password)


def _case(services, user, name: str):
    case = services.cases.find_case(user, name)
    if case is None:
        raise ParagonError("{username} sees no case named like {name!r}.",
                           username=user.username, name=name)
    return case


def _import_layers(db_url: str | None, args: argparse.Namespace) -> int:
    from paragon_desktop.gis.layers import proposed_name
    from paragon_desktop.gis.reader import LayerReader
    from paragon_desktop.services.layer_import import ImportRequest, LayerImportService
    from paragon_desktop.settings import Settings

    if args.name and len(args.files) > 1:
        raise ParagonError("--name names one layer; leave it out when importing several files.")
    share = args.share.strip()
    if share != "personal" and not share.startswith("feed:"):
        raise ParagonError("--share {share!r}: use personal or feed:NAME[,NAME...].",
                           share=share)
    services, user = _signed_in(db_url, args.user)
    importer = LayerImportService(services.layers, LayerReader(spare=False))
    try:
        case = _case(services, user, args.case)
        feeds = [] if share == "personal" else services.layers.feed_ids_by_name(
            user, case.id, [n.strip() for n in share[5:].split(",") if n.strip()])
        # The app's rule: a file that cannot be read or stored is reported and changes nothing;
        # the others still go in (the exit code says that something was refused).
        request = ImportRequest(files=[(path, args.name or proposed_name(path)) for path in args.files],
                                description=args.description, feed_ids=feeds, crs=args.crs)
        report = importer.run(user, case.id, request, max_bytes=Settings.load().max_layer_bytes)
        if report.added:
            services.layers.fill_features()  # the QGIS table, before the command returns
    finally:
        importer.close()
        services.db.dispose()
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    where = "personal" if not feeds else share
    for added in report.added:
        print(f"{added.source_name}: {added.feature_count} features ({added.source_format}, "
              f"{added.source_crs}) added to {case.name} as “{added.name}”, {where}.")
    for error in report.errors:
        print(f"paragon-desktop: {error}", file=sys.stderr)
    return 2 if report.errors else 0


def _export_layers(db_url: str | None, args: argparse.Namespace) -> int:
    from paragon_desktop.gis.export import export_layers

    services, user = _signed_in(db_url, args.user)
    try:
        case = _case(services, user, args.case)
        if args.ticked:
            snapshot = services.cases.open_case(user, case.id)
            ids = [layer.id for layer in snapshot.changes.layers or [] if layer.visible]
        else:
            ids = [services.layers.find_layer(user, case.id, name) for name in args.layer]
        layers = services.layers.layers_for_export(user, ids)
        count = export_layers(layers, args.out)
    finally:
        services.db.dispose()
    print(f"{args.out.name}: {count} features from {len(layers)} layer(s) written.")
    return 0


def _plans(db_url: str | None, args: argparse.Namespace) -> int:
    """List the plans a user may see, or back up their own plans (§3.5)."""
    import json

    from paragon_desktop.i18n import when
    from paragon_desktop.services.plans import export_plans

    services, user = _signed_in(db_url, args.user)
    try:
        if args.plans_command == "export":
            organisation_id = None
            if args.organisation:
                matches = [(i, n) for i, n in services.plans.managed_organisations(user)
                           if args.organisation.casefold() in n.casefold()]
                if len(matches) != 1:
                    raise ParagonError("{username} keeps the plans of no single organisation "
                                       "named like {name!r}.", username=user.username,
                                       name=args.organisation)
                organisation_id = matches[0][0]
            count = export_plans(services.plans, user, args.out, organisation_id=organisation_id)
            print(f"{args.out.name}: {count} plans written.")
            return 0
        plans = services.plans.list_plans(user)
        if args.json:
            print(json.dumps([{"id": p.id, "title": p.title, "kind": p.kind.value,
                               "status": p.status.value, "organisation": p.organisation,
                               "key_anchor": p.key_anchor, "updated_at": p.updated_at.isoformat()}
                              for p in plans], ensure_ascii=False, indent=1))
            return 0
        for p in plans:
            print(f"{p.status.label:12}  {p.title:50}  {p.organisation}  ({when(p.updated_at)})")
        return 0
    finally:
        services.db.dispose()


def _anchors(db_url: str | None, args: argparse.Namespace) -> int:
    """List, export or import a case's anchors, acting as the user with the app's rules."""
    import json

    from paragon_desktop.domain.anchors import category_of
    from paragon_desktop.gis.export import export_layers
    from paragon_desktop.services.anchor_files import anchor_layers, import_anchors

    services, user = _signed_in(db_url, args.user)
    try:
        case = _case(services, user, args.case)
        if args.anchors_command == "import":
            from paragon_desktop.gis.reader import LayerReader
            from paragon_desktop.settings import Settings

            with LayerReader(spare=False) as reader:
                read = reader.read(args.file, crs=args.crs,
                                   max_bytes=Settings.load().max_layer_bytes)
            for warning in read.warnings:
                print(f"warning: {warning}", file=sys.stderr)
            report = import_anchors(services.editing, user, case.id, read.geojson,
                                    category=AnchorCategory(args.category),
                                    name_field=args.name_field, fallback_name=args.file.stem)
            for name in report.added:
                print(f"{name}: added to {case.name}.")
            for refusal in report.refused:
                print(f"paragon-desktop: {refusal}", file=sys.stderr)
            return 2 if report.refused else 0
        anchors = services.cases.open_case(user, case.id).changes.anchors
        if args.anchors_command == "export":
            count = export_layers(anchor_layers(case, anchors), args.out)
            print(f"{args.out.name}: {count} features ({len(anchors)} anchors and the case "
                  "location) written.")
            return 0
        if args.json:
            print(json.dumps([{"id": a.id, "name": a.name, "category": category_of(a.category).value,
                               "description": a.description, "geometry": a.geometry}
                              for a in anchors], ensure_ascii=False, indent=1))
            return 0
        for a in sorted(anchors, key=lambda a: (list(AnchorCategory).index(category_of(a.category)),
                                                a.name.casefold())):
            print(f"{category_of(a.category).label:32}  {a.geometry.get('type', ''):12}  {a.name}")
        return 0
    finally:
        services.db.dispose()


def _basemap(args: argparse.Namespace) -> int:
    from paragon_desktop.gis.basemaps import BasemapStore, store

    basemaps = BasemapStore(args.data_dir / "basemaps") if args.data_dir else store()
    if args.basemap_command == "add":
        added = basemaps.add(args.file, args.name)
        print(f"{added.name}: {added.format.upper()}, zoom {added.minzoom}-{added.maxzoom}, "
              f"added{' and shown' if added.shown else ''}.")
    elif args.basemap_command == "remove":
        gone = basemaps.remove(args.name)
        print(f"{gone.name} removed.")
    else:
        for b in basemaps.all():
            print(f"{'x' if b.shown else ' '} {b.name:30}  {b.format:8} zoom {b.minzoom}-{b.maxzoom}"
                  f"  opacity {b.opacity:.0%}  {b.attribution}")
    return 0
