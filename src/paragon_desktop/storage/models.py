"""The schema, one for SQLite and PostgreSQL.

Every row a client shows carries a ``revision``: the number of the transaction that last wrote
it (see ``storage.revisions``). A refresh asks for rows with a revision above the last one it saw,
so it moves only what changed. Rows that can disappear leave a ``Tombstone`` behind.

Geometries are GeoJSON text in EPSG:4326 with a bounding box beside them, so SQLite needs no
native extension; the PostgreSQL issue swaps the text for PostGIS geometry columns.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend.

    SQLite has no time zones: without this, 09:02 Brussels time would come back as a naive 09:02
    and a message written at 09:02 UTC would show an hour off.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give every stored time a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


Base.metadata.naming_convention = NAMING


class Revisioned:
    """Mixin: the revision of the transaction that last inserted or updated the row."""

    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=0, index=True)


class BBox:
    min_lon: Mapped[float | None] = mapped_column(Float)
    min_lat: Mapped[float | None] = mapped_column(Float)
    max_lon: Mapped[float | None] = mapped_column(Float)
    max_lat: Mapped[float | None] = mapped_column(Float)


class RevisionCounter(Base):
    """One row. Writers bump it inside their transaction, which also orders them."""

    __tablename__ = "revision_counter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Tombstone(Base):
    __tablename__ = "tombstones"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_name: Mapped[str] = mapped_column(String(64), nullable=False)
    row_id: Mapped[int] = mapped_column(Integer, nullable=False)
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    revision: Mapped[int] = mapped_column(Integer, nullable=False, index=True)


# Columns and tables only the PostgreSQL schema has, kept by triggers from what the app writes on
# both backends (migration 0003). The ORM does not map them.
# Migration 0005 adds the geometry columns a GIS analyst opens in QGIS (cases, anchors, and one
# row per feature of every layer in ``layer_features``).
# Migration 0006: the revision counter remembers which transaction took the current revision and
# when (``paragon_revision()``), so the server stamps one revision per transaction.
POSTGRESQL_ONLY_COLUMNS = {
    "revision_counter": {"txid", "at"},
    "organisations": {"jurisdiction_geom"},
    "cases": {"location_geom"},
    "anchors": {"geom"},
}
POSTGRESQL_ONLY_TABLES = {"jurisdiction_neighbours", "layer_features", "layer_features_pending",
                          "case_visibility", "feed_visibility"}


class Organisation(Revisioned, BBox, Base):
    __tablename__ = "organisations"
    __table_args__ = (Index("uq_organisations_code", "code", unique=True),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    # The official code of its area (Statbel's NIS code...), for loading boundary files again.
    code: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    discipline: Mapped[str | None] = mapped_column(String(4))
    jurisdiction_geojson: Mapped[str | None] = mapped_column(Text)
    # The organisation's own crisis roles, one per line (generic roles are added by the domain).
    crisis_roles: Mapped[str] = mapped_column(Text, nullable=False, default="")


class User(Revisioned, Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    # Deferred: on PostgreSQL the users' login roles may not read this column (they sign in
    # with their own database role), so an ordinary ``select(User)`` must not ask for it.
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False, deferred=True)
    case_access_level: Mapped[str] = mapped_column(String(16), nullable=False)
    coordinator_label: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # PostgreSQL: the user's own login role (row-level security knows the user by it).
    db_role: Mapped[str | None] = mapped_column(String(63), unique=True)


class Membership(Revisioned, Base):
    """A user in an organisation, with the management roles held there (space-separated)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id"), nullable=False, index=True
    )
    management_roles: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class AdminEvent(Base):
    """What an organisation admin did to a user's account (migration 0014); on PostgreSQL
    written by the server's admin functions only."""

    __tablename__ = "admin_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    target_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False,
                                                index=True)
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")


