"""Map layers: adding them from files, sharing personally or through feeds, managing, exporting.

DOMAIN.md (Map): layers are uploaded in a case and shared through a feed (Multi for everyone,
or specific feeds), or kept personal; showing a layer is each user's own choice.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from paragon_desktop.domain.access import can_add_layer, can_manage_layer, can_write_messages
from paragon_desktop.domain.enums import AccessLevel
from paragon_desktop.domain.errors import AccessDenied, NotFound, ValidationError
from paragon_desktop.gis.export import ExportLayer
from paragon_desktop.gis.layers import LayerRead
from paragon_desktop.gis.ows import DATA_KINDS, Service, check_service
from paragon_desktop.i18n import E_, error_text
from paragon_desktop.services import audit
from paragon_desktop.services.access import crisis_role, visible_case, visible_feed_ids
from paragon_desktop.services.events import CaseEvents
from paragon_desktop.services.once import exactly_once
from paragon_desktop.services.views import UserView
from paragon_desktop.storage import layer_text
from paragon_desktop.storage.db import Database
from paragon_desktop.storage.models import (
    Feed,
    Layer,
    LayerData,
    LayerShare,
    LayerVisibility,
    Message,
)
from paragon_desktop.storage.revisions import remove

NAME_MAX = 200
ADD_LAYER = "layer.add"


def store_layer(
    session: Session,
    *,
    case_id: int,
    owner_id: int,
    name: str,
    read: LayerRead,
    source_name: str,
    description: str = "",
    feed_ids: Iterable[int] = (),
    style: dict[str, Any] | None = None,
    service: Service | None = None,
) -> Layer:
    """Store a layer and its features in the session; no feeds means personal to its owner."""
    layer = Layer(
        service_json=service.to_json() if service is not None else None,
        case_id=case_id,
        owner_id=owner_id,
        name=name,
        description=description,
        source_file=source_name,
        source_format=read.source_format,
        source_crs=read.source_crs,
        feature_count=read.feature_count,
        style_json=json.dumps(style or {}),
        created_at=datetime.now(UTC),
    )
    if read.bbox is not None:
        layer.min_lon, layer.min_lat, layer.max_lon, layer.max_lat = read.bbox
    session.add(layer)
    session.flush()
    layer_text.add(session, layer.id, read.geojson if read.utf8 is None else None, read.utf8)
    for feed_id in dict.fromkeys(feed_ids):
        session.add(LayerShare(layer_id=layer.id, feed_id=feed_id))
    audit.record(
        session, "layer.added", user_id=owner_id, case_id=case_id, name=name,
        source=source_name, features=read.feature_count,
        # Names, as the audit trail shows them to people (ids told a reader nothing).
        feeds=sorted(session.scalars(select(Feed.name).where(Feed.id.in_(set(feed_ids))))),
    )
    return layer


def personal_view(session: Session, layer: Layer, user_id: int) -> LayerVisibility:
    """The user's own row for a layer (tick and opacity), made on first use: own layers start
    ticked, layers others share wait for the user's tick."""
    row = session.execute(
        select(LayerVisibility).where(
            LayerVisibility.layer_id == layer.id, LayerVisibility.user_id == user_id)
    ).scalar_one_or_none()
    if row is None:
        row = LayerVisibility(layer_id=layer.id, user_id=user_id, visible=layer.owner_id == user_id)
        session.add(row)
    return row


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("A layer needs a name.", fields=("name",))
    if len(name) > NAME_MAX:
        raise ValidationError("A layer name has at most {name_max} characters.",
                              name_max=NAME_MAX, fields=("name",))
    return name


_MANAGE_REFUSED = {
    "rename": E_("You cannot rename layer “{name}”: {reason}."),
    "describe": E_("You cannot change the description of layer “{name}”: {reason}."),
    "remove": E_("You cannot remove layer “{name}”: {reason}."),
}

