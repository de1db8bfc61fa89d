"""Partners' map services (OGC): WMS and WMTS images, WFS and OGC API Features data.

A service layer is stored with its case like a file layer (``layers.service_json``): what to
ask, where, and how often. ``discover`` asks a service what it offers (the capabilities,
parsed by OWSLib; OGC API Features answers JSON); ``fetch_features`` gets a data layer's
features as GeoJSON bytes, which the sandboxed layer reader then reads like a file.

Everything from a service is hostile until read safely: answers are size-capped and
time-limited, XML with a DOCTYPE (entity bombs, external entities) is refused before any parser
sees it, and tiles and features come only from the host the user typed (a capabilities document
pointing elsewhere is not followed): the network guard lets exactly that host through.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from paragon_desktop.domain.errors import ParagonError

KINDS = ("wms", "wmts", "wfs", "oapif")
IMAGE_KINDS = ("wms", "wmts")
DATA_KINDS = ("wfs", "oapif")
# Seconds between refreshes of a live layer; 0: as added. (A WMS map of live positions, a WFS of
# road closures.) Kept in the server's check too (migration 0011).
REFRESH_CHOICES = (0, 30, 60, 300, 900, 3600)
TIMEOUT_S = 20
MAX_CAPABILITIES = 10_000_000
MAX_FEATURES = 10_000  # asked per data layer
# GoogleMapsCompatible (EPSG:3857) scale denominator at zoom 0.
_Z0_SCALE = 559082264.0287178
_OGC_PARAMS = {"service", "request", "version", "acceptversions"}


class ServiceError(ParagonError):
    """A map service that cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class Service:
    """What a service layer asks, stored as JSON with the layer."""

    kind: str
    url: str  # the service's address as typed, without OGC request parameters
    layer: str  # WMS layer names (comma-separated), WMTS layer, WFS type name, OAPIF collection
    format: str = ""  # image format (WMS, WMTS)
    template: str = ""  # WMTS: tile address with {z}/{x}/{y}; {z} stands for matrix_ids[z]
    matrix_ids: tuple[str, ...] = ()  # WMTS: the tile matrix of each zoom ("" where none)
    attribution: str = ""
    refresh_s: int = 0

    @property
    def gives_images(self) -> bool:
        """WMS/WMTS: the page shows the service's images; no features are stored or sent."""
        return self.kind in IMAGE_KINDS

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    def to_json(self) -> str:
        data = asdict(self)
        data["matrix_ids"] = list(self.matrix_ids)
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None) -> Service | None:
        """The stored service, checked again (a row is data from a shared server)."""
        if not text:
            return None
        def typed(value: Any, kind: type) -> Any:
            if not isinstance(value, kind) or isinstance(value, bool):
                raise TypeError(value)
            return value

        try:
            raw = json.loads(text)
            return check_service(cls(
                kind=typed(raw["kind"], str), url=typed(raw["url"], str),
                layer=typed(raw["layer"], str), format=typed(raw.get("format", ""), str),
                template=typed(raw.get("template", ""), str),
                matrix_ids=tuple(typed(m, str) for m in typed(raw.get("matrix_ids", []), list)),
                attribution=typed(raw.get("attribution", ""), str),
                refresh_s=typed(raw["refresh_s"], int)))
        except (ValueError, KeyError, TypeError, AttributeError, ServiceError):
            return None

    def for_page(self) -> dict[str, Any]:
        """What the map page needs to draw an image layer (never a URL of another host)."""
        if self.kind == "wms":
            return {"kind": "wms", "url": self.url, "layers": self.layer,
                    "format": self.format or "image/png", "refresh": self.refresh_s,
                    "attribution": self.attribution}
        if self.kind == "wmts":
            return {"kind": "wmts", "template": self.template, "matrix": list(self.matrix_ids),
                    "refresh": self.refresh_s, "attribution": self.attribution}
        return {"kind": self.kind, "refresh": self.refresh_s, "attribution": self.attribution}


