"""Tooltips with text from users and files, shown as text.

Qt shows a tip that looks like HTML (a tag before the first line break) as rich text: a layer
called ``<b>x</b>`` showed in bold, an ``<img src=...>`` in a name would be loaded. A tip made
here is rich text on purpose, with every line escaped, so it always shows literally. (An
application-wide event filter that turned Qt's tip label into plain text crashed PySide: it
wraps every object that gets an event, also while it is destroyed.)
"""

from __future__ import annotations

import html


def plain_tip(text: str) -> str:
    """``text`` (lines separated by newlines) as a tooltip that shows exactly that text."""
    if not text:
        return ""
    return "<p>" + "<br>".join(html.escape(line) for line in text.split("\n")) + "</p>"