class Case(Revisioned, BBox, Base):
    __tablename__ = "cases"
    __table_args__ = (
        # An Astrid block index is reserved by one open case at a time (DOMAIN.md, Cases); the
        # service refuses with the holding case's name, the index stops two racing writers.
        Index(
            "uq_cases_open_astrid_block", "astrid_block", unique=True,
            sqlite_where=text("status = 'open' AND astrid_block IS NOT NULL"),
            postgresql_where=text("status = 'open' AND astrid_block IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    name_suffix: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    # The language the name is written in: the starter's (nl/fr/en); kept when the case is edited.
    name_language: Mapped[str] = mapped_column(String(2), nullable=False, default="nl",
                                               server_default="nl")
    category: Mapped[str] = mapped_column(String(16), nullable=False)
    access: Mapped[str] = mapped_column(String(16), nullable=False)
    case_type: Mapped[str] = mapped_column(String(100), nullable=False)
    location_name: Mapped[str] = mapped_column(String(200), nullable=False)
    location_geojson: Mapped[str] = mapped_column(Text, nullable=False)
    # How the location was chosen (domain.cases.LocationKind) and the anchor or organisation
    # it was taken from.
    location_kind: Mapped[str] = mapped_column(String(16), nullable=False, default="point")
    location_ref_id: Mapped[int | None] = mapped_column(Integer)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    phase: Mapped[str | None] = mapped_column(String(64))
    astrid_block: Mapped[str | None] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CasePlan(Revisioned, Base):
    """An emergency plan activated in a case: what it loaded are copies (the version of
    ``plan_version_at``); closing a case waits until every plan in it is deactivated."""

    __tablename__ = "case_plans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    activated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("emergency_plans.id"))
    plan_version_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    activated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class EmergencyPlan(Revisioned, Base):
    """An emergency plan (DOMAIN.md, Emergency plans; domain.plans). Drafts are seen only by
    the responsible organisation, approved plans by all (migration 0012)."""

    __tablename__ = "emergency_plans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id"), nullable=False, index=True)
    key_anchor_id: Mapped[int] = mapped_column(ForeignKey("anchors.id"), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="draft")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, server_default="anip")
    # The parts the title is built from (domain.plans.PlanName as JSON).
    name_json: Mapped[str] = mapped_column(Text, nullable=False, server_default="{}")
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Raised by every change of content (title, key anchor, document, elements).
    content_version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    changed_revision: Mapped[int | None] = mapped_column(Integer)
    # The plan manager marked the last change small: an approved plan stays approved.
    small_change: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=false())


class PlanDocument(Base):
    """A plan's PDF (kind "plan", in versions) or an approval letter (kind "letter")."""

    __tablename__ = "plan_documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("emergency_plans.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    filename: Mapped[str] = mapped_column(String(300), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, deferred=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)