class LayerService:
    def __init__(self, db: Database, events: CaseEvents) -> None:
        self._db = db
        self.events = events

    # -- adding ---------------------------------------------------------------------------------
    def fill_features(self) -> int:
        """On the shared server: fill the QGIS feature table for the layers imports queued
        (migration 0017; the import itself does not wait for it). Returns how many layers."""
        if self._db.engine.dialect.name != "postgresql":
            return 0
        with self._db.sessions.begin() as session:
            return int(session.execute(text("SELECT paragon_fill_layer_features()")).scalar()
                       or 0)

    def add_layer(
        self,
        user: UserView,
        case_id: int,
        read: LayerRead,
        *,
        name: str,
        source_name: str,
        description: str = "",
        feed_ids: Collection[int] = (),
        announce_in: int | None = None,
        style: dict[str, Any] | None = None,
        op_id: str | None = None,
    ) -> int:
        """Add a layer read from a file. No feeds: personal. ``announce_in``: a feed in which a
        message announces the layer, with the layer attached (the composer's way of adding).
        Nothing is written when any check fails. A resend of the same ``op_id`` returns the
        layer stored the first time."""
        name = _clean_name(name)
        outcome = exactly_once(
            self._db, op_id, user.id, ADD_LAYER,
            lambda session: self._add_layer(session, user, case_id, read, name, source_name,
                                            description, feed_ids, announce_in, style))
        if not outcome.replayed:
            self.events.case_changed(case_id)
        return outcome.result_id

    def add_service_layer(
        self,
        user: UserView,
        case_id: int,
        service: Service,
        *,
        name: str,
        read: LayerRead | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        description: str = "",
        feed_ids: Collection[int] = (),
        op_id: str | None = None,
    ) -> int:
        """Add a layer from a partner's map service: an image layer (WMS, WMTS) stores only
        the service; a data layer (WFS, OGC API Features) stores the features read at adding,
        which everyone sees even offline, and each viewer's map refreshes them live."""
        name = _clean_name(name)
        check_service(service)
        if service.kind in DATA_KINDS and read is None:
            raise ValidationError("A data layer is added with its features.")
        if read is None:
            read = LayerRead('{"type":"FeatureCollection","features":[]}', 0, bbox,
                             "EPSG:4326", service.kind.upper())
        stored = read
        outcome = exactly_once(
            self._db, op_id, user.id, ADD_LAYER,
            lambda session: self._add_layer(session, user, case_id, stored, name, service.url[:300],
                                            description, feed_ids, None, None, service))
        if not outcome.replayed:
            self.events.case_changed(case_id)
        return outcome.result_id

    def _add_layer(self, session: Session, user: UserView, case_id: int, read: LayerRead,
                   name: str, source_name: str, description: str, feed_ids: Collection[int],
                   announce_in: int | None, style: dict[str, Any] | None,
                   service: Service | None = None) -> int:
        case = visible_case(session, user.id, case_id)
        is_open = case.status == "open"
        if not can_add_layer(user.access_level, is_open):
            reason = (error_text("the case is closed") if not is_open
                      else error_text("your access is read-only"))
            raise AccessDenied("You cannot add layers to this case: {reason}.",
                               reason=reason)
        feeds = set(feed_ids) | ({announce_in} if announce_in is not None else set())
        allowed = visible_feed_ids(session, case_id, user.id)
        names = dict(session.execute(select(Feed.id, Feed.name).where(Feed.id.in_(feeds))).all())
        for feed_id in feeds:
            if feed_id not in names:
                raise ValidationError("That feed no longer exists; refresh with F5.", fields=("feeds",))
            if feed_id not in allowed:
                raise AccessDenied(
                    "You cannot share in feed “{feed}”: you are not a member of it.",
                    feed=names[feed_id])
        layer = store_layer(
            session, case_id=case_id, owner_id=user.id, name=name, read=read,
            source_name=source_name, description=description.strip(), feed_ids=feeds,
            style=style, service=service,
        )
        # The owner sees what they just added.
        session.add(LayerVisibility(layer_id=layer.id, user_id=user.id, visible=True))
        if announce_in is not None:
            self._announce(session, user, case_id, announce_in, layer)
        return layer.id

    @staticmethod
    def _announce(session: Session, user: UserView, case_id: int, feed_id: int, layer: Layer) -> None:
        role = crisis_role(session, case_id, user.id)
        if not can_write_messages(user.access_level, True):
            raise AccessDenied("You cannot write in this case: your access is read-only.")
        text = f"Kaartlaag toegevoegd: {layer.name} ({layer.feature_count} objecten)"
        if layer.description:
            text += f"\n{layer.description}"
        session.add(Message(
            case_id=case_id, feed_id=feed_id, author_id=user.id,
            organisation_id=role.organisation_id, crisis_role=role.crisis_role,
            created_at=datetime.now(UTC), text=text, tags="", layer_id=layer.id,
        ))

    # -- managing -------------------------------------------------------------------------------
    # One sentence per action: a verb put into a sentence cannot be translated.
    def _managed(self, session: Session, user: UserView, layer_id: int, action: str) -> Layer:
        layer = self._visible_layer(session, user, layer_id)
        case = visible_case(session, user.id, layer.case_id)
        if not can_manage_layer(layer.owner_id, user.id, user.access_level, case.status == "open"):
            if case.status != "open":
                reason = error_text("the case is closed")
            elif user.access_level is AccessLevel.READ_ONLY:
                reason = error_text("your access is read-only")
            else:
                reason = error_text("only its owner or a coordinator may")
            raise AccessDenied(_MANAGE_REFUSED[action], name=layer.name, reason=reason)
        return layer

    @staticmethod
    def _visible_layer(session: Session, user: UserView, layer_id: int) -> Layer:
        layer = session.get(Layer, layer_id)
        if layer is None:
            raise NotFound("That layer no longer exists; refresh with F5.")
        visible_case(session, user.id, layer.case_id)
        shares = list(session.scalars(select(LayerShare.feed_id).where(LayerShare.layer_id == layer_id)))
        feeds = visible_feed_ids(session, layer.case_id, user.id)
        if layer.owner_id != user.id and not any(f in feeds for f in shares):
            raise NotFound("That layer no longer exists; refresh with F5.")
        return layer

    def rename_layer(self, user: UserView, layer_id: int, name: str) -> None:
        name = _clean_name(name)
        with self._db.sessions.begin() as session:
            layer = self._managed(session, user, layer_id, "rename")
            old, layer.name = layer.name, name
            audit.record(session, "layer.renamed", user_id=user.id, case_id=layer.case_id,
                         layer=layer_id, old=old, new=name)
            case_id = layer.case_id
        self.events.case_changed(case_id)

    def set_description(self, user: UserView, layer_id: int, description: str) -> None:
        with self._db.sessions.begin() as session:
            layer = self._managed(session, user, layer_id, "describe")
            layer.description = description.strip()
            audit.record(session, "layer.described", user_id=user.id, case_id=layer.case_id,
                         layer=layer_id, description=layer.description)
            case_id = layer.case_id
        self.events.case_changed(case_id)

    def remove_layer(self, user: UserView, layer_id: int) -> None:
        """Remove a layer for everyone; messages that announced it keep their text."""
        with self._db.sessions.begin() as session:
            layer = self._managed(session, user, layer_id, "remove")
            case_id, name = layer.case_id, layer.name
            for message in session.scalars(select(Message).where(Message.layer_id == layer_id)):
                message.layer_id = None
            # Its data, shares and everyone's ticks go with it (ON DELETE CASCADE): under
            # row-level security the remover sees neither other users' ticks nor shares in
            # feeds they are not in, and removing the shares first would hide the layer itself.
            remove(session, layer)
            audit.record(session, "layer.removed", user_id=user.id, case_id=case_id,
                         layer=layer_id, name=name)
        self.events.case_changed(case_id)

    def set_opacity(self, user: UserView, layer_id: int, opacity: float) -> None:
        """The user's own opacity for a layer (like the tick, personal and kept)."""
        opacity = min(1.0, max(0.1, float(opacity)))
        with self._db.sessions.begin() as session:
            layer = self._visible_layer(session, user, layer_id)
            personal_view(session, layer, user.id).opacity = opacity

    # -- reading out ----------------------------------------------------------------------------
    def data_revision(self, layer_id: int) -> int:
        """The revision of a layer's features (what the map compares to know it has them)."""
        with self._db.sessions() as session:
            return int(session.scalar(
                select(LayerData.revision).where(LayerData.layer_id == layer_id)) or 0)

    def layers_for_export(self, user: UserView, layer_ids: Collection[int]) -> list[ExportLayer]:
        """The data of layers the user may see, in the order asked."""
        result = []
        with self._db.sessions() as session:
            for layer_id in layer_ids:
                layer = self._visible_layer(session, user, layer_id)
                text = session.scalar(select(LayerData.geojson).where(LayerData.layer_id == layer_id))
                result.append(ExportLayer(
                    layer.name, text or '{"type":"FeatureCollection","features":[]}',
                    layer.description, json.loads(layer.style_json or "{}")))
        return result

    def find_layer(self, user: UserView, case_id: int, name: str) -> int:
        """A visible layer of the case by name (case-insensitive), for the command line."""
        with self._db.sessions() as session:
            visible_case(session, user.id, case_id)
            candidates = session.execute(
                select(Layer.id, Layer.name).where(Layer.case_id == case_id)
            ).all()
            for layer_id, layer_name in candidates:
                if layer_name.casefold() == name.casefold():
                    try:
                        self._visible_layer(session, user, layer_id)
                    except NotFound:
                        continue
                    return int(layer_id)
        raise NotFound("No layer called “{name}” that you may see in this case.",
                       name=name)

    def feed_ids_by_name(self, user: UserView, case_id: int, names: Iterable[str]) -> list[int]:
        """Feed ids for names (case-insensitive) among the feeds the user sees."""
        with self._db.sessions() as session:
            visible_case(session, user.id, case_id)
            allowed = visible_feed_ids(session, case_id, user.id)
            feeds = session.execute(select(Feed.id, Feed.name).where(Feed.case_id == case_id)).all()
            by_name = {n.casefold(): i for i, n in feeds if i in allowed}
            result = []
            for name in names:
                if name.casefold() not in by_name:
                    known = ", ".join(sorted(n for i, n in feeds if i in allowed))
                    raise NotFound("No feed “{name}” that you are in; your feeds: {known}.",
                                   name=name, known=known)
                result.append(by_name[name.casefold()])
            return result
