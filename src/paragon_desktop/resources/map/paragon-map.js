/* Paragon Desktop case map: driven from Python over QWebChannel.
 * Python sends batches of operations (sig_batch) and layer data (sig_layer_data); the page is
 * built once and never reloaded. Everything shown comes from data and is set with textContent:
 * feature properties and names are never parsed as HTML. Leaflet puts *strings* given to
 * bindPopup/bindTooltip into innerHTML, so every popup and tooltip gets a DOM node instead. */
(function () {
  "use strict";
  var P = (window.paragon = {
    map: null, bridge: null, layers: {}, anchors: {}, borders: null, anchorGroup: null,
    background: null, appliedBatches: 0,
  });

  var ANCHOR_COLOURS = {
    seveso: "#c92a2a", "cp-ops": "#1c7ed6", opvang: "#2b8a3e", medisch: "#e8590c",
    school: "#f08c00", crisiscentrum: "#5f3dc4", grens: "#495057", evenement: "#0b7285",
  };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function popupNode(title, subtitle, properties) {
    var root = el("div", "paragon-popup");
    root.appendChild(el("h4", null, title));
    if (subtitle) root.appendChild(el("div", "sub", subtitle));
    var keys = Object.keys(properties || {}).filter(function (k) {
      var v = properties[k];
      return k.charAt(0) !== "_" && v !== null && v !== "" && typeof v !== "object";
    });
    if (keys.length) {
      var table = el("table");
      keys.forEach(function (k) {
        var row = el("tr");
        row.appendChild(el("td", "k", k));
        row.appendChild(el("td", null, properties[k]));
        table.appendChild(row);
      });
      root.appendChild(table);
    }
    return root;
  }

  function featureTitle(props, fallback) {
    props = props || {};
    return props.Name || props.name || props.naam || props.meetpunt || props.title || fallback;
  }

  function makeGeoJson(data, baseStyle, onFeature) {
    baseStyle = baseStyle || {};
    function style(feature) {
      var own = (feature.properties && feature.properties._style) || {};
      return Object.assign({ color: "#3b5bdb", weight: 2, opacity: 0.9, fillOpacity: 0.2 },
                           baseStyle, own);
    }
    return L.geoJSON(data, {
      style: style,
      // Canvas circle markers: DOM image markers stall Leaflet past about a thousand points.
      pointToLayer: function (feature, latlng) {
        var s = style(feature);
        return L.circleMarker(latlng, {
          radius: s.radius || 6, color: s.color, weight: 1.5, opacity: s.opacity,
          fillColor: s.fillColor || s.color, fillOpacity: 0.8,
        });
      },
      onEachFeature: onFeature,
    });
  }

  var handlers = {
    background: function (op) {
      if (P.background) { P.map.removeLayer(P.background); P.background = null; }
      if (op.tile_url) {
        P.background = L.tileLayer(op.tile_url, { attribution: op.attribution || "", maxZoom: 19 });
        P.background.addTo(P.map);
        P.background.bringToBack();
      }
    },
    borders: function (op) {
      P.borders.clearLayers();
      op.items.forEach(function (item) {
        var province = item.kind === "province";
        var layer = L.geoJSON(item.geometry, {
          interactive: false,
          style: { color: province ? "#5c6157" : "#8a9185", weight: province ? 2.5 : 1.2,
                   dashArray: province ? null : "4 4", fill: !province, fillColor: "#ffffff",
                   fillOpacity: 0.35 },
        });
        if (!province) {
          layer.bindTooltip(el("span", null, item.name.replace(/^Gemeente /, "")),
                            { permanent: true, direction: "center", className: "paragon-border-label" });
        }
        P.borders.addLayer(layer);
      });
    },
    "anchor.upsert": function (op) {
      handlers["anchor.remove"](op);
      var colour = ANCHOR_COLOURS[op.category] || "#343a40";
      var polygonal = op.geometry.type !== "Point";
      var layer = makeGeoJson(op.geometry, {
        color: colour, weight: polygonal ? 2 : 1.5, fillOpacity: op.category === "grens" ? 0 : 0.15,
        radius: 7, dashArray: op.category === "grens" ? "6 4" : null,
      });
      layer.bindPopup(popupNode(op.name, op.description, { categorie: op.category }));
      if (polygonal) {
        layer.bindTooltip(el("span", null, op.name));
      } else {
        // Key locations carry their name on the map, as on a paper situation map.
        layer.bindTooltip(el("span", null, op.name), { permanent: true, direction: "right", offset: [8, 0],
                                     className: "paragon-anchor-label" });
      }
      P.anchors[op.id] = layer;
      P.anchorGroup.addLayer(layer);
    },
    "anchor.remove": function (op) {
      var old = P.anchors[op.id];
      if (old) { P.anchorGroup.removeLayer(old); delete P.anchors[op.id]; }
    },
    "layer.upsert": function (op) {
      var entry = P.layers[op.id];
      if (entry) { entry.style = op.style; entry.name = op.name; }
      else { P.layers[op.id] = entry = { layer: null, visible: false, style: op.style, name: op.name }; }
      handlers["layer.visible"]({ id: op.id, visible: op.visible });
    },
    "layer.visible": function (op) {
      var entry = P.layers[op.id];
      if (!entry) return;
      entry.visible = !!op.visible;
      if (!entry.layer) return;
      if (entry.visible && !P.map.hasLayer(entry.layer)) entry.layer.addTo(P.map);
      if (!entry.visible && P.map.hasLayer(entry.layer)) P.map.removeLayer(entry.layer);
    },
    "layer.remove": function (op) {
      var entry = P.layers[op.id];
      if (entry && entry.layer) P.map.removeLayer(entry.layer);
      delete P.layers[op.id];
    },
    fit: function (op) {
      P.map.fitBounds([[op.bbox[1], op.bbox[0]], [op.bbox[3], op.bbox[2]]], { padding: [20, 20] });
    },
    fly: function (op) {
      var b = op.bbox;
      if (b[0] === b[2] && b[1] === b[3]) {
        P.map.flyTo([b[1], b[0]], Math.max(P.map.getZoom(), 16), { duration: 0.6 });
      } else {
        P.map.flyToBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [30, 30], maxZoom: 17, duration: 0.6 });
      }
      var anchor = op.anchor_id !== undefined ? P.anchors[op.anchor_id] : null;
      if (anchor) anchor.openPopup();
    },
  };

  function setLayerData(id, text) {
    var entry = P.layers[id];
    if (!entry) return;
    var visible = entry.visible;
    if (entry.layer && P.map.hasLayer(entry.layer)) P.map.removeLayer(entry.layer);
    entry.layer = makeGeoJson(JSON.parse(text), entry.style, function (feature, layer) {
      layer.bindPopup(function () {
        return popupNode(featureTitle(feature.properties, entry.name), entry.name, feature.properties);
      });
    });
    entry.visible = false;
    handlers["layer.visible"]({ id: id, visible: visible });
  }

  function applyBatch(text) {
    var batch = JSON.parse(text);
    batch.ops.forEach(function (op) {
      var handler = handlers[op.op];
      if (handler) handler(op);
    });
    P.appliedBatches += 1;
    P.bridge.on_applied(batch.id);
  }

  /* For tests and diagnostics: what Leaflet holds right now. */
  P.stats = function () {
    var layers = {}, featuresOnMap = 0;
    Object.keys(P.layers).forEach(function (id) {
      var e = P.layers[id];
      var n = e.layer ? e.layer.getLayers().length : 0;
      var on = !!(e.layer && P.map.hasLayer(e.layer));
      layers[id] = { features: n, onMap: on, name: e.name };
      if (on) featuresOnMap += n;
    });
    return JSON.stringify({
      layers: layers, featuresOnMap: featuresOnMap,
      anchors: Object.keys(P.anchors).length, borders: P.borders.getLayers().length,
      zoom: P.map.getZoom(), center: P.map.getCenter(), background: !!P.background,
      appliedBatches: P.appliedBatches,
    });
  };

  P.start = function (map) {
    P.map = map;
    L.control.scale({ imperial: false, maxWidth: 150 }).addTo(map);
    P.borders = L.featureGroup().addTo(map);
    P.anchorGroup = L.featureGroup().addTo(map);
    var last = 0;
    map.on("mousemove", function (e) {
      var now = Date.now();
      if (!P.bridge || now - last < 40) return;
      last = now;
      P.bridge.on_cursor(e.latlng.lat, e.latlng.lng);
    });
    new QWebChannel(qt.webChannelTransport, function (channel) {
      P.bridge = channel.objects.bridge;
      P.bridge.sig_batch.connect(applyBatch);
      P.bridge.sig_layer_data.connect(setLayerData);
      P.bridge.on_ready();
    });
  };
})();
