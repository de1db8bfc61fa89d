"""Organisation admins (DOMAIN.md, People and organisations; original §2): who may link, unlink
and create users, give management roles and the case access level, and deactivate an account;
need to know; the warning when an organisation has fewer than two admins.

The shared server checks the same in its admin functions (migration 0014)."""

from __future__ import annotations

from collections.abc import Iterable

from paragon_desktop.domain.enums import AccessLevel, ManagementRole
from paragon_desktop.domain.errors import AccessDenied, ValidationError
from paragon_desktop.i18n import N_, _

LABEL_MAX = 100
NAME_MAX = 200
PASSWORD_MIN = 8
# An organisation should have at least this many admins (one absent, one to act).
MIN_ADMINS = 2
ROLE_LABELS = {
    ManagementRole.ORG_ADMIN: N_("Organisatiebeheerder"),
    ManagementRole.CONTACT_MANAGER: N_("Contactbeheerder"),
    ManagementRole.PLAN_MANAGER: N_("Noodplanbeheerder"),
}


def roles_of(text: str) -> frozenset[ManagementRole]:
    known = {r.value for r in ManagementRole}
    return frozenset(ManagementRole(r) for r in text.split() if r in known)


def roles_text(roles: Iterable[ManagementRole | str]) -> str:
    """Stored form: space-separated, in a fixed order."""
    chosen = {ManagementRole(r) for r in roles}
    return " ".join(r.value for r in ManagementRole if r in chosen)


def can_administer(management_roles: str) -> bool:
    """``management_roles``: the acting user's roles in that organisation."""
    return ManagementRole.ORG_ADMIN in roles_of(management_roles)


def check_admin(management_roles: str | None, organisation: str) -> None:
    if management_roles is None or not can_administer(management_roles):
        raise AccessDenied("Only an admin of {organisation} manages its users.",
                           organisation=organisation)


def check_level(level: AccessLevel | str, label: str | None) -> tuple[AccessLevel, str | None]:
    """The case access level, and the label a coordinator carries (DOMAIN.md: coordinators carry
    a label); other levels carry none."""
    try:
        chosen = AccessLevel(level)
    except ValueError:
        raise ValidationError("The case access level is read-only, agent or coordinator.",
                              fields=("level",)) from None
    clean = " ".join((label or "").split())
    if chosen is not AccessLevel.COORDINATOR:
        return chosen, None
    if not clean:
        raise ValidationError("A coordinator carries a label (e.g. Noodplanningscoördinator "
                              "Scheldemonde): give one.", fields=("label",))
    if len(clean) > LABEL_MAX:
        raise ValidationError("A label has at most {max} characters.", max=LABEL_MAX,
                              fields=("label",))
    return chosen, clean


def check_deactivation(actor_id: int, target_id: int) -> None:
    if actor_id == target_id:
        raise AccessDenied("You cannot deactivate your own account: ask another admin.")


def admins_warning(admin_names: list[str]) -> str | None:
    """Shown with an organisation's users when it has fewer than two admins."""
    if len(admin_names) >= MIN_ADMINS:
        return None
    if not admin_names:
        return _("Deze organisatie heeft geen beheerder meer: niemand kan nog gebruikers "
                 "koppelen of rollen geven. Duid er minstens twee aan.")
    return _("Deze organisatie heeft maar één beheerder ({name}): duid er een tweede aan, voor "
             "wanneer die afwezig is.").format(name=admin_names[0])


def check_new_user(display_name: str, password: str) -> str:
    name = " ".join(display_name.split())
    if not name or len(name) > NAME_MAX:
        raise ValidationError("Give the user's full name (at most {max} characters).",
                              max=NAME_MAX, fields=("display_name",))
    if len(password) < PASSWORD_MIN:
        raise ValidationError("The password must have at least 8 characters.",
                              fields=("password",))
    return name