@dataclass(frozen=True)
class Offer:
    """One layer a service offers, ready to be stored as ``service``."""

    service: Service
    title: str
    bbox: tuple[float, float, float, float] | None = None
    notes: list[str] = field(default_factory=list)


def clean_url(url: str) -> str:
    """The service address without OGC request parameters; refuses what is not one."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ServiceError("“{url}” is not a web address: a map service looks like "
                           "https://host/path (the address its provider publishes).", url=url)
    if parts.username or parts.password:
        raise ServiceError("“{url}” holds a user name or password: Paragon Desktop does not "
                           "store passwords in a layer that others may see.", url=url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in _OGC_PARAMS]
    path = parts.path or ("/" if query else "")
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, urlencode(query), ""))


def check_service(service: Service) -> Service:
    """The rules a stored service follows (the server checks the same, migration 0011)."""
    if service.kind not in KINDS:
        raise ServiceError("Unknown kind of map service “{kind}”.", kind=service.kind)
    if clean_url(service.url) != service.url:
        raise ServiceError("“{url}” is not a web address: a map service looks like "
                           "https://host/path (the address its provider publishes).",
                           url=service.url)
    if not service.layer.strip() or len(service.layer) > 500:
        raise ServiceError("Choose one of the service's layers.")
    if service.refresh_s not in REFRESH_CHOICES:
        raise ServiceError("Refresh every {seconds} seconds is not offered.",
                           seconds=service.refresh_s)
    if service.kind == "wmts":
        host = (urlsplit(service.template).hostname or "").lower()
        if host != service.host or not service.template.startswith(("https://", "http://")):
            raise ServiceError("The tiles of {layer} come from another address than the "
                               "service's; add that address instead.", layer=service.layer)
    return service


# -- asking a service --------------------------------------------------------------------------
def get(url: str, params: dict[str, str] | None = None, *, limit: int = MAX_CAPABILITIES,
        timeout: float = TIMEOUT_S) -> tuple[bytes, str]:
    """One GET (no redirect to another host), at most ``limit`` bytes; (body, content type)."""
    import requests

    host = urlsplit(url).hostname
    try:
        with requests.get(url, params=params, timeout=timeout, stream=True, allow_redirects=False,
                          headers={"User-Agent": "Paragon-Desktop"}) as answer:
            if answer.is_redirect:
                target = urlsplit(answer.headers.get("Location", "")).hostname or host
                if target != host:
                    raise ServiceError("{host} sends the request on to {target}; add that "
                                       "address instead.", host=host, target=target)
                return get(answer.headers["Location"], None, limit=limit, timeout=timeout)
            if answer.status_code >= 400:
                raise ServiceError("{host} answered {status}: check the address (the one the "
                                   "provider publishes for this service).", host=host,
                                   status=answer.status_code)
            body = b""
            for chunk in answer.iter_content(65536):
                body += chunk
                if len(body) > limit:
                    raise ServiceError("{host} answered with more than {megabytes} MB; ask for "
                                       "a smaller area or fewer layers.", host=host,
                                       megabytes=limit // 1_000_000)
            kind = answer.headers.get("Content-Type", "").split(";")[0].strip().lower()
            return body, kind
    except requests.RequestException as exc:
        raise ServiceError("{host} does not answer ({reason}). Check the address and the "
                           "network.", host=host, reason=type(exc).__name__) from exc


def safe_xml(body: bytes, host: str | None) -> bytes:
    """XML a parser may see: no DOCTYPE (entity bombs, external entities)."""
    head = body.lstrip()[:200].lower()
    if not head.startswith(b"<"):
        raise ServiceError("{host} did not answer with a service description (XML): this is not "
                           "the address of a map service.", host=host)
    if re.search(rb"<!doctype|<!entity", body[:100_000], re.IGNORECASE):
        raise ServiceError("{host} answered with XML that declares entities; it is not read.",
                           host=host)
    return body


def _capabilities(url: str, service: str, version: str) -> bytes:
    body, _kind = get(url, {"SERVICE": service, "REQUEST": "GetCapabilities",
                            "VERSION": version})
    body = safe_xml(body, urlsplit(url).hostname)
    if b"ExceptionReport" in body[:2000] or b"ServiceExceptionReport" in body[:2000]:
        raise ServiceError("{host} answered with an error instead of its {service} description: "
                           "this address is not a {service} service.",
                           host=urlsplit(url).hostname, service=service)
    return body


def _not_a(url: str, service: str, exc: Exception) -> ServiceError:
    return ServiceError("{host} did not answer with a {service} description that can be read: "
                        "this address is not a {service} service.", host=urlsplit(url).hostname,
                        service=service)


def _bbox(value: Any) -> tuple[float, float, float, float] | None:
    try:
        west, south, east, north = (float(v) for v in value[:4])
    except (TypeError, ValueError, IndexError):
        return None
    return (west, south, east, north) if west <= east and south <= north else None


def discover(kind: str, url: str) -> list[Offer]:
    """The layers a service offers, each ready to be added; raises ``ServiceError``."""
    url = clean_url(url)
    if kind == "wms":
        return _discover_wms(url)
    if kind == "wmts":
        return _discover_wmts(url)
    if kind == "wfs":
        return _discover_wfs(url)
    if kind == "oapif":
        return _discover_oapif(url)
    raise ServiceError("Unknown kind of map service “{kind}”.", kind=kind)


def _discover_wms(url: str) -> list[Offer]:
    from owslib.wms import WebMapService

    body = _capabilities(url, "WMS", "1.3.0")
    try:
        wms = WebMapService(url, version="1.3.0", xml=body)
        formats = list(wms.getOperationByName("GetMap").formatOptions)
    except Exception as exc:  # OWSLib raises many kinds for a document it cannot use
        raise _not_a(url, "WMS", exc) from exc
    image = next((f for f in ("image/png", "image/png8", "image/jpeg") if f in formats), None)
    if image is None:
        raise ServiceError("{host} draws no PNG or JPEG images (it offers {formats}).",
                           host=urlsplit(url).hostname, formats=", ".join(formats[:5]) or "none")
    attribution = (getattr(wms.provider, "name", "") or "").strip()
    offers = []
    for name, layer in wms.contents.items():
        if not name:
            continue
        offers.append(Offer(Service("wms", url, name, format=image,
                                    attribution=attribution[:200]),
                            (layer.title or name).strip(), _bbox(layer.boundingBoxWGS84)))
    return _some(url, "WMS", offers)


def _some(url: str, service: str, offers: list[Offer]) -> list[Offer]:
    if not offers:
        raise ServiceError("{host} offers no layers in its {service} description.",
                           host=urlsplit(url).hostname, service=service)
    return sorted(offers, key=lambda o: o.title.casefold())


def _zoom_of(scale: float) -> int | None:
    zoom = math.log2(_Z0_SCALE / scale)
    return round(zoom) if abs(zoom - round(zoom)) < 0.01 and 0 <= round(zoom) <= 24 else None


def _web_mercator_matrices(matrix_set: Any) -> list[str] | None:
    """Tile matrix ids by zoom when the set is Web Mercator's pyramid, else None."""
    crs = str(getattr(matrix_set, "crs", "") or "")
    if not re.search(r"(3857|900913|3785)\b", crs):
        return None
    by_zoom: dict[int, str] = {}
    for matrix_id, matrix in matrix_set.tilematrix.items():
        zoom = _zoom_of(float(matrix.scaledenominator))
        corner = matrix.topleftcorner
        if zoom is None or matrix.tilewidth != 256 or abs(abs(corner[0]) - 20037508.34) > 1:
            continue
        by_zoom[zoom] = matrix_id
    if not by_zoom:
        return None
    return [by_zoom.get(z, "") for z in range(max(by_zoom) + 1)]


