# ruff: noqa: E501  (the capabilities documents are data, kept as servers write them)
"""A small OGC server on 127.0.0.1 for the tests: WMS 1.3.0, WMTS 1.0.0 (Web Mercator), WFS
2.0.0 (GeoJSON) and OGC API Features, with real capabilities documents that OWSLib reads.

WMS GetMap and WMTS tiles are solid PNGs of a known colour; the WFS and OGC API answer the
features in ``features`` (changeable by the test, e.g. to see a live layer refresh). It records
every path asked."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.basemapfiles import solid

WMS_COLOUR = (200, 30, 30)
WMTS_COLOUR = (30, 30, 200)

WMS_CAPABILITIES = """<?xml version="1.0" encoding="UTF-8"?>
<WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms"
  xmlns:xlink="http://www.w3.org/1999/xlink">
 <Service><Name>WMS</Name><Title>Risicokaart test</Title>
  <ContactInformation><ContactPersonPrimary><ContactOrganization>Veiligheidsregio Test</ContactOrganization></ContactPersonPrimary></ContactInformation>
 </Service>
 <Capability>
  <Request>
   <GetCapabilities><Format>text/xml</Format><DCPType><HTTP><Get><OnlineResource xlink:href="{base}/wms?"/></Get></HTTP></DCPType></GetCapabilities>
   <GetMap><Format>image/png</Format><Format>image/jpeg</Format><DCPType><HTTP><Get><OnlineResource xlink:href="{base}/wms?"/></Get></HTTP></DCPType></GetMap>
  </Request>
  <Exception><Format>XML</Format></Exception>
  <Layer><Title>Risico's</Title><CRS>EPSG:3857</CRS><CRS>EPSG:4326</CRS>
   <Layer queryable="0"><Name>seveso_zones</Name><Title>Seveso-zones</Title>
    <EX_GeographicBoundingBox><westBoundLongitude>2.5</westBoundLongitude><eastBoundLongitude>6.4</eastBoundLongitude><southBoundLatitude>49.5</southBoundLatitude><northBoundLatitude>51.5</northBoundLatitude></EX_GeographicBoundingBox>
   </Layer>
   <Layer queryable="0"><Name>overstromingen</Name><Title>Overstromingsgebieden</Title></Layer>
  </Layer>
 </Capability>
</WMS_Capabilities>
"""

_MATRICES = "".join(
    f"""<TileMatrix><ows:Identifier>EPSG:3857:{z}</ows:Identifier>
 <ScaleDenominator>{559082264.0287178 / 2 ** z!r}</ScaleDenominator>
 <TopLeftCorner>-20037508.3427892 20037508.3427892</TopLeftCorner>
 <TileWidth>256</TileWidth><TileHeight>256</TileHeight>
 <MatrixWidth>{2 ** z}</MatrixWidth><MatrixHeight>{2 ** z}</MatrixHeight></TileMatrix>"""
    for z in range(0, 19))

WMTS_CAPABILITIES = """<?xml version="1.0" encoding="UTF-8"?>
<Capabilities xmlns="http://www.opengis.net/wmts/1.0" xmlns:ows="http://www.opengis.net/ows/1.1"
  xmlns:xlink="http://www.w3.org/1999/xlink" version="1.0.0">
 <ows:ServiceIdentification><ows:Title>Tegels test</ows:Title><ows:ServiceType>OGC WMTS</ows:ServiceType><ows:ServiceTypeVersion>1.0.0</ows:ServiceTypeVersion></ows:ServiceIdentification>
 <ows:ServiceProvider><ows:ProviderName>Provincie Test</ows:ProviderName></ows:ServiceProvider>
 <Contents>
  <Layer><ows:Title>Topokaart</ows:Title><ows:Identifier>topo</ows:Identifier>
   <ows:WGS84BoundingBox><ows:LowerCorner>2.5 49.5</ows:LowerCorner><ows:UpperCorner>6.4 51.5</ows:UpperCorner></ows:WGS84BoundingBox>
   <Style isDefault="true"><ows:Identifier>default</ows:Identifier></Style>
   <Format>image/png</Format>
   <TileMatrixSetLink><TileMatrixSet>webmercator</TileMatrixSet></TileMatrixSetLink>
   <ResourceURL format="image/png" resourceType="tile" template="{base}/wmts/topo/{{Style}}/{{TileMatrixSet}}/{{TileMatrix}}/{{TileRow}}/{{TileCol}}.png"/>
  </Layer>
  <Layer><ows:Title>Lambert-only</ows:Title><ows:Identifier>lambert</ows:Identifier>
   <Style isDefault="true"><ows:Identifier>default</ows:Identifier></Style>
   <Format>image/png</Format>
   <TileMatrixSetLink><TileMatrixSet>lambert72</TileMatrixSet></TileMatrixSetLink>
  </Layer>
  <TileMatrixSet><ows:Identifier>webmercator</ows:Identifier><ows:SupportedCRS>urn:ogc:def:crs:EPSG::3857</ows:SupportedCRS>{matrices}</TileMatrixSet>
  <TileMatrixSet><ows:Identifier>lambert72</ows:Identifier><ows:SupportedCRS>urn:ogc:def:crs:EPSG::31370</ows:SupportedCRS>
   <TileMatrix><ows:Identifier>0</ows:Identifier><ScaleDenominator>1000000</ScaleDenominator><TopLeftCorner>0 300000</TopLeftCorner><TileWidth>256</TileWidth><TileHeight>256</TileHeight><MatrixWidth>2</MatrixWidth><MatrixHeight>2</MatrixHeight></TileMatrix>
  </TileMatrixSet>
 </Contents>
