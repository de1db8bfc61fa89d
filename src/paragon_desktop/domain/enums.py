"""The closed vocabularies of the rule book. Values are stored in the database as-is."""

from __future__ import annotations

from enum import StrEnum

from paragon_desktop.i18n import N_, _


class CaseCategory(StrEnum):
    INCIDENT = "incident"
    EVENT = "event"
    EXERCISE = "exercise"

    @property
    def label(self) -> str:
        """In the current language."""
        return _(self.name_label)

    @property
    def name_label(self) -> str:
        """Dutch, the catalogues' msgid (a case name shows it in the starter's language)."""
        return {"incident": N_("Incident"), "event": N_("Evenement"),
                "exercise": N_("Oefening")}[self.value]


class CaseAccess(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class AccessLevel(StrEnum):
    """A user's case access level (DOMAIN.md, People and organisations)."""

    READ_ONLY = "read_only"
    AGENT = "agent"
    COORDINATOR = "coordinator"

    @property
    def label(self) -> str:
        return {
            "read_only": _("Alleen lezen"),
            "agent": _("Agent"),
            "coordinator": _("Coördinator"),
        }[self.value]


class ManagementRole(StrEnum):
    ORG_ADMIN = "org_admin"
    CONTACT_MANAGER = "contact_manager"
    PLAN_MANAGER = "plan_manager"


class OrganisationKind(StrEnum):
    MUNICIPALITY = "municipality"
    PROVINCE = "province"
    ZONE = "zone"  # an emergency (fire) zone, a police zone, a medical zone
    REGION = "region"
    COUNTRY = "country"
    FEDERAL = "federal"
    DISCIPLINE = "discipline"
    COMPANY = "company"
    NC112 = "nc112"


class FeedKind(StrEnum):
    MULTI = "multi"
    DISCIPLINE = "discipline"
    CELL = "cell"


class MessageTag(StrEnum):
    """Message types ("types invoer") of DOMAIN.md, Feeds."""

    IMPORTANT = "important"
    QUESTION = "question"
    ANSWER = "answer"
    DECISION = "decision"
    SITREP = "sitrep"

    @property
    def label(self) -> str:
        return {
            "important": _("Belangrijk"),
            "question": _("Vraag"),
            "answer": _("Antwoord"),
            "decision": _("Beslissing"),
            "sitrep": _("SITREP"),
        }[self.value]


class ContactKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class ShareReason(StrEnum):
    """Why an organisation sees a case (territorial sharing, DOMAIN.md Cases)."""

    COMPETENT = "competent"
    NEIGHBOUR = "neighbour"
    INVITED = "invited"
    PLAN = "plan"  # an organisation an activated emergency plan relies on


GENERIC_CRISIS_ROLES: tuple[str, ...] = ("observer", "expert", "representative")