def _discover_wmts(url: str) -> list[Offer]:
    from owslib.wmts import WebMapTileService

    body = _capabilities(url, "WMTS", "1.0.0")
    try:
        wmts = WebMapTileService(url, xml=body)
        contents = wmts.contents
        matrix_sets = wmts.tilematrixsets
    except Exception as exc:  # OWSLib raises many kinds for a document it cannot use
        raise _not_a(url, "WMTS", exc) from exc
    host = urlsplit(url).hostname
    attribution = (getattr(wmts.provider, "name", "") or "").strip()[:200]
    offers = []
    for name, layer in contents.items():
        chosen = None
        for set_id in layer.tilematrixsetlinks:
            ids = _web_mercator_matrices(matrix_sets.get(set_id))
            if ids is not None:
                chosen = (set_id, ids)
                break
        if chosen is None:
            continue
        set_id, ids = chosen
        formats = [f for f in layer.formats if f in ("image/png", "image/jpeg")]
        style = next((s for s, v in (layer.styles or {}).items() if v.get("isDefault")),
                     next(iter(layer.styles or {}), "default"))
        rest = [r for r in (layer.resourceURLs or []) if r.get("resourceType") == "tile"
                and (urlsplit(r.get("template", "")).hostname or "") == host]
        if rest:
            template = (rest[0]["template"].replace("{TileMatrixSet}", set_id)
                        .replace("{Style}", style).replace("{TileMatrix}", "{z}")
                        .replace("{TileRow}", "{y}").replace("{TileCol}", "{x}"))
            image = rest[0].get("format", "image/png")
        elif formats:
            image = formats[0]
            query = urlencode({"SERVICE": "WMTS", "REQUEST": "GetTile", "VERSION": "1.0.0",
                               "LAYER": name, "STYLE": style, "FORMAT": image,
                               "TILEMATRIXSET": set_id})
            template = (url + ("&" if "?" in url else "?") + query
                        + "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}")
        else:
            continue
        offers.append(Offer(Service("wmts", url, name, format=image, template=template,
                                    matrix_ids=tuple(ids), attribution=attribution),
                            (layer.title or name).strip(), _bbox(layer.boundingBoxWGS84)))
    if not offers and contents:
        raise ServiceError("{host} offers its WMTS layers only in other coordinate systems than "
                           "the web map's (EPSG:3857); add it as WMS instead.", host=host)
    return _some(url, "WMTS", offers)