</Capabilities>
"""

WFS_CAPABILITIES = """<?xml version="1.0" encoding="UTF-8"?>
<wfs:WFS_Capabilities version="2.0.0" xmlns:wfs="http://www.opengis.net/wfs/2.0"
  xmlns:ows="http://www.opengis.net/ows/1.1" xmlns:xlink="http://www.w3.org/1999/xlink">
 <ows:ServiceIdentification><ows:Title>Wegen test</ows:Title><ows:ServiceType>WFS</ows:ServiceType><ows:ServiceTypeVersion>2.0.0</ows:ServiceTypeVersion></ows:ServiceIdentification>
 <ows:ServiceProvider><ows:ProviderName>Wegenbeheerder Test</ows:ProviderName></ows:ServiceProvider>
 <ows:OperationsMetadata>
  <ows:Operation name="GetCapabilities"><ows:DCP><ows:HTTP><ows:Get xlink:href="{base}/wfs?"/></ows:HTTP></ows:DCP></ows:Operation>
  <ows:Operation name="GetFeature"><ows:DCP><ows:HTTP><ows:Get xlink:href="{base}/wfs?"/></ows:HTTP></ows:DCP>
   <ows:Parameter name="outputFormat"><ows:AllowedValues><ows:Value>{gml}</ows:Value>{json}</ows:AllowedValues></ows:Parameter>
  </ows:Operation>
 </ows:OperationsMetadata>
 <wfs:FeatureTypeList>
  <wfs:FeatureType><wfs:Name>wegen:afsluitingen</wfs:Name><wfs:Title>Wegafsluitingen</wfs:Title>
   <wfs:DefaultCRS>urn:ogc:def:crs:EPSG::4326</wfs:DefaultCRS>
   <ows:WGS84BoundingBox><ows:LowerCorner>3.0 50.8</ows:LowerCorner><ows:UpperCorner>4.5 51.4</ows:UpperCorner></ows:WGS84BoundingBox>
  </wfs:FeatureType>
 </wfs:FeatureTypeList>
</wfs:WFS_Capabilities>
"""


def closures(count: int, west: float = 4.30) -> dict[str, Any]:
    """``count`` road closures (points) near Brussels as a FeatureCollection."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": f"Afsluiting {i + 1}", "reason": "<b>werken</b>"},
         "geometry": {"type": "Point", "coordinates": [west + i * 0.01, 50.85]}}
        for i in range(count)]}


@dataclass
class OwsServer:
    base: str
    asked: list[str]
    features: dict[str, Any] = field(default_factory=lambda: closures(3))
    json_output: bool = True
    answer_override: tuple[int, str, bytes] | None = None


@contextmanager
def ows_server() -> Iterator[OwsServer]:
    state = OwsServer("", [])
    wms_png, wmts_png = solid(WMS_COLOUR), solid(WMTS_COLOUR)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            state.asked.append(self.path)
            parts = urlsplit(self.path)
            query = {k.upper(): v[0] for k, v in parse_qs(parts.query).items()}
            request = query.get("REQUEST", "").lower()
            status, kind, body = 404, "text/plain", b"not found"
            if state.answer_override is not None:
                status, kind, body = state.answer_override
            elif parts.path == "/wms" and request == "getcapabilities":
                status, kind, body = 200, "text/xml", WMS_CAPABILITIES.format(
                    base=state.base).encode()
            elif parts.path == "/wms" and request == "getmap":
                status, kind, body = 200, "image/png", wms_png
            elif parts.path == "/wmts" and request == "getcapabilities":
                status, kind, body = 200, "text/xml", WMTS_CAPABILITIES.format(
                    base=state.base, matrices=_MATRICES).encode()
            elif parts.path.startswith("/wmts/topo/"):
                status, kind, body = 200, "image/png", wmts_png
            elif parts.path == "/wfs" and request == "getcapabilities":
                status, kind, body = 200, "text/xml", WFS_CAPABILITIES.format(
                    base=state.base, gml="application/gml+xml; version=3.2",
                    json="<ows:Value>application/json</ows:Value>" if state.json_output
                    else "").encode()
            elif parts.path == "/wfs" and request == "getfeature":
                status, kind, body = 200, "application/json", json.dumps(state.features).encode()
            elif parts.path == "/ogcapi/collections":
                status, kind, body = 200, "application/json", json.dumps({"collections": [
                    {"id": "afsluitingen", "title": "Wegafsluitingen (OGC API)",
                     "extent": {"spatial": {"bbox": [[3.0, 50.8, 4.5, 51.4]]}}}]}).encode()
            elif parts.path == "/ogcapi/collections/afsluitingen/items":
                status, kind, body = 200, "application/geo+json", json.dumps(
                    state.features).encode()
            elif parts.path == "/html":
                status, kind, body = 200, "text/html", b"<html><body>Welkom</body></html>"
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the map dropped a tile it no longer needs (panned on)

        def log_message(self, *_args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
