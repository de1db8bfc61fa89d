"""Online tile sources: Belgian and common services as presets (used only when the user turns
one on), or the user's own XYZ template or WMTS/WMS service (gis.ows.tile_template turns a
layer of it into a tile address; a WMS address carries {bbox-epsg-3857}), checked with one real
tile before it is kept.

``download`` says whether a source's terms allow taking an area offline (NGI's CartoWeb terms
forbid automatic downloads; OpenStreetMap's tile usage policy forbids bulk downloads)."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from paragon_desktop.domain.errors import ParagonError
from paragon_desktop.gis.basemaps import image_type
from paragon_desktop.i18n import N_

# A tile in Belgium (Brussels at zoom 8) to check a source with.
CHECK_TILE = (8, 130, 86)
TIMEOUT_S = 10
# In a WMS tile address: the tile's extent in web map metres (as MapLibre and GDAL name it).
BBOX = "{bbox-epsg-3857}"
HALF_WORLD = 20037508.342789244


class TileSourceError(ParagonError):
    """A tile source that cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class TileSource:
    id: str
    name: str  # Dutch, shown with _()
    url: str  # XYZ template: {z}, {x}, {y} (and {s} for a subdomain letter)
    attribution: str
    max_zoom: int = 19
    download: bool = False


PRESETS = (
    TileSource("ngi-topo", N_("NGI/IGN CartoWeb (topografisch)"),
               "https://cartoweb.wmts.ngi.be/1.0.0/topo/default/3857/{z}/{y}/{x}.png",
               "© NGI/IGN CartoWeb", max_zoom=17, download=False),
    TileSource("vlaanderen-ortho", N_("Orthofoto Vlaanderen (Digitaal Vlaanderen)"),
               "https://geo.api.vlaanderen.be/OMWRGBMRVL/wmts?SERVICE=WMTS&REQUEST=GetTile"
               "&VERSION=1.0.0&LAYER=omwrgbmrvl&STYLE=&FORMAT=image/png&TILEMATRIXSET=GoogleMapsVL"
               "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}",
               "© Digitaal Vlaanderen", max_zoom=20, download=True),
    # Wallonia publishes its orthophotos as an ArcGIS WMS (layer 0: the latest campaign).
    TileSource("wallonie-ortho", N_("Orthofoto Wallonië (SPW)"),
               "https://geoservices.wallonie.be/arcgis/services/IMAGERIE/ORTHO_LAST/MapServer/"
               "WMSServer?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=0&STYLES="
               "&FORMAT=image/jpeg&CRS=EPSG:3857&WIDTH=256&HEIGHT=256&BBOX=" + BBOX,
               "© SPW - Service public de Wallonie", max_zoom=20, download=False),
    TileSource("osm", N_("OpenStreetMap (standaard)"),
               "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
               "© OpenStreetMap-bijdragers", max_zoom=19, download=False),
)


def preset_for(url: str | None) -> TileSource | None:
    return next((p for p in PRESETS if p.url == url), None)


def check_template(url: str) -> str:
    """The template cleaned, or why it is not one ("openstreetmap" was taken as a URL)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise TileSourceError("“{url}” is not a web address: a tile source looks like "
                              "https://host/{{z}}/{{x}}/{{y}}.png.", url=url)
    if BBOX in url:  # a WMS asked tile by tile
        return url
    missing = [p for p in ("{z}", "{x}", "{y}") if p not in url]
    if missing:
        raise TileSourceError("“{url}” lacks {missing}: a tile source names the zoom and the tile "
                              "(https://host/{{z}}/{{x}}/{{y}}.png).", url=url,
                              missing=", ".join(missing))
    return url


def tile_bbox(z: int, x: int, y: int) -> str:
    """A web map tile's extent in EPSG:3857 metres: minx,miny,maxx,maxy."""
    size = 2 * HALF_WORLD / 2 ** z
    west, north = -HALF_WORLD + x * size, HALF_WORLD - y * size
    return f"{west:.6f},{north - size:.6f},{west + size:.6f},{north:.6f}"


def tile_url(template: str, z: int, x: int, y: int) -> str:
    if BBOX in template:
        return template.replace(BBOX, tile_bbox(z, x, y))
    return (template.replace("{s}", "a").replace("{z}", str(z)).replace("{x}", str(x))
            .replace("{y}", str(y)))


def check_source(template: str, timeout: float = TIMEOUT_S) -> None:
    """Ask the source for one tile in Belgium; refuse with the reason when it is no tile."""
    url = check_template(template)
    z, x, y = CHECK_TILE
    request = urllib.request.Request(tile_url(url, z, x, y),
                                     headers={"User-Agent": "Paragon-Desktop"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 (http(s) only)
            data = answer.read(2_000_000)
            kind = answer.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        raise TileSourceError("{host} answered {status} for a tile in Belgium: check the address "
                              "(and the order of {{x}} and {{y}}).", host=urlsplit(url).hostname,
                              status=exc.code) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TileSourceError("{host} does not answer ({reason}). Check the address and the "
                              "network.", host=urlsplit(url).hostname, reason=str(reason)) from exc
    if image_type(data) is None:
        raise TileSourceError("{host} answered with {kind}, not a map tile (PNG, JPEG or WebP): "
                              "this is not a tile source.", host=urlsplit(url).hostname,
                              kind=kind or "?")
