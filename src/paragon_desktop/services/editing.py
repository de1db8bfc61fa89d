"""Anchors and a user's layer ticks (messages: services.feeds)."""

from __future__ import annotations

import json
from typing import Any

from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from paragon_desktop.domain.access import can_edit_case
from paragon_desktop.domain.anchors import (
    AnchorCategory,
    AnchorDraft,
    category_of,
    validate_anchor,
)
from paragon_desktop.domain.errors import AccessDenied, NotAvailable
from paragon_desktop.gis.geometry import anchor_shape, bbox_of
from paragon_desktop.services import audit
from paragon_desktop.services.access import visible_case
from paragon_desktop.services.events import CaseEvents
from paragon_desktop.services.layers import personal_view
from paragon_desktop.services.once import exactly_once
from paragon_desktop.services.views import UserView
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import Anchor, Layer
from paragon_desktop.storage.revisions import remove

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
        category: AnchorCategory | str = AnchorCategory.OTHER,
        description: str = "",
        op_id: str | None = None,
    ) -> int:
        """Add an anchor to a case (agents and coordinators, open cases). A resend of the same
        ``op_id`` returns the anchor stored the first time."""
        draft = validate_anchor(AnchorDraft(name, _category(category), description))
        shape = anchor_shape(geometry)

        def write(session: Session) -> int:
            _writable_case(session, user, case_id)
            anchor = Anchor(case_id=case_id, name=draft.name, category=draft.category.value,
                            description=draft.description)
            _set_geometry(anchor, geometry, shape)
            session.add(anchor)
            session.flush()
            audit.record(session, "anchor.added", user_id=user.id, case_id=case_id,
                         name=draft.name, category=draft.category.value)
            return anchor.id

        outcome = exactly_once(self._db, op_id, user.id, ADD_ANCHOR, write)
        if not outcome.replayed:
            self.events.case_changed(case_id)
        return outcome.result_id

    def edit_anchor(
        self,
        user: UserView,
        anchor_id: int,
        draft: AnchorDraft | None = None,
        geometry: dict[str, Any] | None = None,
    ) -> None:
        """Rename, recategorise, describe, move or reshape a case's anchor; what changed goes
        to the audit trail. Saving what is already stored changes nothing."""
        clean = validate_anchor(draft) if draft is not None else None
        shape = anchor_shape(geometry) if geometry is not None else None
        with self._db.sessions.begin() as session:
            anchor = _case_anchor(session, user, anchor_id)
            before = _facts(anchor)
            if clean is not None:
                anchor.name, anchor.category = clean.name, clean.category.value
                anchor.description = clean.description
            if geometry is not None and shape is not None:
                _set_geometry(anchor, geometry, shape)
            after = _facts(anchor)
            changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
            if not changes:
                return
            if "geometry" in changes:
                changes["geometry"] = [None, None]  # "moved or reshaped", not the coordinates
            audit.record(session, "anchor.edited", user_id=user.id, case_id=anchor.case_id,
                         name=anchor.name, changes=changes)
            case_id = anchor.case_id
        assert case_id is not None
        self.events.case_changed(case_id)

    def remove_anchor(self, user: UserView, anchor_id: int) -> None:
        """Delete a case's anchor (the dialog asked first); the audit trail keeps its name."""
        with self._db.sessions.begin() as session:
            anchor = _case_anchor(session, user, anchor_id)
            case_id, name = anchor.case_id, anchor.name
            remove(session, anchor)
            audit.record(session, "anchor.removed", user_id=user.id, case_id=case_id, name=name)
        assert case_id is not None
        self.events.case_changed(case_id)

    def set_layer_visible(self, user: UserView, layer_id: int, visible: bool) -> None:
        """Keep the user's tick for a layer; it survives refreshes and restarts."""
        with self._db.sessions.begin() as session:
            layer = session.get(Layer, layer_id)
            if layer is None:
                return
            visible_case(session, user.id, layer.case_id)
            personal_view(session, layer, user.id).visible = visible


def _category(value: AnchorCategory | str) -> AnchorCategory:
    return value if isinstance(value, AnchorCategory) else category_of(value)


def _writable_case(session: Session, user: UserView, case_id: int) -> None:
    case = visible_case(session, user.id, case_id)
    if not can_edit_case(user.access_level, case.status == "open"):
        raise AccessDenied("You cannot change the anchors of this case: your access is read-only "
                           "or the case is closed.")


def _case_anchor(session: Session, user: UserView, anchor_id: int) -> Anchor:
    """A case's anchor this user may change (an organisation's own anchors are not edited from
    a case)."""
    anchor = session.get(Anchor, anchor_id)
    if anchor is None or anchor.case_id is None:
        raise NotAvailable("This anchor no longer exists, or is not yours to see.")
    _writable_case(session, user, anchor.case_id)
    return anchor


def _set_geometry(anchor: Anchor, geometry: dict[str, Any], shape: BaseGeometry) -> None:
    anchor.geometry_geojson = json.dumps(geometry, separators=(",", ":"))
    anchor.min_lon, anchor.min_lat, anchor.max_lon, anchor.max_lat = bbox_of(shape)


def _facts(anchor: Anchor) -> dict[str, Any]:
    return {"name": anchor.name, "category": anchor.category, "description": anchor.description,
            "geometry": anchor.geometry_geojson}
