"""Who a case is shared with: organisations (by territory or invited) and users invited one by
one (DOMAIN.md, Cases: access). Coordinators invite and remove; every change is audited."""

from __future__ import annotations

from sqlalchemy import or_, select

from paragon_desktop.domain.access import CaseAction
from paragon_desktop.domain.enums import CaseAccess, ShareReason
from paragon_desktop.domain.errors import NotFound, ValidationError
from paragon_desktop.i18n import error_text
from paragon_desktop.services import audit
from paragon_desktop.services.access import visible_case, visible_case_ids
from paragon_desktop.services.case_admin import Outcome, case_for, role_in_case
from paragon_desktop.services.cases import org_admins, summary_of, user_label
from paragon_desktop.services.events import CaseEvents
from paragon_desktop.services.places import organisations_by_user, share_views
from paragon_desktop.services.views import CaseUserView, SharingView, UserView
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import CaseShare, CaseUser, Feed, FeedMember, Organisation, User
from paragon_desktop.storage.revisions import remove


class SharingService:
    def __init__(self, db: Database, events: CaseEvents) -> None:
        self._db = db
        self.events = events

    def sharing(self, user: UserView, case_id: int) -> SharingView:
        """The organisations the case is shared with (and why) and the users invited or taking part."""
        with self._db.sessions() as session:
            visible_case(session, user.id, case_id)
            shares = {s.organisation_id: ShareReason(s.reason) for s in session.scalars(
                select(CaseShare).where(CaseShare.case_id == case_id))}
            orgs_of = organisations_by_user(session)
            admins = org_admins(session)
            users = [
                CaseUserView(cu.user_id, user_label(name, label, cu.user_id in admins),
                             orgs_of.get(cu.user_id, ""), cu.invited, cu.participating,
                             cu.crisis_role)
                for cu, name, label in session.execute(
                    select(CaseUser, User.display_name, User.coordinator_label)
                    .join(User, User.id == CaseUser.user_id)
                    .where(CaseUser.case_id == case_id,
                           or_(CaseUser.invited.is_(True), CaseUser.participating.is_(True)))
                    .order_by(User.display_name)
                )
            ]
            return SharingView(share_views(session, shares), users)

    def invite_user(self, user: UserView, case_id: int, invitee_id: int) -> Outcome:
        """Invite a user (e.g. an expert) into the case; they see it from now on."""
        with self._db.sessions.begin() as session:
            case = case_for(session, user, case_id, CaseAction.INVITE)
            invitee = session.get(User, invitee_id)
            if invitee is None or not invitee.active:
                raise NotFound("That user does not exist or is no longer active.")
            row = session.scalars(select(CaseUser).where(
                CaseUser.case_id == case_id, CaseUser.user_id == invitee_id)).first()
            if row is not None and row.invited:
                return Outcome(summary_of(session, case),
                               (error_text("{name} is already invited.").format(
                                   name=invitee.display_name),))
            if row is None:
                session.add(CaseUser(case_id=case_id, user_id=invitee_id, invited=True))
            else:
                row.invited = True
            audit.record(session, "case.user_invited", user_id=user.id, case_id=case_id,
                         crisis_role=role_in_case(session, case_id, user.id), invitee=invitee.display_name)
            summary = summary_of(session, case)
        self.events.case_changed(case_id)
        return Outcome(summary)

    def remove_user(self, user: UserView, case_id: int, removed_id: int) -> Outcome:
        """Take a user's invitation and participation (and feed memberships) away."""
        notes: list[str] = []
        with self._db.sessions.begin() as session:
            case = case_for(session, user, case_id, CaseAction.REMOVE)
            row = session.scalars(select(CaseUser).where(
                CaseUser.case_id == case_id, CaseUser.user_id == removed_id)).first()
            removed = session.get(User, removed_id)
            if row is None or removed is None or not (row.invited or row.participating):
                raise NotFound("That user is not invited to or taking part in this case.")
            row.invited = False
            row.participating = False
            for member in list(session.scalars(
                select(FeedMember).join(Feed, Feed.id == FeedMember.feed_id)
                .where(Feed.case_id == case_id, FeedMember.user_id == removed_id)
            )):
                remove(session, member)
            audit.record(session, "case.user_removed", user_id=user.id, case_id=case_id,
                         crisis_role=role_in_case(session, case_id, user.id), removed=removed.display_name)
            session.flush()
            if case.id in visible_case_ids(session, removed_id):
                notes.append(error_text(
                    "{name} still sees the case through an organisation it is shared with; remove "
                    "that organisation to take the access away.").format(name=removed.display_name))
            summary = summary_of(session, case)
        self.events.case_changed(case_id)
        return Outcome(summary, tuple(notes))

    def invite_organisation(self, user: UserView, case_id: int, organisation_id: int) -> Outcome:
        with self._db.sessions.begin() as session:
            case = case_for(session, user, case_id, CaseAction.INVITE)
            if case.access == CaseAccess.PRIVATE.value:
                raise ValidationError(
                    "In a private case every user is invited individually; invite the people of "
                    "that organisation who need access, or make the case public.")
            org = session.get(Organisation, organisation_id)
            if org is None:
                raise NotFound("That organisation does not exist.")
            existing = session.scalars(select(CaseShare).where(
                CaseShare.case_id == case_id, CaseShare.organisation_id == organisation_id)).first()
            if existing is not None:
                return Outcome(summary_of(session, case),
                               (error_text("The case is already shared with {organisation} "
                                           "({reason}).").format(organisation=org.name,
                                                                 reason=existing.reason),))
            session.add(CaseShare(case_id=case_id, organisation_id=organisation_id,
                                  reason=ShareReason.INVITED.value))
            audit.record(session, "case.organisation_invited", user_id=user.id, case_id=case_id,
                         crisis_role=role_in_case(session, case_id, user.id), organisation=org.name)
            summary = summary_of(session, case)
        self.events.case_changed(case_id)
        return Outcome(summary)

    def remove_organisation(self, user: UserView, case_id: int, organisation_id: int) -> Outcome:
        with self._db.sessions.begin() as session:
            case = case_for(session, user, case_id, CaseAction.REMOVE)
            share = session.scalars(select(CaseShare).where(
                CaseShare.case_id == case_id, CaseShare.organisation_id == organisation_id)).first()
            org = session.get(Organisation, organisation_id)
            if share is None or org is None:
                raise NotFound("The case is not shared with that organisation.")
            remove(session, share)
            audit.record(session, "case.organisation_removed", user_id=user.id, case_id=case_id,
                         crisis_role=role_in_case(session, case_id, user.id), organisation=org.name,
                         reason=share.reason)
            summary = summary_of(session, case)
        self.events.case_changed(case_id)
        return Outcome(summary)
