"""The operations Python sends to the map page, named once on this side.

The page (``resources/map/paragon-map.js``) names them once on its side, as the keys of its
``handlers``; a test asks the page for those keys and checks they are exactly these. The bridge
refuses to send a name that is not here, and the page reports a name it has no handler for
(``MapBridge.sig_unknown_op``) instead of dropping it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Op(StrEnum):
    BACKGROUND = "background"
    BASEMAPS = "basemaps"
    BORDERS = "borders"
    ANCHOR_UPSERT = "anchor.upsert"
    ANCHOR_REMOVE = "anchor.remove"
    LAYER_UPSERT = "layer.upsert"
    LAYER_VISIBLE = "layer.visible"
    LAYER_OPACITY = "layer.opacity"
    LAYER_REMOVE = "layer.remove"
    LAYER_ORDER = "layer.order"
    LAYER_LABELS = "layer.labels"
    LAYER_DATA = "layer.data"
    LOCATION_SHOW = "location.show"
    PICK_START = "pick.start"
    PICK_FINISH = "pick.finish"
    PICK_STOP = "pick.stop"
    PICK_ADD = "pick.add"
    EDIT_START = "edit.start"
    EDIT_FINISH = "edit.finish"
    EDIT_STOP = "edit.stop"
    MEASURE_CLEAR = "measure.clear"
    MARKER_SHOW = "marker.show"
    LEGEND_SHOW = "legend.show"
    FIT = "fit"
    FLY = "fly"


def op(name: Op, **fields: Any) -> dict[str, Any]:
    """One operation for ``MapBridge.send``."""
    return {"op": name, **fields}
