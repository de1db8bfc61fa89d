"""Opening cases and asking what changed in them: the read side the main window lives on."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from paragon_desktop.domain.access import can_see_layer
from paragon_desktop.domain.enums import CaseAccess, CaseCategory, OrganisationKind
from paragon_desktop.gis.ows import Service
from paragon_desktop.i18n import _
from paragon_desktop.services.access import (
    visible_case,
    visible_case_ids,
    visible_feed_ids,
)
from paragon_desktop.services.feeds import message_query, message_views
from paragon_desktop.services.views import (
    AnchorView,
    CaseSnapshot,
    CaseSummary,
    ChangeSet,
    ContactView,
    FeedView,
    JurisdictionView,
    LayerView,
    MessageView,
    Participation,
    UserView,
)
from paragon_desktop.storage import layer_text
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import (
    Anchor,
    Case,
    CaseShare,
    CaseUser,
    Contact,
    Feed,
    FeedMember,
    Layer,
    LayerData,
    LayerShare,
    LayerVisibility,
    Membership,
    Message,
    Organisation,
    Tombstone,
    User,
)
from paragon_desktop.storage.revisions import current_revision


def user_label(name: str, coordinator_label: str | None, org_admin: bool) -> str:
    """A user's name as lists show it: coordinators and organisation admins carry a label
    (DOMAIN.md, People and organisations)."""
    labels = [label for label in (coordinator_label, _("Org-Admin") if org_admin else None)
              if label]
    return f"{name} [{', '.join(labels)}]" if labels else name


def org_admins(session: Session) -> set[int]:
    """Users who are an organisation admin somewhere (they carry the Org-Admin label)."""
    return set(session.scalars(select(Membership.user_id).where(
        Membership.management_roles.like("%org_admin%"))))


def _searchable(case: CaseSummary) -> str:
    return " ".join(
        (case.name, case.case_type, case.location_name, case.description, case.organisation)
    ).casefold()


def anchor_view(a: Anchor) -> AnchorView:
    return AnchorView(a.id, a.name, a.category, a.description, json.loads(a.geometry_geojson),
                      _bbox(a), a.revision)


def _bbox(row: Any) -> tuple[float, float, float, float] | None:
    if row.min_lon is None:
        return None
    return (row.min_lon, row.min_lat, row.max_lon, row.max_lat)


def case_summary(case: Case, created_by: str = "", organisation: str = "",
                 closed_by: str = "") -> CaseSummary:
    return CaseSummary(
        id=case.id,
        name=case.name,
        category=CaseCategory(case.category),
        access=case.access,
        status=case.status,
        case_type=case.case_type,
        location_name=case.location_name,
        occurred_at=case.occurred_at,
        phase=case.phase,
        description=case.description,
        bbox=_bbox(case),
        revision=case.revision,
        astrid_block=case.astrid_block,
        name_suffix=case.name_suffix,
        created_by=created_by,
        organisation=organisation,
        closed_at=case.closed_at,
        closed_by=closed_by,
        location_geojson=case.location_geojson,
    )


def summary_of(session: Session, case: Case) -> CaseSummary:
    creator = session.get(User, case.created_by_id)
    organisation = session.get(Organisation, case.organisation_id)
    closer = session.get(User, case.closed_by_id) if case.closed_by_id else None
    return case_summary(case, creator.display_name if creator else "",
                        organisation.name if organisation else "",
                        closer.display_name if closer else "")


class CaseService:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- lists -------------------------------------------------------------------------------
    def list_cases(
        self,
        user: UserView,
        *,
        include_closed: bool = False,
        closed_only: bool = False,
        category: CaseCategory | None = None,
        text: str = "",
    ) -> list[CaseSummary]:
        """The cases this user may see, newest first, optionally filtered by category and by text
        in the name, type, location or description (case-insensitive)."""
        with self._db.sessions() as session:
            creator = aliased(User)
            closer = aliased(User)
            query = (
                select(Case, creator.display_name, Organisation.name, closer.display_name)
                .join(creator, creator.id == Case.created_by_id)
                .join(Organisation, Organisation.id == Case.organisation_id)
                .outerjoin(closer, closer.id == Case.closed_by_id)
                .order_by(Case.occurred_at.desc(), Case.id.desc())
            )
            if closed_only:
                query = query.where(Case.status == "closed")
            elif not include_closed:
                query = query.where(Case.status == "open")
            if category is not None:
                query = query.where(Case.category == category.value)
            visible = visible_case_ids(session, user.id)
            needle = " ".join(text.split()).casefold()
            result = []
            for case, created_by, organisation, closed_by in session.execute(query):
                if case.id not in visible:
                    continue
                summary = case_summary(case, created_by, organisation, closed_by or "")
                if needle and needle not in _searchable(summary):
                    continue
                result.append(summary)
            return result

    def find_case(self, user: UserView, name: str) -> CaseSummary | None:
        """A visible case whose name contains ``name`` (case-insensitive), open ones first."""
        needle = name.casefold()
        for case in self.list_cases(user, include_closed=True):
            if needle in case.name.casefold():
                return case
        return None

    # -- snapshot and changes -----------------------------------------------------------------
    def open_case(self, user: UserView, case_id: int) -> CaseSnapshot:
        with self._db.sessions() as session:
            visible_case(session, user.id, case_id)
            participation = self._participation(session, case_id, user.id)
            changes = self._changes(session, user, case_id, 0)
            return CaseSnapshot(user=user, participation=participation, changes=changes)

    def changes_since(self, user: UserView, case_id: int, revision: int) -> ChangeSet:
        """What this user sees changed in the case since ``revision``. Cheap when nothing did:
        one read of the revision counter."""
        with self._db.sessions() as session:
            now = current_revision(session)
            if now == revision:
                return ChangeSet(revision=now)
            visible_case(session, user.id, case_id)
            return self._changes(session, user, case_id, revision)

    def layer_geojsons(self, user: UserView, layer_ids: Collection[int]) -> dict[int, str]:
        """The FeatureCollections (JSON text) of those layers the user may see, read in one go.

        A layer id of someone else's personal layer, or of a feed the user is not in, gives
        nothing: the same rule as the layer list.
        """
        if not layer_ids:
            return {}
        with self._db.sessions() as session:
            return dict(session.execute(
                select(LayerData.layer_id, LayerData.geojson).where(
                    LayerData.layer_id.in_(self._seen_layers(session, user, layer_ids)))
            ).all())

    def layer_utf8(self, user: UserView, layer_ids: Collection[int]) -> dict[int, bytes | memoryview]:
        """The same as ``layer_geojsons`` in UTF-8, as the map page takes it, read without
        holding Python's lock for long (``storage.layer_text``)."""
        if not layer_ids:
            return {}
        with self._db.sessions() as session:
            return layer_text.read_utf8(session, self._seen_layers(session, user, layer_ids))

    @staticmethod
    def _seen_layers(session: Session, user: UserView, layer_ids: Collection[int]) -> list[int]:
        layers = session.execute(
            select(Layer.id, Layer.case_id, Layer.owner_id).where(Layer.id.in_(layer_ids))
        ).all()
        shares: dict[int, list[int]] = defaultdict(list)
        for layer_id, feed_id in session.execute(
            select(LayerShare.layer_id, LayerShare.feed_id).where(
                LayerShare.layer_id.in_(layer_ids))
        ):
            shares[layer_id].append(feed_id)
        feeds_by_case: dict[int, set[int]] = {}
        allowed = []
        for layer_id, case_id, owner_id in layers:
            if case_id not in feeds_by_case:
                visible_case(session, user.id, case_id)
                feeds_by_case[case_id] = visible_feed_ids(session, case_id, user.id)
            if can_see_layer(owner_id, user.id, shares[layer_id], feeds_by_case[case_id]):
                allowed.append(layer_id)
        return allowed

    # -- internals ----------------------------------------------------------------------------
    def _participation(self, session: Session, case_id: int, user_id: int) -> Participation | None:
        row = session.execute(
            select(CaseUser, Organisation.name)
            .outerjoin(Organisation, Organisation.id == CaseUser.organisation_id)
            .where(CaseUser.case_id == case_id, CaseUser.user_id == user_id)
        ).first()
        if row is None or not row[0].participating or not row[0].crisis_role:
            return None
        return Participation(row[1] or "", row[0].crisis_role, row[0].crisis_cell)

    def _changes(self, session: Session, user: UserView, case_id: int, since: int) -> ChangeSet:
        now = current_revision(session)
        case = session.get(Case, case_id)
        assert case is not None
        result = ChangeSet(revision=now)
        if case.revision > since:
            result.case = summary_of(session, case)
        feed_ids = visible_feed_ids(session, case_id, user.id)
        # Who is in a feed, and who is in the case now, show with the feeds.
        if since == 0 or self._any_changed(session, case_id, since, (Feed, FeedMember, CaseUser)):
            result.feeds = self._feeds(session, case_id, feed_ids)
        result.messages = self._messages(session, case_id, feed_ids, since)
        result.anchors = [
            anchor_view(a)
            for a in session.scalars(
                select(Anchor)
                .where(Anchor.case_id == case_id, Anchor.revision > since)
                .order_by(Anchor.name)
            )
        ]
        result.contacts = self._contacts(session, case_id, since)
        if since == 0 or self._any_changed(session, case_id, since,
                                           (CaseUser, CaseShare, Membership, User)):
            result.people = self._people(session, case)
        if since:
            result.removed_anchor_ids = self._removed(session, "anchors", case_id, since)
            result.removed_contact_ids = self._removed(session, "contacts", case_id, since)
        if since == 0 or self._any_changed(
            session, case_id, since, (Layer, LayerShare, LayerVisibility)
        ):
            result.layers = self._layers(session, case_id, user.id, feed_ids)
        if since == 0 or session.scalar(
            select(func.count()).select_from(Organisation).where(Organisation.revision > since)
        ):
            result.jurisdictions = self._jurisdictions(session)
        return result

    def _any_changed(self, session: Session, case_id: int, since: int, models: tuple) -> bool:
        """Whether a row of these tables changed or went since ``since``: one statement (each
        is a round trip, and under row-level security a policy check: a refresh asks thrice)."""
        changed = []
        for model in models:
            query = select(model.id).where(model.revision > since)
            if model is Feed or model is Layer or model is CaseUser or model is CaseShare:
                query = query.where(model.case_id == case_id)
            changed.append(query.exists())
        table_names = [m.__tablename__ for m in models]
        changed.append(select(Tombstone.id).where(
            Tombstone.table_name.in_(table_names), Tombstone.revision > since).exists())
        return bool(session.scalar(select(or_(*changed))))

    def _removed(self, session: Session, table: str, case_id: int, since: int) -> list[int]:
        return list(
            session.scalars(
                select(Tombstone.row_id).where(
                    Tombstone.table_name == table,
                    Tombstone.revision > since,
                    or_(Tombstone.case_id == case_id, Tombstone.case_id.is_(None)),
                )
            )
        )

    def _feeds(self, session: Session, case_id: int, feed_ids: set[int]) -> list[FeedView]:
        members: dict[int, list[str]] = defaultdict(list)
        admins = org_admins(session)
        for feed_id, user_id, name, label in session.execute(
            select(FeedMember.feed_id, User.id, User.display_name, User.coordinator_label)
            .join(User, User.id == FeedMember.user_id)
            .where(FeedMember.feed_id.in_(feed_ids))
            .order_by(User.display_name)
        ):
            members[feed_id].append(user_label(name, label, user_id in admins))
        participants: list[str] = []
        present: set[str] = set()
        for user_id, name, label, entered_at, left_at in session.execute(
            select(User.id, User.display_name, User.coordinator_label, CaseUser.entered_at,
                   CaseUser.left_at)
            .join(CaseUser, CaseUser.user_id == User.id)
            .where(CaseUser.case_id == case_id, CaseUser.participating.is_(True))
            .order_by(User.display_name)
        ):
            name = user_label(name, label, user_id in admins)
            participants.append(name)
            if entered_at is not None and left_at is None:
                present.add(name)
        feeds = session.scalars(
            select(Feed).where(Feed.id.in_(feed_ids)).order_by(Feed.position, Feed.name)
        )
        result = []
        for f in feeds:
            names = tuple(participants) if f.kind == "multi" else tuple(members[f.id])
            result.append(FeedView(f.id, f.name, f.kind, names,
                                   tuple(n for n in names if n in present)))
        return result

    def _messages(
        self, session: Session, case_id: int, feed_ids: set[int], since: int
    ) -> list[MessageView]:
        """New messages since a refresh, oldest first. When a case opens (``since`` 0) the feeds
        fetch their newest page themselves: a case may hold 100,000 messages."""
        if since == 0:
            return []
        return message_views(session, message_query().where(
            Message.case_id == case_id,
            Message.revision > since,
            Message.feed_id.in_(feed_ids),
        ).order_by(Message.created_at, Message.id))

    def _contacts(self, session: Session, case_id: int, since: int) -> list[ContactView]:
        contacts = [
            ContactView(c.id, "case" if c.case_id else "global", c.kind, c.name,
                        c.organisation_name, c.function, c.phone, c.email, c.revision)
            for c in session.scalars(
                select(Contact)
                .where(
                    or_(Contact.case_id == case_id, Contact.case_id.is_(None)),
                    Contact.revision > since,
                )
                .order_by(Contact.name)
            )
        ]
        return contacts

    def _people(self, session: Session, case: Case) -> list[ContactView]:
        """Who is in the case now (participants, with their crisis role) and the users with
        access who are not participating (invited, or of an organisation a public case is
        shared with), with the contacts (DOMAIN.md, Anchors and contacts). Ids are negated user
        ids so they never collide with a contact's."""
        rows = session.execute(
            select(CaseUser, User.display_name, User.coordinator_label, Organisation.name)
            .join(User, User.id == CaseUser.user_id)
            .outerjoin(Organisation, Organisation.id == CaseUser.organisation_id)
            .where(CaseUser.case_id == case.id, User.active))
        admins = org_admins(session)

        def _labelled(user_id: int, name: str, label: str | None) -> str:
            return user_label(name, label, user_id in admins)

        people: dict[int, ContactView] = {}
        invited: set[int] = set()
        temporary: set[int] = set()
        now = datetime.now(UTC)
        for case_user, name, label, org in rows:
            if not case_user.grants_access(case.status == "open", now):
                continue  # a temporary access that ended
            if case_user.temporary:
                temporary.add(case_user.user_id)
            if case_user.participating:
                people[case_user.user_id] = ContactView(
                    -case_user.user_id, "participant", "person",
                    _labelled(case_user.user_id, name, label),
                    org or "", case_user.crisis_role or "", "", "", case_user.revision)
            elif case_user.invited:
                invited.add(case_user.user_id)
        with_access: dict[int, tuple[str, str | None, str]] = {}
        if invited:
            for user_id, name, label in session.execute(
                    select(User.id, User.display_name, User.coordinator_label)
                    .where(User.id.in_(invited), User.active)):
                with_access[user_id] = (name, label, _("tijdelijke toegang") if user_id in
                                        temporary else _("uitgenodigd"))
        if case.access == CaseAccess.PUBLIC:
            shared = select(CaseShare.organisation_id).where(CaseShare.case_id == case.id)
            for user_id, name, label, org in session.execute(
                    select(User.id, User.display_name, User.coordinator_label, Organisation.name)
                    .join(Membership, Membership.user_id == User.id)
                    .join(Organisation, Organisation.id == Membership.organisation_id)
                    .where(Membership.organisation_id.in_(shared), User.active)
                    .order_by(Organisation.name)):
                with_access.setdefault(user_id, (name, label, org))
        for user_id, (name, label, org) in with_access.items():
            if user_id not in people:
                people[user_id] = ContactView(-user_id, "access", "person",
                                              _labelled(user_id, name, label), org,
                                              _("toegang, neemt niet deel"), "", "", 0)
        return sorted(people.values(), key=lambda p: (p.scope, p.name))

    def _layers(
        self, session: Session, case_id: int, user_id: int, feed_ids: set[int]
    ) -> list[LayerView]:
        shares: dict[int, list[int]] = defaultdict(list)
        feed_names = dict(session.execute(select(Feed.id, Feed.name).where(Feed.case_id == case_id)).all())
        layers = session.execute(
            select(Layer, User.display_name)
            .join(User, User.id == Layer.owner_id)
            .where(Layer.case_id == case_id)
            .order_by(Layer.name)
        ).all()
        layer_ids = [layer.id for layer, _ in layers]
        for layer_id, feed_id in session.execute(
            select(LayerShare.layer_id, LayerShare.feed_id).where(LayerShare.layer_id.in_(layer_ids))
        ):
            shares[layer_id].append(feed_id)
        ticks: dict[int, tuple[bool, float | None]] = {
            row.layer_id: (row.visible, row.opacity)
            for row in session.execute(
                select(LayerVisibility.layer_id, LayerVisibility.visible, LayerVisibility.opacity)
                .where(LayerVisibility.user_id == user_id, LayerVisibility.layer_id.in_(layer_ids))
            )
        }
        data_revisions = dict(session.execute(
            select(LayerData.layer_id, LayerData.revision).where(LayerData.layer_id.in_(layer_ids))
        ).all())
        result = []
        for layer, owner in layers:
            if not can_see_layer(layer.owner_id, user_id, shares[layer.id], feed_ids):
                continue
            # Own layers start ticked; layers others share wait for the user's tick.
            visible, opacity = ticks.get(layer.id, (layer.owner_id == user_id, None))
            result.append(
                LayerView(
                    layer.id, layer.name, layer.description, layer.feature_count,
                    layer.source_file, layer.source_format, owner,
                    tuple(sorted(feed_names[f] for f in shares[layer.id])),
                    json.loads(layer.style_json or "{}"), _bbox(layer), bool(visible),
                    layer.revision, layer.owner_id, 1.0 if opacity is None else float(opacity),
                    data_revisions.get(layer.id, 0), Service.from_json(layer.service_json),
                )
            )
        return result

    def _jurisdictions(self, session: Session) -> list[JurisdictionView]:
        return [
            JurisdictionView(o.id, o.name, o.kind, json.loads(o.jurisdiction_geojson or "null"))
            for o in session.scalars(
                select(Organisation)
                .where(
                    Organisation.jurisdiction_geojson.is_not(None),
                    Organisation.kind.in_(
                        [OrganisationKind.MUNICIPALITY.value, OrganisationKind.PROVINCE.value]
                    ),
                )
                .order_by(Organisation.name)
            )
        ]