_JSON_FORMATS = ("application/json", "application/geo+json", "geojson", "json",
                 "application/vnd.geo+json")


def _discover_wfs(url: str) -> list[Offer]:
    from owslib.wfs import WebFeatureService

    body = _capabilities(url, "WFS", "2.0.0")
    try:
        wfs = WebFeatureService(url, version="2.0.0", xml=body)
        contents = wfs.contents
        formats = []
        try:
            operation = wfs.getOperationByName("GetFeature")
            formats = list((operation.parameters or {}).get("outputFormat", {}).get("values", []))
        except (KeyError, AttributeError):
            pass
    except Exception as exc:  # OWSLib raises many kinds for a document it cannot use
        raise _not_a(url, "WFS", exc) from exc
    json_format = next((f for f in formats if f.lower().split(";")[0].strip() in _JSON_FORMATS),
                       None)
    if json_format is None:
        raise ServiceError("{host} delivers no GeoJSON (it offers {formats}); add the same "
                           "data as WMS images instead.", host=urlsplit(url).hostname,
                           formats=", ".join(formats[:5]) or "GML")
    attribution = (getattr(wfs.provider, "name", "") or "").strip()[:200]
    offers = [Offer(Service("wfs", url, name, format=json_format, attribution=attribution),
                    (layer.title or name).strip(), _bbox(layer.boundingBoxWGS84))
              for name, layer in contents.items() if name]
    return _some(url, "WFS", offers)


