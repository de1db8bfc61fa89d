"""Feeds: writing messages (tags, answers, corrections, #FeedName copies, SITREP documents),
reading them a page at a time with filters, and acknowledging Important pop-ups."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, exists, func, literal, select, tuple_
from sqlalchemy.orm import Session, aliased

from paragon_desktop.domain.access import can_write_messages
from paragon_desktop.domain.enums import FeedKind, MessageTag
from paragon_desktop.domain.errors import AccessDenied, NotAvailable, NotFound, ValidationError
from paragon_desktop.domain.feeds import (
    FeedFilter,
    MessageDraft,
    check_attachment,
    parse_feed_references,
    validate_message,
)
from paragon_desktop.i18n import error_text
from paragon_desktop.services.access import (
    case_feeds,
    crisis_role,
    visible_case,
    visible_feed_ids,
)
from paragon_desktop.services.events import CaseEvents
from paragon_desktop.services.once import exactly_once, stored
from paragon_desktop.services.views import MessageView, UserView
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import (
    Acknowledgement,
    Attachment,
    Case,
    Feed,
    Message,
    Organisation,
    User,
)
from paragon_desktop.storage.revisions import write_time

PAGE_SIZE = 100
Rows = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class PostResult:
    message_id: int
    copied_to: tuple[str, ...]  # feeds the message was copied to with #FeedName
    replayed: bool = False  # this operation id was stored before: nothing new was stored


POST = "message.post"


@dataclass(frozen=True)
class FeedFacets:
    """Who wrote in a feed, for its filter lists."""

    authors: tuple[tuple[int, str], ...]
    organisations: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class AttachmentData:
    file_name: str
    media_type: str
    data: bytes


# -- reading messages: one query shape for pages, refreshes and exports ---------------------------
_Original = aliased(Message)
_SourceFeed = aliased(Feed)
_Other = aliased(Message)
_THREAD = func.coalesce(Message.copy_of_id, Message.id)


def message_query() -> Rows:
    """Messages with what the feed shows about them: author, organisation, the feed a copy came
    from and the SITREP document."""
    query: Rows = (
        select(Message, User.display_name, Organisation.name, _SourceFeed.name,
               Attachment.file_name, Attachment.size)
        .join(User, User.id == Message.author_id)
        .outerjoin(Organisation, Organisation.id == Message.organisation_id)
        .outerjoin(_Original, _Original.id == Message.copy_of_id)
        .outerjoin(_SourceFeed, _SourceFeed.id == _Original.feed_id)
        .outerjoin(Attachment, Attachment.message_id == _THREAD)
    )
    return query


def _linked_threads(session: Session, column: Any, threads: list[int]) -> set[int]:
    """Which of these threads some message answers (or corrects). Asked separately, by index,
    for just the rows read: as a subquery, PostgreSQL hashed all 100,000 messages per page."""
    found: set[int] = set()
    for start in range(0, len(threads), 5000):
        chunk = threads[start:start + 5000]
        found.update(session.scalars(select(column).where(column.in_(chunk)).distinct()))
    return found


def message_views(session: Session, query: Rows) -> list[MessageView]:
    rows = session.execute(query).all()
    threads = sorted({m.copy_of_id or m.id for m, *_ in rows})
    answered = _linked_threads(session, Message.answers_id, threads)
    corrected = _linked_threads(session, Message.corrects_id, threads)
    return [
        MessageView(
            m.id, m.feed_id, author, m.crisis_role, org or "", m.created_at, m.text,
            tuple(m.tags.split()), m.revision, m.author_id, m.organisation_id,
            m.copy_of_id or m.id, m.answers_id, m.corrects_id, source or "", file_name or "",
            size or 0, (m.copy_of_id or m.id) in answered, (m.copy_of_id or m.id) in corrected)
        for m, author, org, source, file_name, size in rows
    ]


def _has_tag(tag: str) -> Any:
    return (literal(" ") + Message.tags + literal(" ")).like(f"% {tag} %")


def _filtered(query: Rows, flt: FeedFilter) -> Rows:
    needle = " ".join(flt.text.split())
    if needle:
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Message.text.ilike(f"%{escaped}%", escape="\\"))
    if flt.tag is not None:
        query = query.where(_has_tag(flt.tag.value))
    if flt.author_id is not None:
        query = query.where(Message.author_id == flt.author_id)
    if flt.organisation_id is not None:
        query = query.where(Message.organisation_id == flt.organisation_id)
    if flt.open_questions:
        query = query.where(_has_tag(MessageTag.QUESTION.value),
                            ~exists().where(_Other.answers_id == _THREAD))
    return query


class FeedService:
    def __init__(self, db: Database, events: CaseEvents) -> None:
        self._db = db
        self.events = events

    # -- writing ------------------------------------------------------------------------------
    def post(
        self,
        user: UserView,
        feed_id: int,
        text: str,
        tags: Iterable[MessageTag | str] = (),
        *,
        answers_id: int | None = None,
        corrects_id: int | None = None,
        attachment: tuple[str, bytes] | None = None,
        at: datetime | None = None,
        op_id: str | None = None,
    ) -> PostResult:
        """Write a message in the user's crisis role. ``#FeedName`` in the text copies it to that
        feed; an Answer links to its question, a correction to the message it corrects (history
        is never edited). Refused as a whole, with the reason, when any part is not allowed.

        ``op_id`` (a UUID the client made for this message) makes a resend safe: a message
        stored before under the same id is not stored again (``PostResult.replayed``)."""
        written: list[tuple[PostResult, int]] = []

        def write(session: Session) -> int:
            written.append(self._write_message(session, user, feed_id, text, tags, answers_id,
                                               corrects_id, attachment, at))
            return written[-1][0].message_id

        outcome = exactly_once(self._db, op_id, user.id, POST, write)
        if outcome.replayed:
            return PostResult(outcome.result_id, (), replayed=True)
        result, case_id = written[-1]
        self.events.case_changed(case_id)
        return result

    def stored_message(self, user: UserView, op_id: str) -> int | None:
        """The message stored under this operation id, if it was (a draft or outbox item that
        reached the server before the client knew)."""
        with self._db.sessions() as session:
            op = stored(session, op_id, user.id, POST)
            return op.result_id if op is not None else None

    def _write_message(self, session: Session, user: UserView, feed_id: int, text: str,
                       tags: Iterable[MessageTag | str], answers_id: int | None,
                       corrects_id: int | None, attachment: tuple[str, bytes] | None,
                       at: datetime | None) -> tuple[PostResult, int]:
        tag_set = frozenset(MessageTag(t) for t in tags)
        text = text.strip()
        feed = session.get(Feed, feed_id)
        if feed is None:
            raise NotFound("That feed no longer exists; refresh with F5.")
        case = visible_case(session, user.id, feed.case_id)
        if not can_write_messages(user.access_level, case.status == "open"):
            reason = (error_text("the case is closed") if case.status != "open"
                      else error_text("your case access is read-only"))
            raise AccessDenied("You cannot write in this case: {reason}.",
                               reason=reason)
        feeds = case_feeds(session, case.id)
        visible = visible_feed_ids(session, case.id, user.id, feeds)
        if feed.id not in visible:
            raise AccessDenied("You are not a member of feed “{name}”.",
                               name=feed.name)
        role = crisis_role(session, case.id, user.id)
        targets = self._copy_targets(feeds, feed, text, visible)
        answered = self._linked(session, case, visible, answers_id, "answer")
        corrected = self._linked(session, case, visible, corrects_id, "correct")
        media_type = check_attachment(*attachment) if attachment else None
        validate_message(MessageDraft(
            text, tag_set, tuple(answered.tags.split()) if answered else None,
            attachment[0] if attachment else None))
        when = at or write_time(session)
        fields = dict(
            case_id=case.id, author_id=user.id, organisation_id=role.organisation_id,
            crisis_role=role.crisis_role, created_at=when, text=text,
            tags=" ".join(t.value for t in MessageTag if t in tag_set),
            answers_id=(answered.copy_of_id or answered.id) if answered else None,
            corrects_id=(corrected.copy_of_id or corrected.id) if corrected else None,
        )
        message = Message(feed_id=feed.id, **fields)
        session.add(message)
        session.flush()
        if attachment and media_type:
            session.add(Attachment(message_id=message.id, file_name=attachment[0][:255],
                                   media_type=media_type, size=len(attachment[1]),
                                   data=attachment[1]))
        for target in targets:
            session.add(Message(feed_id=target.id, copy_of_id=message.id, **fields))
        return PostResult(message.id, tuple(t.name for t in targets)), case.id

    @staticmethod
    def _copy_targets(case_feeds: list[Feed], feed: Feed, text: str,
                      visible: set[int]) -> list[Feed]:
        feeds = {f.name: f for f in case_feeds}
        refs = parse_feed_references(text, feeds)
        if refs.unknown:
            mine = sorted(f.name for f in feeds.values() if f.id in visible)
            raise ValidationError(
                "This case has no feed named {names}: nothing was sent. Your feeds: {feeds}.",
                names=", ".join(refs.unknown), feeds=", ".join("#" + n for n in mine),
                fields=("text",))
        targets = [feeds[name] for name in refs.feeds if feeds[name].id != feed.id]
        refused = [f.name for f in targets if f.id not in visible]
        if refused:
            raise AccessDenied(
                "You are not a member of feed {feeds}, so you cannot copy to it: nothing was sent. "
                "Remove the #-name, or ask a member of that feed to pass it on.",
                feeds=", ".join(f"“{n}”" for n in refused))
        return targets

    def _linked(self, session: Session, case: Case, visible: set[int], message_id: int | None,
                what: str) -> Message | None:
        if message_id is None:
            return None
        target = session.get(Message, message_id)
        if target is None or target.case_id != case.id or target.feed_id not in visible:
            if what == "answer":
                raise ValidationError("The message to answer is not in a feed of this case you "
                                      "can read.", fields=("answers",))
            raise ValidationError("The message to correct is not in a feed of this case you can "
                                  "read.", fields=("corrects",))
        return target

    def acknowledge(self, user: UserView, message_id: int) -> None:
        """Record that the user saw an Important message of the Multi feed (its pop-up)."""
        with self._db.sessions.begin() as session:
            message = session.get(Message, message_id)
            if message is None:
                raise NotFound("That message no longer exists.")
            visible_case(session, user.id, message.case_id)
            if message.feed_id not in visible_feed_ids(session, message.case_id, user.id):
                raise AccessDenied("You cannot read that feed.")
            seen = session.scalar(select(Acknowledgement.id).where(
                Acknowledgement.message_id == message_id, Acknowledgement.user_id == user.id))
            if seen is None:
                session.add(Acknowledgement(message_id=message_id, user_id=user.id,
                                            at=datetime.now(UTC)))
        # No case event: an acknowledgement changes nothing an open window shows (the pop-up is
        # closed by the caller; "Gezien door" is read when asked), so no window need refresh.

    # -- reading ------------------------------------------------------------------------------
    def page(self, user: UserView, feed_id: int, flt: FeedFilter | None = None, *,
             before: tuple[datetime, int] | None = None,
             limit: int | None = PAGE_SIZE) -> list[MessageView]:
        """Messages of a feed, newest first, older than ``before`` (a message's ``key``)."""
        with self._db.sessions() as session:
            self._readable_feed(session, user, feed_id)
            query = _filtered(message_query().where(Message.feed_id == feed_id), flt or FeedFilter())
            if before is not None:
                query = query.where(tuple_(Message.created_at, Message.id) < tuple_(*before))
            query = query.order_by(Message.created_at.desc(), Message.id.desc())
            if limit is not None:
                query = query.limit(limit)
            return message_views(session, query)

    def export_rows(self, user: UserView, feed_id: int,
                    flt: FeedFilter | None = None) -> list[MessageView]:
        """Everything of a feed (as filtered), oldest first, for the CSV and PDF log."""
        return list(reversed(self.page(user, feed_id, flt, limit=None)))

    def facets(self, user: UserView, feed_id: int) -> FeedFacets:
        with self._db.sessions() as session:
            self._readable_feed(session, user, feed_id)
            authors = session.execute(
                select(User.id, User.display_name).where(User.id.in_(
                    select(Message.author_id).where(Message.feed_id == feed_id).distinct()))
                .order_by(User.display_name)).all()
            organisations = session.execute(
                select(Organisation.id, Organisation.name).where(Organisation.id.in_(
                    select(Message.organisation_id).where(Message.feed_id == feed_id).distinct()))
                .order_by(Organisation.name)).all()
            return FeedFacets(tuple((a, n) for a, n in authors),
                              tuple((o, n) for o, n in organisations))

    def pending_important(self, user: UserView, case_id: int) -> list[MessageView]:
        """Important messages of the Multi feed others wrote that this user has not
        acknowledged, oldest first: their pop-ups stay until acknowledged."""
        with self._db.sessions() as session:
            case = visible_case(session, user.id, case_id)
            if case.status != "open":
                return []
            multi = select(Feed.id).where(Feed.case_id == case_id,
                                          Feed.kind == FeedKind.MULTI.value)
            seen = exists().where(Acknowledgement.message_id == Message.id,
                                  Acknowledgement.user_id == user.id)
            query = message_query().where(
                Message.feed_id.in_(multi), Message.author_id != user.id,
                _has_tag(MessageTag.IMPORTANT.value), ~seen,
            ).order_by(Message.created_at, Message.id)
            return message_views(session, query)

    def acknowledged_by(self, user: UserView, message_id: int) -> list[tuple[str, datetime]]:
        with self._db.sessions() as session:
            message = self._readable_message(session, user, message_id)
            return [(name, at) for name, at in session.execute(
                select(User.display_name, Acknowledgement.at)
                .join(User, User.id == Acknowledgement.user_id)
                .where(Acknowledgement.message_id == message.id)
                .order_by(Acknowledgement.at))]

    def attachment(self, user: UserView, message_id: int) -> AttachmentData:
        with self._db.sessions() as session:
            message = self._readable_message(session, user, message_id)
            row = session.scalar(select(Attachment).where(
                Attachment.message_id == (message.copy_of_id or message.id)))
            if row is None:
                raise NotFound("This message has no attached document.")
            return AttachmentData(row.file_name, row.media_type, bytes(row.data))

    def _readable_feed(self, session: Session, user: UserView, feed_id: int) -> Feed:
        feed = session.get(Feed, feed_id)
        if feed is None:
            raise NotFound("That feed no longer exists; refresh with F5.")
        visible_case(session, user.id, feed.case_id)
        if feed.id not in visible_feed_ids(session, feed.case_id, user.id):
            raise AccessDenied("You are not a member of feed “{name}”.",
                               name=feed.name)
        return feed

    def _readable_message(self, session: Session, user: UserView, message_id: int) -> Message:
        message = session.get(Message, message_id)
        if message is None:
            raise NotAvailable(
                "That message is not available to you: it does not exist, or it is in a feed "
                "you are not a member of.")
        self._readable_feed(session, user, message.feed_id)
        return message

