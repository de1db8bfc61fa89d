"""A feed as a printable PDF log: time, author, crisis role, organisation, tags and text.

Drawn by Qt's text layout into a QPdfWriter; every value from users is escaped first.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from paragon_desktop.domain.feeds import FeedFilter, role_label
from paragon_desktop.i18n import _, when
from paragon_desktop.services.feed_export import local_time, tag_labels
from paragon_desktop.services.views import MessageView
from paragon_desktop.ui.models.messages import notes


def describe_filter(flt: FeedFilter) -> str:
    parts = []
    if flt.text.strip():
        parts.append(_("tekst “{text}”").format(text=flt.text.strip()))
    if flt.tag:
        parts.append(_("tag {tag}").format(tag=flt.tag.label))
    if flt.author_id:
        parts.append(_("één auteur"))
    if flt.organisation_id:
        parts.append(_("één organisatie"))
    if flt.open_questions:
        parts.append(_("open vragen"))
    return ", ".join(parts)


def log_html(messages: Sequence[MessageView], title: str, flt: FeedFilter) -> str:
    e = html.escape
    made = when(datetime.now(UTC))
    head = [f"<h2>{e(title)}</h2>",
            "<p>" + e(_("Logboek, {count} berichten, opgemaakt {moment} (tijden: Brussel).")
                      .format(count=len(messages), moment=made))]
    if not flt.is_empty:
        head.append("<br>" + e(_("Filter: {filter}").format(filter=describe_filter(flt))))
    head.append("</p>")
    headers = (_("Tijd"), _("Auteur"), _("Crisisrol"), _("Organisatie"), _("Tags"), _("Bericht"))
    rows = ["<table width='100%' border='1' cellspacing='0' cellpadding='3'>",
            "<tr>" + "".join(f"<th>{e(h)}</th>" for h in headers) + "</tr>"]
    for m in messages:
        extra = notes(m)
        text = e(m.text).replace("\n", "<br>")
        if extra:
            text += "<br><i>" + e(" · ".join(extra)) + "</i>"
        rows.append(
            f"<tr><td>{e(local_time(m))}</td><td>{e(m.author)}</td><td>{e(role_label(m.crisis_role))}</td>"
            f"<td>{e(m.organisation)}</td><td>{e(tag_labels(m))}</td><td>{text}</td></tr>")
    rows.append("</table>")
    return "".join(head + rows)


def write_pdf(messages: Sequence[MessageView], path: Path, title: str, flt: FeedFilter) -> int:
    """Write the log as an A4 landscape PDF; returns how many messages it holds."""
    document = QTextDocument()
    document.setDefaultStyleSheet("body { font-size: 9pt; } th { background: #dee2e6; }")
    document.setHtml(log_html(messages, title, flt))
    tmp = path.with_name(path.name + ".part")
    writer = QPdfWriter(str(tmp))
    writer.setTitle(title)
    writer.setCreator("Paragon Desktop")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Landscape,
                                     QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    writer.setResolution(96)
    rect = writer.pageLayout().paintRectPixels(writer.resolution())
    document.setPageSize(QSizeF(rect.width(), rect.height()))
    document.print_(writer)
    del writer  # finishes the file
    tmp.replace(path)
    return len(messages)
