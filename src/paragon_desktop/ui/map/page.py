"""The map's base page, built once by folium with every asset served locally.

folium's own defaults point at CDNs (Leaflet, jQuery, Bootstrap, Font Awesome); this subclass
replaces them with Leaflet from the django-js-lib-leaflet package, served by our URL scheme.
No data layers are put in the page: they arrive later over the web channel.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import folium
from branca.element import Element, Figure, JavascriptLink

from paragon_desktop.i18n import _, language

SCHEME = "paragon"
ORIGIN = f"{SCHEME}://app"
PAGE_URL = f"{ORIGIN}/map.html"
# Belgium, for the first frame before the case's extent is known.
BELGIUM_CENTRE = (50.64, 4.67)


def leaflet_dir() -> Path:
    return Path(str(resources.files("js_lib_leaflet") / "static" / "js_lib_leaflet"))


def static_dir() -> Path:
    return Path(str(resources.files("paragon_desktop") / "resources" / "map"))


class LocalMap(folium.Map):
    default_js = [("leaflet", f"{ORIGIN}/leaflet/leaflet.js")]
    default_css = [
        ("leaflet_css", f"{ORIGIN}/leaflet/leaflet.css"),
        ("paragon_css", f"{ORIGIN}/static/paragon-map.css"),
    ]


def page_texts() -> dict[str, object]:
    """What the page itself shows a user, in the current language: Leaflet's zoom buttons and
    the names of common fields in popups (dates are shown in Belgian time by the page)."""
    name, description, time = _("Naam"), _("Beschrijving"), _("Tijd")
    fields = {"name": name, "naam": name, "nom": name, "description": description,
              "descr": description, "desc": description, "beschrijving": description,
              "time": time, "timestamp": time, "when": time, "datetime": time, "tijd": time,
              "ele": _("Hoogte"), "elevation": _("Hoogte"), "categorie": _("Categorie"),
              "category": _("Categorie"), "type": _("Type"), "comment": _("Opmerking"),
              "cmt": _("Opmerking")}
    return {"zoomIn": _("Inzoomen"), "zoomOut": _("Uitzoomen"), "fields": fields,
            "legend": _("Legende"), "layers": _("Lagen"), "anchors": _("Ankers"),
            "north": _("Noorden")}


def build_page() -> bytes:
    return _build_page(language(), json.dumps(page_texts(), ensure_ascii=False))


@lru_cache(maxsize=4)
def _build_page(lang: str, texts: str) -> bytes:
    m = LocalMap(
        location=BELGIUM_CENTRE,
        zoom_start=8,
        tiles=None,
        prefer_canvas=True,
        control_scale=False,  # ours is metric only (paragon-map.js)
        max_zoom=19,
    )
    root = m.get_root()
    assert isinstance(root, Figure)  # a folium map's root is its HTML figure
    root.header.add_child(JavascriptLink("qrc:///qtwebchannel/qwebchannel.js"), name="qwebchannel")
    # The layer packing code, shared with the page's layer worker (which loads it itself).
    root.header.add_child(JavascriptLink(f"{ORIGIN}/static/paragon-pack.js"), name="paragon_pack")
    root.header.add_child(JavascriptLink(f"{ORIGIN}/static/paragon-map.js"), name="paragon_map")
    # folium renders the map creation after our elements; start once everything has run.
    start = (f'document.documentElement.lang = "{lang}";'
             f'window.addEventListener("load", function () {{ paragon.start({m.get_name()}, {texts}); }});')
    root.script.add_child(Element(start), name="paragon_start")
    return root.render().encode("utf-8")
