"""Anchors and a user's layer ticks (messages: services.feeds)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from paragon_desktop.domain.access import can_edit_case
from paragon_desktop.domain.errors import AccessDenied, ValidationError
from paragon_desktop.gis.geometry import bbox_of, from_geojson
from paragon_desktop.services import audit
from paragon_desktop.services.access import visible_case
from paragon_desktop.services.events import CaseEvents
from paragon_desktop.services.layers import personal_view
from paragon_desktop.services.once import exactly_once
from paragon_desktop.services.views import UserView
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import Anchor, Layer

ADD_ANCHOR = "anchor.add"


class EditingService:
    def __init__(self, db: Database, events: CaseEvents) -> None:
        self._db = db
        self.events = events

    def add_anchor(
        self,
        user: UserView,
        case_id: int,
        name: str,
        geometry: dict[str, Any],
        *,
        category: str = "",
        description: str = "",
        op_id: str | None = None,
    ) -> int:
        """Add an anchor to a case (agents and coordinators, open cases). A resend of the same
        ``op_id`` returns the anchor stored the first time."""
        if not name.strip():
            raise ValidationError("An anchor needs a name.", fields=("name",))
        shape = from_geojson(geometry)
        if shape.is_empty or not shape.is_valid:
            raise ValidationError("The geometry of anchor “{name}” is empty or invalid.",
                                  name=name)

        def write(session: Session) -> int:
            case = visible_case(session, user.id, case_id)
            if not can_edit_case(user.access_level, case.status == "open"):
                raise AccessDenied("You cannot add anchors to this case: your access is read-only "
                                   "or the case is closed.")
            min_lon, min_lat, max_lon, max_lat = bbox_of(shape)
            anchor = Anchor(
                case_id=case_id, name=name.strip(), category=category, description=description,
                geometry_geojson=json.dumps(geometry, separators=(",", ":")),
                min_lon=min_lon, min_lat=min_lat, max_lon=max_lon, max_lat=max_lat,
            )
            session.add(anchor)
            session.flush()
            audit.record(session, "anchor.added", user_id=user.id, case_id=case_id, name=name)
            return anchor.id

        outcome = exactly_once(self._db, op_id, user.id, ADD_ANCHOR, write)
        if not outcome.replayed:
            self.events.case_changed(case_id)
        return outcome.result_id

    def set_layer_visible(self, user: UserView, layer_id: int, visible: bool) -> None:
        """Keep the user's tick for a layer; it survives refreshes and restarts."""
        with self._db.sessions.begin() as session:
            layer = session.get(Layer, layer_id)
            if layer is None:
                return
            visible_case(session, user.id, layer.case_id)
            personal_view(session, layer, user.id).visible = visible
