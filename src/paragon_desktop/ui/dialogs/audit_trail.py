"""The audit trail of a case, for its coordinators: who did what, when, in which crisis role."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.domain.anchors import AnchorCategory
from paragon_desktop.domain.enums import CaseCategory
from paragon_desktop.domain.feeds import role_label
from paragon_desktop.i18n import N_, _, when
from paragon_desktop.services.views import AuditEntry

ACTIONS = {
    "case.started": N_("Case gestart"),
    "case.edited": N_("Case-informatie aangepast"),
    "case.closed": N_("Case afgesloten"),
    "case.reopened": N_("Case heropend"),
    "case.opened": N_("Case geopend in crisisrol"),
    "case.left": N_("Case verlaten"),
    "case.user_invited": N_("Gebruiker uitgenodigd"),
    "case.user_removed": N_("Gebruiker verwijderd"),
    "case.organisation_invited": N_("Organisatie uitgenodigd"),
    "case.organisation_removed": N_("Organisatie verwijderd"),
    "layer.added": N_("Laag toegevoegd"),
    "layer.renamed": N_("Laag hernoemd"),
    "layer.described": N_("Beschrijving van een laag gewijzigd"),
    "layer.removed": N_("Laag verwijderd"),
    "anchor.added": N_("Anker toegevoegd"),
    "anchor.edited": N_("Anker gewijzigd"),
    "anchor.removed": N_("Anker verwijderd"),
}
# The case's fields as a user knows them from the form.
FIELDS = {
    "name": N_("naam"), "category": N_("categorie"), "access": N_("toegang"), "type": N_("type"),
    "location_name": N_("locatie"), "location": N_("locatie"), "occurred_at": N_("datum en tijd"),
    "phase": N_("fase"), "astrid_block": N_("Astrid-blokindex"), "description": N_("beschrijving"),
    "name_suffix": N_("naamtoevoeging"),
}
REASONS = {"competent": N_("bevoegd"), "neighbour": N_("buur"), "invited": N_("uitgenodigd"),
           "plan": N_("noodplan")}
# Details that are bookkeeping, not something a reader needs.
_HIDDEN = {"location_kind", "layer"}


def _value(field: str, value: Any) -> str:
    """A stored value as a person reads it: labels for Paragon's own codes, Belgian time."""
    if value in (None, ""):
        return _("(leeg)")
    if field == "category":
        if value in set(AnchorCategory):
            return AnchorCategory(value).label
        try:
            return CaseCategory(value).label
        except ValueError:
            return str(value)
    if field == "access":
        return {"public": _("publiek"), "private": _("privé")}.get(value, str(value))
    if field == "phase":
        return _(str(value))
    if field == "occurred_at":
        try:
            return when(datetime.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def describe(entry: AuditEntry) -> str:
    """What happened, as sentences with names (plain text in a table cell, never markup)."""
    details = {k: v for k, v in entry.details.items() if k not in _HIDDEN}
    parts = []
    changes = details.pop("changes", None) or {}
    for field, change in changes.items():
        label = _(FIELDS.get(field, field))
        if field == "location" and change == "moved":
            parts.append(_("locatie verplaatst"))
        elif field == "geometry":  # an anchor's shape: where it went is on the map
            parts.append(_("verplaatst of van vorm veranderd"))
        elif isinstance(change, list) and len(change) == 2:
            parts.append(_("{field}: {old} → {new}").format(
                field=label, old=_value(field, change[0]), new=_value(field, change[1])))
        else:
            parts.append(f"{label}: {_value(field, change)}")
    shared = details.pop("shared_with", None)
    if isinstance(shared, dict) and shared:
        parts.append(_("gedeeld met {organisations}").format(organisations=", ".join(
            f"{name} ({_(REASONS.get(str(why), str(why)))})" for name, why in shared.items())))
    elif isinstance(shared, list) and shared:
        parts.append(_("nu ook gedeeld met {organisations}").format(
            organisations=", ".join(map(str, shared))))
    unshared = details.pop("unshared", None)
    if unshared:
        parts.append(_("niet langer gedeeld met {organisations}").format(
            organisations=", ".join(map(str, unshared))))
    sentences = {
        "old": _("oude naam: {value}"), "new": _("nieuwe naam: {value}"),
        "released_astrid_block": _("Astrid-blokindex {value} vrijgegeven"),
        "cleared_astrid_block": _("Astrid-blokindex {value} gewist (in gebruik door een andere "
                                  "case)"),
        "crisis_cell": _("crisiscel {value}"), "feeds": _("feeds: {value}"),
        "source": _("uit {value}"), "features": _("{value} objecten"),
        "reason": _("reden: {value}"),
    }
    for key, value in details.items():
        if value in (None, "", [], {}):
            continue
        if key == "reason":
            value = _(REASONS.get(str(value), str(value)))
        if key in ("invitee", "removed", "organisation", "name"):  # who or what: the name
            parts.append(str(value))
        elif key in sentences:
            parts.append(sentences[key].format(value=_value(key, value)))
        elif key in FIELDS:
            parts.append(f"{_(FIELDS[key])}: {_value(key, value)}")
        else:  # a detail this version does not know (a newer app or the server wrote it)
            text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) \
                else str(value)
            parts.append(f"{key}: {text}")
    return "; ".join(parts)


class AuditTrailDialog(QDialog):
    def __init__(self, entries: list[AuditEntry], title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Audit-trail - {case}").format(case=title))
        self.resize(980, 480)
        self.table = QTableWidget(len(entries), 5)
        self.table.setHorizontalHeaderLabels(
            [_("Tijd"), _("Gebruiker"), _("Crisisrol"), _("Actie"), _("Wat")])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        for row, entry in enumerate(entries):
            values = (when(entry.at, "dd/MM/yyyy HH:mm:ss"), entry.user,
                      role_label(entry.crisis_role), _(ACTIONS.get(entry.action, entry.action)),
                      describe(entry))
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                self.table.setItem(row, column, item)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
