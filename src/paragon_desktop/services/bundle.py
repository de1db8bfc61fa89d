"""The services of one app on one database, sharing one event hub (whoever writes in a case,
the open windows hear it). The window and the case session are typed against this bundle."""

from __future__ import annotations

from dataclasses import dataclass

from paragon_desktop.services.admin import AdminService
from paragon_desktop.services.auth import AuthService
from paragon_desktop.services.case_admin import CaseAdminService
from paragon_desktop.services.case_reports import CaseReports
from paragon_desktop.services.cases import CaseService
from paragon_desktop.services.contacts import ContactService
from paragon_desktop.services.editing import EditingService
from paragon_desktop.services.events import CaseEvents
from paragon_desktop.services.feeds import FeedService
from paragon_desktop.services.layers import LayerService
from paragon_desktop.services.org_anchors import OrganisationAnchorService
from paragon_desktop.services.participation import ParticipationService
from paragon_desktop.services.places import PlaceService
from paragon_desktop.services.plans import PlanService
from paragon_desktop.services.sharing import SharingService
from paragon_desktop.storage.db import Database


@dataclass
class Services:
    db: Database
    auth: AuthService
    cases: CaseService
    editing: EditingService
    layers: LayerService
    places: PlaceService
    admin: CaseAdminService  # start, edit, close, reopen
    sharing: SharingService
    reports: CaseReports
    feeds: FeedService
    participation: ParticipationService
    org_anchors: OrganisationAnchorService
    plans: PlanService
    contacts: ContactService
    organisation_admin: AdminService


def build_services(db: Database) -> Services:
    # One event hub: whoever writes in a case, the open windows hear it.
    events = CaseEvents()
    places = PlaceService(db)
    editing = EditingService(db, events)
    return Services(db, AuthService(db), CaseService(db), editing,
                    LayerService(db, events), places, CaseAdminService(db, events, places),
                    SharingService(db, events), CaseReports(db), FeedService(db, events),
                    ParticipationService(db, events), OrganisationAnchorService(db, editing),
                    PlanService(db, events), ContactService(db, events),
                    AdminService(db))
