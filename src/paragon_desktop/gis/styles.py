"""OGR feature style strings (what GDAL reports for KML styles) to Leaflet path options."""

from __future__ import annotations

import re
from typing import Any

_TOOL = re.compile(r"(PEN|BRUSH|SYMBOL|LABEL)\(([^)]*)\)")
_PARAM = re.compile(r"(\w+):(\"[^\"]*\"|[^,]*)")
_COLOUR = re.compile(r"^#([0-9A-Fa-f]{6})([0-9A-Fa-f]{2})?$")


def _colour(value: str) -> tuple[str, float] | None:
    match = _COLOUR.match(value.strip())
    if not match:
        return None
    alpha = int(match.group(2), 16) / 255 if match.group(2) else 1.0
    return "#" + match.group(1).lower(), round(alpha, 3)


def _width(value: str) -> float | None:
    match = re.match(r"^\s*([0-9.]+)", value)
    return float(match.group(1)) if match else None


def ogr_style_to_leaflet(style: str | None) -> dict[str, Any]:
    """Translate e.g. ``PEN(c:#FF0000FF,w:3px);BRUSH(fc:#FF000040)`` to Leaflet options."""
    if not style:
        return {}
    result: dict[str, Any] = {}
    for tool, body in _TOOL.findall(style):
        params = dict(_PARAM.findall(body))
        if tool == "PEN":
            if (colour := _colour(params.get("c", ""))) is not None:
                result["color"], result["opacity"] = colour
            if (width := _width(params.get("w", ""))) is not None:
                result["weight"] = max(0.5, min(width, 20.0))
        elif tool == "BRUSH":
            if (colour := _colour(params.get("fc", ""))) is not None:
                result["fillColor"], result["fillOpacity"] = colour
        elif tool == "SYMBOL" and (colour := _colour(params.get("c", ""))) is not None:
            result["color"], result["opacity"] = colour
            result["fillColor"] = colour[0]
    return result
