"""The write side used so far: messages, anchors and a user's layer ticks."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from paragon_desktop.domain.access import can_edit_case, can_write_messages
from paragon_desktop.domain.enums import MessageTag
from paragon_desktop.domain.errors import AccessDenied, ValidationError
from paragon_desktop.gis.geometry import bbox_of, from_geojson
from paragon_desktop.services import audit
from paragon_desktop.services.access import crisis_role, visible_case, visible_feed_ids
from paragon_desktop.services.events import CaseEvents
from paragon_desktop.services.layers import personal_view
from paragon_desktop.services.views import UserView
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import Anchor, Feed, Layer, Message


class EditingService:
    def __init__(self, db: Database, events: CaseEvents | None = None) -> None:
        self._db = db
        self.events = events or CaseEvents()

    def post_message(
        self,
        user: UserView,
        feed_id: int,
        text: str,
        tags: Iterable[MessageTag] = (),
        *,
        at: datetime | None = None,
    ) -> int:
        """Write a message in the user's crisis role for this case. Returns its id."""
        text = text.strip()
        if not text:
            raise ValidationError("The message is empty: type something before sending.", ("text",))
        with self._db.sessions.begin() as session:
            feed = session.get(Feed, feed_id)
            if feed is None:
                raise ValidationError("That feed no longer exists; refresh with F5.")
            case = visible_case(session, user.id, feed.case_id)
            if not can_write_messages(user.access_level, case.status == "open"):
                reason = "the case is closed" if case.status != "open" else "your access is read-only"
                raise AccessDenied(f"You cannot write in this case: {reason}.")
            if feed.id not in visible_feed_ids(session, case.id, user.id):
                raise AccessDenied(f"You are not a member of feed “{feed.name}”.")
            role = crisis_role(session, case.id, user.id)
            message = Message(
                case_id=case.id,
                feed_id=feed.id,
                author_id=user.id,
                organisation_id=role.organisation_id,
                crisis_role=role.crisis_role,
                created_at=at or datetime.now(UTC),
                text=text,
                tags=" ".join(MessageTag(t).value for t in tags),
            )
            session.add(message)
            session.flush()
            message_id = message.id
            case_id = case.id
        self.events.case_changed(case_id)
        return message_id

    def add_anchor(
        self,
        user: UserView,
        case_id: int,
        name: str,
        geometry: dict[str, Any],
        *,
        category: str = "",
        description: str = "",
    ) -> int:
        if not name.strip():
            raise ValidationError("An anchor needs a name.", ("name",))
        shape = from_geojson(geometry)
        if shape.is_empty or not shape.is_valid:
            raise ValidationError(f"The geometry of anchor “{name}” is empty or invalid.")
        with self._db.sessions.begin() as session:
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
            anchor_id = anchor.id
        self.events.case_changed(case_id)
        return anchor_id

    def set_layer_visible(self, user: UserView, layer_id: int, visible: bool) -> None:
        """Keep the user's tick for a layer; it survives refreshes and restarts."""
        with self._db.sessions.begin() as session:
            layer = session.get(Layer, layer_id)
            if layer is None:
                return
            visible_case(session, user.id, layer.case_id)
            personal_view(session, layer, user.id).visible = visible
