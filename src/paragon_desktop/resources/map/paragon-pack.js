/* Layer data packed for drawing, shared by the map page and its layer worker.
 *
 * A layer's GeoJSON is fetched and parsed in a worker (paragon-layer-worker.js): parsing 50,000
 * polygons took 0.6 s on the page's own thread, which then answers no pan or click. What the page
 * gets back is typed arrays (moved, not copied): Web Mercator coordinates of the many points and
 * of the many lines and areas, their boxes and styles, plus the few other features as GeoJSON.
 * The features' properties stay with the worker (the Holder below) and are asked for one at a
 * time, when a popup opens, or as one column for labels. Without a worker the page packs and
 * holds them itself, with the same code. */
(function (root) {
  "use strict";
  var POINT_LAYER_THRESHOLD = 1000;  // more points than this: one canvas (PointLayer)
  var SHAPE_LAYER_THRESHOLD = 500;  // more lines and areas than this: one canvas (ShapeLayer)
  var SHAPE_TYPES = { Polygon: 1, MultiPolygon: 1, LineString: 1, MultiLineString: 1 };

  /* Web Mercator across the world, 0..1, and back. */
  function mercX(lon) { return (lon + 180) / 360; }
  function mercY(lat) {
    var s = Math.sin(Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI / 180);
    return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  }
  function mercLat(y) {
    var n = Math.PI - 2 * Math.PI * y;
    return 180 / Math.PI * Math.atan(0.5 * (Math.exp(n) - Math.exp(-n)));
  }

  /* The lines and rings of a geometry, each with whether it is an area's ring. */
  function eachRing(g, fn) {
    if (!g || !g.coordinates) return;
    var c = g.coordinates, i, j;
    if (g.type === "Polygon") for (i = 0; i < c.length; i++) fn(c[i], true);
    else if (g.type === "MultiPolygon") for (i = 0; i < c.length; i++) for (j = 0; j < c[i].length; j++) fn(c[i][j], true);
    else if (g.type === "LineString") fn(c, false);
    else if (g.type === "MultiLineString") for (i = 0; i < c.length; i++) fn(c[i], false);
  }

  function fieldNames(features) {
    var names = {};
    features.slice(0, 500).forEach(function (f) {
      Object.keys(f.properties || {}).forEach(function (k) { if (k.charAt(0) !== "_") names[k] = true; });
    });
    return Object.keys(names);
  }

  // The colours a layer's features are drawn in (a KML's own styles differ per feature), for
  // the legend: at most four.
  function featureColours(features, style) {
    var base = (style && (style.color || style.fillColor)) || "#3b5bdb", seen = [];
    for (var i = 0; i < features.length && seen.length < 4; i++) {
      var own = (features[i].properties && features[i].properties._style) || {};
      var colour = own.fillColor || own.color || base;
      if (seen.indexOf(colour) < 0) seen.push(colour);
    }
    return seen.length ? seen : [base];
  }

  function packPoints(features, baseStyle) {
    var n = features.length, x = new Float64Array(n), y = new Float64Array(n);
    var colour = new Uint16Array(n), palette = [], index = {};
    var base = Object.assign({ color: "#3b5bdb", radius: 5 }, baseStyle || {});
    for (var i = 0; i < n; i++) {
      var c = features[i].geometry.coordinates;
      x[i] = mercX(c[0]);
      y[i] = mercY(c[1]);
      var own = features[i].properties && features[i].properties._style;
      var css = (own && (own.fillColor || own.color)) || base.fillColor || base.color;
      if (index[css] === undefined) { index[css] = palette.length; palette.push(css); }
      colour[i] = index[css];
    }
    var grid = gridPoints(x, y);
    return { n: n, x: x, y: y, colour: colour, palette: palette,
             radius: Math.max(2, Math.min(base.radius || 5, 12)), extent: grid.extent,
             grid: grid.grid, cellStart: grid.start, cellOrder: grid.order };
  }

  /* The points by the cell of a grid over them (about 32 a cell), in their own order within a
   * cell (a counting sort): a pan finds the points reaching the strips it uncovers, and a close
   * view those in it, without a pass over all of them. ``start[c]..start[c + 1]`` in ``order``
   * are cell c's (c = row * g + column). ``extent``: [x0, y0, x1, y1] of the points, or null. */
  function gridPoints(x, y) {
    var n = x.length, x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, i;
    for (i = 0; i < n; i++) {
      if (x[i] < x0) x0 = x[i];
      if (x[i] > x1) x1 = x[i];
      if (y[i] < y0) y0 = y[i];
      if (y[i] > y1) y1 = y[i];
    }
    var g = Math.max(1, Math.min(1024, Math.ceil(Math.sqrt(n / 32))));
    var cw = (x1 - x0) / g || 1, ch = (y1 - y0) / g || 1;
    var cell = new Uint32Array(n), start = new Uint32Array(g * g + 1), order = new Uint32Array(n);
    for (i = 0; i < n; i++) {
      var cx = Math.min(g - 1, Math.floor((x[i] - x0) / cw));
      var cy = Math.min(g - 1, Math.floor((y[i] - y0) / ch));
      cell[i] = cy * g + cx;
      start[cell[i] + 1]++;
    }
    for (i = 0; i < g * g; i++) start[i + 1] += start[i];
    var next = start.slice(0, g * g);
    for (i = 0; i < n; i++) order[next[cell[i]]++] = i;
    return { grid: { g: g, x0: x0, y0: y0, cw: cw, ch: ch }, start: start, order: order,
             extent: n ? [x0, y0, x1, y1] : null };
  }

  function packShapes(features, baseStyle) {
    var n = features.length, vertices = 0, rings = 0, i;
    for (i = 0; i < n; i++) {
      eachRing(features[i].geometry, function (ring) { vertices += ring.length; rings += 1; });
    }
    var xy = new Float64Array(2 * vertices), ringStart = new Uint32Array(rings + 1);
    var firstRing = new Uint32Array(n + 1), area = new Uint8Array(n), box = new Float64Array(4 * n);
    var styleOf = new Uint16Array(n), styles = [], keys = {}, at = 0, r = 0;
    var base = Object.assign({ color: "#3b5bdb", weight: 2, opacity: 0.9, fillOpacity: 0.2 },
                             baseStyle || {});
    function addRing(ring, isArea) {
      ringStart[r++] = at / 2;
      for (var k = 0; k < ring.length; k++) {
        var x = mercX(ring[k][0]), y = mercY(ring[k][1]);
        xy[at++] = x; xy[at++] = y;
        if (x < box[4 * i]) box[4 * i] = x;
        if (y < box[4 * i + 1]) box[4 * i + 1] = y;
        if (x > box[4 * i + 2]) box[4 * i + 2] = x;
        if (y > box[4 * i + 3]) box[4 * i + 3] = y;
      }
      if (isArea) area[i] = 1;
    }
    for (i = 0; i < n; i++) {
      var f = features[i];
      firstRing[i] = r;
      box[4 * i] = box[4 * i + 1] = Infinity;
      box[4 * i + 2] = box[4 * i + 3] = -Infinity;
      eachRing(f.geometry, addRing);
      var own = f.properties && f.properties._style, key = own ? JSON.stringify(own) : "";
      if (keys[key] === undefined) {
        keys[key] = styles.length;
        var s = Object.assign({}, base, own || {});
        styles.push({ color: s.color, weight: s.stroke === false ? 0 : (s.weight === undefined ? 2 : s.weight),
                      opacity: s.opacity === undefined ? 1 : s.opacity,
                      fillColor: s.fillColor || s.color,
                      fillOpacity: s.fill === false ? 0 : (s.fillOpacity === undefined ? 0.2 : s.fillOpacity),
                      dash: s.dashArray ? String(s.dashArray).split(/[ ,]+/).map(Number).filter(isFinite) : [] });
      }
      styleOf[i] = keys[key];
    }
    firstRing[n] = r;
    ringStart[rings] = vertices;
    // The features' extent (null when there are none).
    var e = [Infinity, Infinity, -Infinity, -Infinity];
    for (i = 0; i < n; i++) {
      if (box[4 * i] < e[0]) e[0] = box[4 * i];
      if (box[4 * i + 1] < e[1]) e[1] = box[4 * i + 1];
      if (box[4 * i + 2] > e[2]) e[2] = box[4 * i + 2];
      if (box[4 * i + 3] > e[3]) e[3] = box[4 * i + 3];
    }
    return { n: n, xy: xy, ringStart: ringStart, firstRing: firstRing, area: area, box: box,
             styleOf: styleOf, styles: styles, extent: n ? e : null };
  }

  /* A layer's GeoJSON as drawn: {points, shapes, others, fields, colours, count}, and the
   * properties of the packed features ({points: [...], shapes: [...]}) for whoever holds them. */
  function pack(data, baseStyle) {
    var features = (data && data.features) || [], points = [], shapes = [], others = [];
    features.forEach(function (f) {
      var type = f.geometry && f.geometry.type;
      (type === "Point" ? points : SHAPE_TYPES[type] ? shapes : others).push(f);
    });
    var out = { fields: fieldNames(features), colours: featureColours(features, baseStyle),
                count: features.length, points: null, shapes: null, others: null };
    var properties = { points: [], shapes: [] };
    var props = function (f) { return f.properties || {}; };
    if (points.length > POINT_LAYER_THRESHOLD) {
      out.points = packPoints(points, baseStyle);
      properties.points = points.map(props);
    } else {
      others = others.concat(points);
    }
    if (shapes.length > SHAPE_LAYER_THRESHOLD) {
      out.shapes = packShapes(shapes, baseStyle);
      properties.shapes = shapes.map(props);
    } else {
      others = others.concat(shapes);
    }
    // Everything drawn by Leaflet: in the file's order.
    out.others = out.points || out.shapes ? others : features;
    return { packed: out, properties: properties };
  }

  /* The buffers of a packed layer, to move them to the page instead of copying. */
  function transferables(packed) {
    var list = [];
    [packed.points, packed.shapes].forEach(function (part) {
      if (!part) return;
      Object.keys(part).forEach(function (k) {
        if (part[k] && part[k].buffer instanceof ArrayBuffer) list.push(part[k].buffer);
      });
    });
    return list;
  }

  /* Keeps the properties of packed layers and answers for them: the worker's state, or the
   * page's when there is no worker. */
  function Holder() { this.layers = {}; }
  Holder.prototype.load = function (url, id, revision, style) {
    var self = this;
    return fetch(url)
      .then(function (response) {
        if (!response.ok) throw new Error("layer data " + id + ": HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        var result = pack(data, style);
        self.layers[id] = { revision: revision, properties: result.properties };
        return result.packed;
      });
  };
  Holder.prototype.answer = function (m) {
    var held = this.layers[m.id];
    var list = held && held.revision === m.revision ? held.properties[m.part] || [] : null;
    if (m.op === "properties") return list ? list[m.index] || null : null;
    if (m.op === "column") {
      return list ? list.map(function (p) {
        var v = p[m.field];
        return v === null || v === undefined ? "" : String(v);
      }) : null;
    }
    if (m.op === "drop") delete this.layers[m.id];
    return null;
  };

  root.ParagonPack = {
    mercX: mercX, mercY: mercY, mercLat: mercLat, eachRing: eachRing, pack: pack,
    transferables: transferables, Holder: Holder,
  };
})(typeof self !== "undefined" ? self : this);
