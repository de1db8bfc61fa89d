"""Contacts and boundary files at realistic scale (issue 20).

Prints:
- the duplicate check before a new contact is stored, against a directory of 1,000 / 10,000 /
  50,000 contacts (the rule alone, and the service on SQLite with its database read);
- the GDPR mails sent through a local SMTP server (aiosmtpd on 127.0.0.1), per mail;
- loading 600 municipality-like areas (about 300 vertices each) from a GeoPackage through the
  sandboxed reader and ``organisations import``, on SQLite and on PostgreSQL (where the
  neighbour table is filled by its trigger), and loading the same file again (all unchanged).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pyogrio.raw  # noqa: E402
import shapely  # noqa: E402
from _common import HOME, demo_database, pg_database, summary  # noqa: E402
from bench_territory import jurisdictions  # noqa: E402
from sqlalchemy import text  # noqa: E402

from paragon_desktop.domain.contacts import ContactDraft, ContactFacts, possible_duplicates  # noqa: E402
from paragon_desktop.domain.enums import ContactKind  # noqa: E402
from paragon_desktop.gis.reader import LayerReader  # noqa: E402
from paragon_desktop.services.bundle import build_services  # noqa: E402
from paragon_desktop.services.mail import Mailer, SmtpSettings  # noqa: E402
from paragon_desktop.services.organisation_import import import_boundaries  # noqa: E402
from paragon_desktop.storage.db import Database  # noqa: E402
from paragon_desktop.storage.migrate import upgrade  # noqa: E402
from paragon_desktop.storage.models import Contact  # noqa: E402

FIRST = ["Jan", "An", "Tom", "Sofie", "Karim", "Lotte", "Els", "Wim", "Marc", "Nina", "Pieter",
         "Hilde", "Koen", "Greet", "Eva", "Ria", "Bart", "Lien", "Joris", "Fatima"]
LAST = ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
        "Wouters", "De Smet", "Dubois", "Lambert", "Dupont", "Martin", "Simon", "Laurent",
        "Leclercq", "Verstraete", "Baert", "El Amrani"]


def directory(n: int) -> list[ContactFacts]:
    rng = random.Random(20)
    return [ContactFacts(i, f"{rng.choice(FIRST)} {rng.choice(LAST)}-{i}", "",
                         (f"0{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(10, 99)} "
                          f"{rng.randint(10, 99)}",),
                         (f"p{i}@example.be",)) for i in range(n)]


def bench_duplicates() -> None:
    draft = ContactDraft(ContactKind.PERSON, "Jan Peeters", phone="03 760 10 10",
                         email="jan.peeters@example.be")
    for n in (1_000, 10_000, 50_000):
        facts = directory(n)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            possible_duplicates(draft, facts)
            times.append((time.perf_counter() - start) * 1000)
        print(f"duplicate check, rule only, {n:>6} contacts: {summary(times)} ms")
    db = Database.open(demo_database())
    services = build_services(db)
    with db.sessions.begin() as session:
        session.add_all(Contact(case_id=None, kind="person", name=f.name, phone=f.phones[0],
                                email=f.emails[0], organisation_name="", function="",
                                address="") for f in directory(10_000))
    user = services.auth.user_by_name("pieter.wouters")
    times = []
    for _ in range(5):
        start = time.perf_counter()
        services.contacts.duplicates(user, draft)
        times.append((time.perf_counter() - start) * 1000)
    print(f"duplicate check, service on SQLite, 10,000 contacts: {summary(times)} ms")
    db.dispose()


def bench_mail() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.smtpserver import smtp_server

    db = Database.open(demo_database())
    services = build_services(db)
    user = services.auth.user_by_name("pieter.wouters")
    for i in range(200):
        services.contacts.create(user, ContactDraft(ContactKind.PERSON, f"Bench {i}",
                                                    email=f"bench{i}@example.be"))
    with smtp_server() as inbox:
        settings = SmtpSettings("127.0.0.1", inbox.port, "none", "bench@example.be")
        start = time.perf_counter()
        sent = services.contacts.send_pending(user, Mailer(settings), "Bench")
        took = time.perf_counter() - start
    print(f"GDPR mails through a local SMTP server: {sent} in {took:.2f} s "
          f"({took / max(sent, 1) * 1000:.1f} ms per mail, each marked sent in its own "
          f"transaction)")
    db.dispose()


def boundary_file() -> Path:
    areas = [(name, area) for name, kind, area in jurisdictions() if kind == "municipality"]
    path = HOME / "gemeenten.gpkg"
    if not path.exists():
        pyogrio.raw.write(
            path, np.array([shapely.to_wkb(a) for _n, a in areas], dtype=object),
            [np.array([n.removeprefix("Gemeente ") for n, _a in areas], dtype=object),
             np.array([str(10_000 + i) for i in range(len(areas))], dtype=object)],
            ["NAAM", "NISCODE"], driver="GPKG", geometry_type="Polygon", crs="EPSG:4326")
    return path


def bench_boundaries(url: str, label: str) -> None:
    db = Database.open(url)
    upgrade(db.engine)
    path = boundary_file()
    with LayerReader(spare=False) as reader:
        start = time.perf_counter()
        read = reader.read(path, max_bytes=500_000_000)
        reading = time.perf_counter() - start
    for attempt in ("first load", "loaded again"):
        start = time.perf_counter()
        report = import_boundaries(db, read.geojson, level="municipality", name_field="NAAM",
                                   code_field="NISCODE")
        took = time.perf_counter() - start
        print(f"{label}: 600 municipalities ({path.stat().st_size / 1e6:.1f} MB GeoPackage), "
              f"{attempt}: read {reading:.2f} s, stored {took:.2f} s "
              f"({len(report.created)} created, {len(report.unchanged)} unchanged)")
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            pairs = connection.execute(text("SELECT count(*) FROM jurisdiction_neighbours")).scalar()
        print(f"{label}: neighbour table {pairs} pairs (filled by the trigger)")
    db.dispose()


def main() -> None:
    bench_duplicates()
    bench_mail()
    bench_boundaries(f"sqlite:///{HOME / 'boundaries.db'}", "SQLite")
    try:
        with pg_database("bench_boundaries") as url:
            bench_boundaries(url, "PostgreSQL")
    except Exception as exc:  # no server here
        print(f"PostgreSQL: not measured ({exc})")


if __name__ == "__main__":
    main()
