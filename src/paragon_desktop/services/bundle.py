"""The services of one app on one database, sharing one event hub (whoever writes in a case,
the open windows hear it). The window and the case session are typed against this bundle."""

from __future__ import annotations

from dataclasses import dataclass

from paragon_desktop.services.auth import AuthService
from paragon_desktop.services.case_admin import CaseAdminService
from paragon_desktop.services.cases import CaseService
from paragon_desktop.services.editing import EditingService
from paragon_desktop.services.events import CaseEvents
from paragon_desktop.services.feeds import FeedService
from paragon_desktop.services.layers import LayerService
from paragon_desktop.services.participation import ParticipationService
from paragon_desktop.storage.db import Database


@dataclass
class Services:
    db: Database
    auth: AuthService
    cases: CaseService
    editing: EditingService
    layers: LayerService
    admin: CaseAdminService
    feeds: FeedService
    participation: ParticipationService


def build_services(db: Database) -> Services:
    # One event hub: whoever writes in a case, the open windows hear it.
    events = CaseEvents()
    return Services(db, AuthService(db), CaseService(db), EditingService(db, events),
                    LayerService(db, events), CaseAdminService(db, events),
                    FeedService(db, events), ParticipationService(db, events))