def _json(body: bytes, url: str) -> Any:
    try:
        return json.loads(body)
    except ValueError as exc:
        raise ServiceError("{host} did not answer with JSON: this address is not an OGC API "
                           "Features service.", host=urlsplit(url).hostname) from exc


def _join(url: str, *path: str) -> str:
    parts = urlsplit(url)
    from urllib.parse import quote
    tail = "/".join(quote(p, safe="") for p in path)
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") + "/" + tail,
                       parts.query, ""))


def _discover_oapif(url: str) -> list[Offer]:
    body, _kind = get(_join(url, "collections"), {"f": "json"})
    answer = _json(body, url)
    collections = answer.get("collections") if isinstance(answer, dict) else None
    if not isinstance(collections, list):
        raise ServiceError("{host} did not list collections: this address is not an OGC API "
                           "Features service (its address ends before /collections).",
                           host=urlsplit(url).hostname)
    offers = []
    for item in collections:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        spatial = ((item.get("extent") or {}).get("spatial") or {}).get("bbox") or [None]
        offers.append(Offer(Service("oapif", url, item["id"][:500]),
                            str(item.get("title") or item["id"]).strip()[:200],
                            _bbox(spatial[0])))
    return _some(url, "OGC API Features", offers)


def features_request(service: Service) -> tuple[str, dict[str, str]]:
    """The address and parameters that ask a data layer for its features as GeoJSON."""
    if service.kind == "wfs":
        return service.url, {"SERVICE": "WFS", "REQUEST": "GetFeature", "VERSION": "2.0.0",
                             "TYPENAMES": service.layer, "COUNT": str(MAX_FEATURES),
                             "OUTPUTFORMAT": service.format or "application/json"}
    if service.kind == "oapif":
        return _join(service.url, "collections", service.layer, "items"), {
            "f": "json", "limit": str(MAX_FEATURES)}
    raise ServiceError("{layer} is an image layer; it has no features to fetch.",
                       layer=service.layer)


def fetch_features(service: Service, *, limit: int) -> bytes:
    """A data layer's features as GeoJSON bytes (read by the sandboxed reader after this)."""
    url, params = features_request(service)
    body, _kind = get(url, params, limit=limit)
    if not body.lstrip()[:1] == b"{":
        raise ServiceError("{host} did not answer with GeoJSON for {layer}.", host=service.host,
                           layer=service.layer)
    return body


def tile_template(service: Service) -> str:
    """A WMTS or WMS layer as a background tile address (the form the settings keep): WMTS with
    ``{z}``/``{x}``/``{y}``, WMS with the tile's extent ``{bbox-epsg-3857}``."""
    from urllib.parse import quote

    from paragon_desktop.gis.tile_sources import BBOX

    if service.kind == "wms":
        query = urlencode({"SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetMap",
                           "LAYERS": service.layer, "STYLES": "",
                           "FORMAT": service.format or "image/png", "TRANSPARENT": "TRUE",
                           "CRS": "EPSG:3857", "WIDTH": "256", "HEIGHT": "256"})
        return service.url + ("&" if "?" in service.url else "?") + query + "&BBOX=" + BBOX
    if service.kind == "wmts":
        # A tile address numbers zooms; matrices named "<prefix><zoom>" fit ("EPSG:3857:12").
        named = [(z, m) for z, m in enumerate(service.matrix_ids) if m]
        prefixes = {m[: len(m) - len(str(z))] for z, m in named if m.endswith(str(z))}
        if len(prefixes) != 1 or len(named) != sum(1 for z, m in named if m.endswith(str(z))):
            raise ServiceError("The tile matrices of {layer} are not numbered by zoom; add the "
                               "service as WMS instead.", layer=service.layer)
        return service.template.replace("{z}", quote(prefixes.pop(), safe="") + "{z}")
    raise ServiceError("{layer} is a data layer (WFS, OGC API Features), not a background.",
                       layer=service.layer)