class PlanElement(Base):
    """An anchor, contact or organisation a plan relies on; a removed one keeps its row."""

    __tablename__ = "plan_elements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("emergency_plans.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    ref_id: Mapped[int] = mapped_column(Integer, nullable=False)
    label: Mapped[str] = mapped_column(String(300), nullable=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PlanHistory(Base):
    """What happened to a plan (on PostgreSQL written by the server for every write)."""

    __tablename__ = "plan_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("emergency_plans.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    detail: Mapped[str] = mapped_column(Text, nullable=False, server_default="")


class CaseShare(Revisioned, Base):
    """An organisation a case is shared with, and why (competent / neighbour / invited)."""

    __tablename__ = "case_shares"
    __table_args__ = (UniqueConstraint("case_id", "organisation_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False, index=True)
    # Indexed: "which cases are shared with my organisations" decides visibility (and RLS).
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id"), nullable=False, index=True)
    reason: Mapped[str] = mapped_column(String(16), nullable=False)


class CaseUser(Revisioned, Base):
    """A user invited to a case and/or taking part in it, with the crisis role they chose."""

    __tablename__ = "case_users"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    invited: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    participating: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    crisis_role: Mapped[str | None] = mapped_column(String(100))
    crisis_cell: Mapped[str | None] = mapped_column(String(100))
    role_description: Mapped[str | None] = mapped_column(Text)
    # In the case now: entered (role chosen) and not left since.
    entered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Temporary access for an outside person, given by an organisation admin (migration 0015):
    # valid while the case is open and before ``access_until`` (NULL: until it closes).
    temporary: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                            server_default=false())
    access_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    granted_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def grants_access(self, case_open: bool, now: datetime) -> bool:
        """Whether this row lets its user in (DOMAIN.md: temporary access while a case runs)."""
        if not (self.invited or self.participating):
            return False
        if not self.temporary:
            return True
        return case_open and (self.access_until is None or self.access_until > now)


class Feed(Revisioned, Base):
    """A feed of a case. Besides Multi (everyone's), membership follows the crisis role:
    the ``cell`` chosen, the ``discipline`` of the organisation acted for, or a listed role."""

    __tablename__ = "feeds"
    __table_args__ = (UniqueConstraint("case_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    discipline: Mapped[str | None] = mapped_column(String(4))
    cell: Mapped[str | None] = mapped_column(String(100))
    # Newline-separated crisis roles that make their holder a member.
    roles: Mapped[str] = mapped_column(Text, nullable=False, default="")


class FeedMember(Revisioned, Base):
    __tablename__ = "feed_members"
    __table_args__ = (UniqueConstraint("feed_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)


class Message(Revisioned, Base):
    """A feed message. History is never edited: corrections are new, linked messages."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_case_revision", "case_id", "revision"),
        # A feed is read newest first, a page at a time.
        Index("ix_messages_feed_created", "feed_id", "created_at", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id"), nullable=False, index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    crisis_role: Mapped[str] = mapped_column(String(100), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    # Space-separated MessageTag values.
    tags: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    # Answers and corrections point to the message as written (the thread id: copy_of_id or id).
    answers_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    # A layer added from the composer is attached to the message that announces it.
    layer_id: Mapped[int | None] = mapped_column(ForeignKey("layers.id", ondelete="SET NULL"))
    # ``#FeedName`` copies: the copy in the other feed points to the message as written.
    copy_of_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)


class Attachment(Revisioned, Base):
    """The document of a SITREP message (PDF or text); copies share their original's."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), nullable=False, unique=True)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    media_type: Mapped[str] = mapped_column(String(64), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class Acknowledgement(Revisioned, Base):
    """Who saw an Important message of the Multi feed, and when (its pop-up was acknowledged)."""

    __tablename__ = "acknowledgements"
    __table_args__ = (UniqueConstraint("message_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class Anchor(Revisioned, BBox, Base):
    """A named location or contour. ``case_id`` NULL: an organisation's own anchor."""

    __tablename__ = "anchors"
    __table_args__ = (Index("ix_anchors_case_revision", "case_id", "revision"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    category: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    geometry_geojson: Mapped[str] = mapped_column(Text, nullable=False)


class Contact(Revisioned, Base):
    """A person or organisation. ``case_id`` NULL: the global directory."""

    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_case_revision", "case_id", "revision"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    organisation_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    function: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    email: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    address: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    language: Mapped[str] = mapped_column(String(2), nullable=False, default="nl",
                                          server_default="nl")
    # GDPR (domain.contacts.ConsentStatus); on PostgreSQL the dates are the server's.
    consent_status: Mapped[str] = mapped_column(String(16), nullable=False, default="unknown",
                                                server_default="unknown")
    consent_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ContactPersonal(Base):
    """A contact's personal data, only when the person wants it stored; read only by who needs
    it (migration 0013)."""

    __tablename__ = "contact_personal"
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"),
                                            primary_key=True)
    phone: Mapped[str] = mapped_column(String(64), nullable=False, default="", server_default="")
    email: Mapped[str] = mapped_column(String(200), nullable=False, default="", server_default="")
    address: Mapped[str] = mapped_column(String(300), nullable=False, default="",
                                         server_default="")


class ContactNotice(Base):
    """A GDPR mail owed to a contact (consent request, change notice) and how it was sent."""

    __tablename__ = "contact_notices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"),
                                            nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    recipient: Mapped[str] = mapped_column(String(200), nullable=False, default="",
                                           server_default="")
    language: Mapped[str] = mapped_column(String(2), nullable=False, default="nl",
                                          server_default="nl")
    changed: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    method: Mapped[str | None] = mapped_column(String(8))


class Layer(Revisioned, BBox, Base):
    """A map layer's metadata; its features live in ``LayerData`` so lists stay light."""

    __tablename__ = "layers"
    __table_args__ = (Index("ix_layers_case_revision", "case_id", "revision"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    source_file: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    source_format: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    source_crs: Mapped[str] = mapped_column(String(64), nullable=False, default="EPSG:4326")
    feature_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # JSON: default colour, weight, opacity for features without their own style.
    style_json: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # A partner's map service (gis.ows.Service as JSON; migration 0011); NULL: read from a file.
    service_json: Mapped[str | None] = mapped_column(Text, nullable=True)


class LayerData(Revisioned, Base):
    __tablename__ = "layer_data"
    layer_id: Mapped[int] = mapped_column(ForeignKey("layers.id", ondelete="CASCADE"),
                                          primary_key=True)
    # A GeoJSON FeatureCollection in EPSG:4326; per-feature styles in properties._style.
    geojson: Mapped[str] = mapped_column(Text, nullable=False)


class LayerShare(Revisioned, Base):
    """A layer shared through a feed. A layer with no share is personal to its owner."""

    __tablename__ = "layer_shares"
    __table_args__ = (UniqueConstraint("layer_id", "feed_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    layer_id: Mapped[int] = mapped_column(ForeignKey("layers.id", ondelete="CASCADE"),
                                          nullable=False, index=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id"), nullable=False, index=True)


class LayerVisibility(Revisioned, Base):
    """Showing a layer is personal (DOMAIN.md, Map): each user's tick, kept across restarts."""

    __tablename__ = "layer_visibility"
    __table_args__ = (UniqueConstraint("layer_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    layer_id: Mapped[int] = mapped_column(ForeignKey("layers.id", ondelete="CASCADE"),
                                          nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    visible: Mapped[bool] = mapped_column(Boolean, nullable=False)
    # The user's own opacity for the layer (0.1-1); NULL: as the layer comes.
    opacity: Mapped[float | None] = mapped_column(Float)


class AuditEvent(Revisioned, Base):
    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    crisis_role: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    details_json: Mapped[str] = mapped_column(Text, nullable=False, default="{}")


class ClientOp(Base):
    """A write a client made, by the id the client gave it (a UUID): a resend of the same id
    (after a cut connection, a crash or from the outbox) is answered "already stored" with the
    row it made, and never stored twice."""

    __tablename__ = "client_ops"
    op_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    result_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class WorkspaceInfo(Base):
    """Key/value facts about the database itself (e.g. that it holds the demo exercise)."""

    __tablename__ = "workspace_info"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)
