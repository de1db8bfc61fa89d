"""Partners' map services: what a WMS, WMTS, WFS or OGC API Features service offers (asked of a
real local server, capabilities read by OWSLib), what is refused with a reason, and layers from
them stored with the case like file layers (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from paragon_desktop.domain.errors import AccessDenied
from paragon_desktop.gis import ows
from paragon_desktop.gis.ows import Service, ServiceError, check_service, discover
from paragon_desktop.gis.reader import LayerReader
from paragon_desktop.services.service_layers import read_service_features
from tests.owsserver import closures, ows_server

OP = "6f1c2a3e-8d4b-4b7a-9c1e-2f3a4b5c6d7e"


@pytest.fixture
def server():
    with ows_server() as state:
        yield state


def test_a_wms_offers_its_named_layers(server):
    offers = {o.service.layer: o for o in discover("wms", server.base + "/wms")}
    assert set(offers) == {"seveso_zones", "overstromingen"}
    zones = offers["seveso_zones"]
    assert zones.title == "Seveso-zones"
    assert zones.bbox == (2.5, 49.5, 6.4, 51.5)
    assert zones.service.format == "image/png"
    assert zones.service.attribution == "Veiligheidsregio Test"
    # The address as typed, without the request parameters.
    assert zones.service.url == server.base + "/wms"
    assert any("REQUEST=GetCapabilities" in p for p in server.asked)


def test_a_wmts_layer_gets_its_web_mercator_tiles_by_zoom(server):
    offers = discover("wmts", server.base + "/wmts?SERVICE=WMTS&REQUEST=GetCapabilities")
    # The Lambert 72-only layer cannot lie on the web map: not offered.
    assert [o.service.layer for o in offers] == ["topo"]
    topo = offers[0].service
    assert topo.template == server.base + "/wmts/topo/default/webmercator/{z}/{y}/{x}.png"
    assert topo.matrix_ids[12] == "EPSG:3857:12"
    assert len(topo.matrix_ids) == 19
    assert topo.url == server.base + "/wmts"


def test_a_wfs_and_an_ogc_api_offer_geojson_features(server, tmp_path):
    wfs = discover("wfs", server.base + "/wfs")[0]
    assert (wfs.service.layer, wfs.title, wfs.service.format) == (
        "wegen:afsluitingen", "Wegafsluitingen", "application/json")
    api = discover("oapif", server.base + "/ogcapi")[0]
    assert (api.service.layer, api.title, api.bbox) == (
        "afsluitingen", "Wegafsluitingen (OGC API)", (3.0, 50.8, 4.5, 51.4))
    with LayerReader() as reader:
        for offer in (wfs, api):
            read = read_service_features(offer.service, reader, max_bytes=10_000_000)
            assert read.feature_count == 3
            names = [f["properties"]["name"] for f in read.features["features"]]
            assert names == ["Afsluiting 1", "Afsluiting 2", "Afsluiting 3"]
    asked = [p for p in server.asked if "GetFeature" in p or "/items" in p]
    assert "TYPENAMES=wegen%3Aafsluitingen" in asked[0]
    assert "OUTPUTFORMAT=application%2Fjson" in asked[0]
    assert asked[1].startswith("/ogcapi/collections/afsluitingen/items?f=json&limit=")


@pytest.mark.parametrize(("kind", "path", "refusal"), [
    ("wms", "/html", "did not answer with a WMS description"),
    ("wfs", "/wms", "did not answer with a WFS description"),
    ("wmts", "/nothing", "answered 404"),
    ("oapif", "/html", "answered 404"),
])
def test_an_address_that_is_not_that_service_is_refused_with_the_reason(server, kind, path,
                                                                        refusal):
    with pytest.raises(ServiceError, match=refusal):
        discover(kind, server.base + path)


def test_a_wfs_without_geojson_is_refused_with_what_to_do(server):
    server.json_output = False
    with pytest.raises(ServiceError, match="delivers no GeoJSON .* add the same data as WMS"):
        discover("wfs", server.base + "/wfs")


def test_xml_with_entities_never_reaches_the_parser(server):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
            b'"&lol;&lol;&lol;&lol;">]><WMS_Capabilities>&lol2;</WMS_Capabilities>')
    server.answer_override = (200, "text/xml", bomb)
    with pytest.raises(ServiceError, match="declares entities"):
        discover("wms", server.base + "/wms")


def test_an_answer_too_large_is_cut_off(server):
    server.answer_override = (200, "text/xml", b"<a>" + b"x" * 200_000 + b"</a>")
    with pytest.raises(ServiceError, match="more than"):
        ows.get(server.base + "/wms", limit=100_000)


@pytest.mark.parametrize(("url", "refusal"), [
    ("openstreetmap", "not a web address"),
    ("ftp://example.org/wms", "not a web address"),
    ("https://jan:geheim@example.org/wms", "user name or password"),
])
def test_what_is_no_service_address_is_refused_before_any_request(url, refusal):
    with pytest.raises(ServiceError, match=refusal):
        discover("wms", url)


def test_a_stored_service_follows_the_rules():
    good = Service("wmts", "https://tiles.example.org/wmts", "topo",
                   template="https://tiles.example.org/t/{z}/{y}/{x}.png", matrix_ids=("0", "1"))
    assert check_service(good) is good
    assert Service.from_json(good.to_json()) == good
    for bad in (replace(good, kind="kml"), replace(good, refresh_s=7), replace(good, layer=" "),
                replace(good, template="https://elsewhere.example.net/t/{z}/{y}/{x}.png"),
                replace(good, url="javascript:alert(1)")):
        with pytest.raises(ServiceError):
            check_service(bad)
        # A row from a shared server that breaks them is not used at all.
        assert Service.from_json(bad.to_json()) is None
    assert Service.from_json("not json") is None


# -- stored with the case (SQLite and PostgreSQL) ------------------------------------------------
def test_a_service_layer_is_stored_and_shared_like_a_file_layer(client):
    case_id = client.seveso_case_id()
    sofie = client.user("sofie.janssens")
    cp_ops = client.layers.feed_ids_by_name(sofie, case_id, ["CP-Ops"])[0]
    service = Service("wms", "https://risico.example.org/wms", "seveso_zones",
                      format="image/png", refresh_s=60)
    layer_id = client.layers.add_service_layer(sofie, case_id, service, name="Seveso-zones",
                                               bbox=(4.0, 51.0, 4.5, 51.3), feed_ids=[cp_ops],
                                               op_id=OP)
    again = client.layers.add_service_layer(sofie, case_id, service, name="Seveso-zones",
                                            feed_ids=[cp_ops], op_id=OP)
    assert again == layer_id  # a resend is not stored twice
    seen = {layer.name: layer
            for layer in client.cases.open_case(client.user("karim.elamrani"), case_id)
            .changes.layers}
    layer = seen["Seveso-zones"]
    assert layer.service == service
    assert (layer.shared_in, layer.visible, layer.bbox) == (("CP-Ops",), False,
                                                             (4.0, 51.0, 4.5, 51.3))
    assert list(seen).count("Seveso-zones") == 1


def test_a_data_layer_keeps_the_features_read_when_it_was_added(client, tmp_path):
    from paragon_desktop.gis import read_layer

    case_id = client.seveso_case_id()
    sofie = client.user("sofie.janssens")
    path = tmp_path / "afsluitingen.geojson"
    path.write_text(json.dumps(closures(4)))
    read = read_layer(path)
    service = Service("wfs", "https://wegen.example.org/wfs", "wegen:afsluitingen",
                      format="application/json", refresh_s=30)
    layer_id = client.layers.add_service_layer(sofie, case_id, service, name="Afsluitingen",
                                               read=read)
    data = client.cases.layer_geojsons(sofie, [layer_id])[layer_id]
    assert len(json.loads(data)["features"]) == 4


def test_a_read_only_user_adds_no_service_layer(client):
    case_id = client.seveso_case_id()
    service = Service("wms", "https://risico.example.org/wms", "seveso_zones")
    with pytest.raises(AccessDenied, match="read-only"):
        client.layers.add_service_layer(client.user("wim.verhaegen"), case_id, service,
                                        name="Zones")


def test_a_wmts_as_background_needs_tile_matrices_numbered_by_zoom():
    from paragon_desktop.gis.ows import tile_template

    wmts = Service("wmts", "https://tiles.example.org/wmts", "topo",
                   template="https://tiles.example.org/t/{z}/{y}/{x}.png",
                   matrix_ids=("", "", "EPSG:3857:2", "EPSG:3857:3"))
    assert tile_template(wmts) == "https://tiles.example.org/t/EPSG%3A3857%3A{z}/{y}/{x}.png"
    plain = replace(wmts, matrix_ids=("0", "1", "2"))
    assert tile_template(plain) == "https://tiles.example.org/t/{z}/{y}/{x}.png"
    with pytest.raises(ServiceError, match="not numbered by zoom"):
        tile_template(replace(wmts, matrix_ids=("a", "b", "c")))
    with pytest.raises(ServiceError, match="data layer"):
        tile_template(Service("wfs", "https://wegen.example.org/wfs", "wegen"))


def test_a_wms_tile_address_carries_the_tile_extent():
    from paragon_desktop.gis.tile_sources import PRESETS, check_template, tile_url

    template = "https://wms.example.org/wms?LAYERS=0&BBOX={bbox-epsg-3857}"
    assert check_template(template) == template  # no {z}/{x}/{y} needed
    # Zoom 1, the north-east quarter of the world.
    assert tile_url(template, 1, 1, 0).endswith(
        "BBOX=0.000000,0.000000,20037508.342789,20037508.342789")
    wallonia = next(p for p in PRESETS if p.id == "wallonie-ortho")
    assert "{bbox-epsg-3857}" in wallonia.url
    assert not wallonia.download
