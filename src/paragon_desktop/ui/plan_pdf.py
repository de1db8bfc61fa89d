"""A printable summary of an emergency plan (§3.5: keep a paper backup): its title, kind,
status, organisation, key anchor, who made, changed and approved it and when, its documents with
their checksums, its elements and its history. Text from users is escaped (never markup)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from paragon_desktop.i18n import _, when
from paragon_desktop.services.plans import PlanView
from paragon_desktop.ui.docks.plans import ELEMENT_KINDS, HISTORY


def summary_html(plan: PlanView) -> str:
    s = plan.summary
    rows = [(_("Soort"), s.kind.label), (_("Status"), s.status.label),
            (_("Verantwoordelijke organisatie"), s.organisation),
            (_("Sleutelanker"), s.key_anchor)]
    if plan.created_at:
        rows.append((_("Aangemaakt"), f"{when(plan.created_at)} · {plan.created_by}"))
    rows.append((_("Laatst bijgewerkt"), f"{when(s.updated_at)} · {plan.updated_by}"))
    if plan.approved_at:
        rows.append((_("Goedgekeurd"), f"{when(plan.approved_at)} · {plan.approved_by}"))
    parts = [f"<h1>{escape(s.title)}</h1>", "<table cellpadding='3'>"]
    parts += [f"<tr><td><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>" for k, v in rows]
    parts.append("</table>")
    parts.append(f"<h2>{escape(_('Documenten'))}</h2><ul>")
    for d in plan.documents:
        kind = _("Goedkeuringsbrief") if d.kind == "letter" else _("Plan")
        parts.append(f"<li>{escape(d.filename)} ({escape(kind)}), {escape(when(d.uploaded_at))}, "
                     f"{escape(d.uploaded_by)}, {d.size:,} B<br/>"
                     f"<small>SHA-256 {escape(d.sha256)}</small></li>")
    parts.append("</ul>")
    parts.append(f"<h2>{escape(_('Elementen'))}</h2><ul>")
    parts += [f"<li>{escape(_(ELEMENT_KINDS[e.kind]))}: {escape(e.label)}</li>"
              for e in plan.elements] or [f"<li>{escape(_('(geen)'))}</li>"]
    parts.append("</ul>")
    parts.append(f"<h2>{escape(_('Geschiedenis'))}</h2><ul>")
    parts += [f"<li>{escape(when(h.at))}: {escape(_(HISTORY.get(h.action, h.action)))} "
              f"({escape(h.user)})</li>" for h in plan.history]
    parts.append("</ul>")
    return "".join(parts)


def write_summary(plan: PlanView, path: Path) -> Path:
    writer = QPdfWriter(str(path))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait, QMarginsF(15, 15, 15, 15),
                                     QPageLayout.Unit.Millimeter))
    writer.setTitle(plan.summary.title)
    document = QTextDocument()
    document.setHtml(summary_html(plan))
    document.print_(writer)
    return path
