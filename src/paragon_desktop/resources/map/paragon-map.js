/* Paragon Desktop case map: driven from Python over QWebChannel.
 * Python sends batches of operations (sig_batch; their names are ui/map/ops.py's Op, and the
 * keys of `handlers` here); layer data is fetched from the paragon:// scheme. The page is
 * built once and never reloaded. Everything shown comes from data and is set with textContent:
 * feature properties and names are never parsed as HTML. Leaflet puts *strings* given to
 * bindPopup/bindTooltip into innerHTML, so every popup and tooltip gets a DOM node instead. */
(function () {
  "use strict";
  var P = (window.paragon = {
    map: null, bridge: null, layers: {}, anchors: {}, anchorData: {}, borders: null,
    anchorGroup: null, edit: null,
    background: null, appliedBatches: 0, unknownOps: [], opNames: [],
  });

  /* A point anchor: a round badge in its category's colour with the category's letters. */
  function anchorIcon(sym) {
    var badge = el("div", "paragon-anchor-icon", sym.glyph);
    badge.style.background = sym.colour;
    return L.divIcon({ html: badge, className: "paragon-anchor-marker", iconSize: [22, 22],
                       iconAnchor: [11, 11], popupAnchor: [0, -10] });
  }

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
        row.appendChild(el("td", "k", fieldLabel(k)));
        row.appendChild(el("td", null, fieldValue(properties[k])));
        table.appendChild(row);
      });
      root.appendChild(table);
    }
    return root;
  }

  // Common field names of layer files in the user's language; other names stay as the file has
  // them (they are data).
  function fieldLabel(key) {
    var known = (P.texts && P.texts.fields) || {};
    return known[String(key).toLowerCase()] || key;
  }

  // A moment written by a file (ISO 8601) in Belgian time and the user's date format; a moment
  // without a time zone is shown as written.
  var ISO_MOMENT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
  function fieldValue(value) {
    var text = String(value);
    var m = ISO_MOMENT.exec(text);
    if (!m) return text;
    if (!m[8]) return m[3] + "/" + m[2] + "/" + m[1] + " " + m[4] + ":" + m[5];
    var moment = new Date(text);
    if (isNaN(moment.getTime())) return text;
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/Brussels", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hour12: false,
    }).formatToParts(moment).forEach(function (p) { parts[p.type] = p.value; });
    return parts.day + "/" + parts.month + "/" + parts.year + " " + parts.hour + ":" + parts.minute;
  }

  function featureTitle(props, fallback) {
    props = props || {};
    return props.Name || props.name || props.naam || props.meetpunt || props.title || fallback;
  }

  function makeGeoJson(data, baseStyle, onFeature, pane) {
    baseStyle = baseStyle || {};
    function style(feature) {
      var own = (feature.properties && feature.properties._style) || {};
      return Object.assign({ color: "#3b5bdb", weight: 2, opacity: 0.9, fillOpacity: 0.2 },
                           baseStyle, own);
    }
    return L.geoJSON(data, {
      style: style,
      pane: pane || "overlayPane",
      // Canvas circle markers: DOM image markers stall Leaflet past about a thousand points.
      pointToLayer: function (feature, latlng) {
        var s = style(feature);
        return L.circleMarker(latlng, {
          pane: pane || "overlayPane",
          radius: s.radius || 6, color: s.color, weight: 1.5, opacity: s.opacity,
          fillColor: s.fillColor || s.color, fillOpacity: 0.8,
        });
      },
      onEachFeature: onFeature,
    });
  }

  /* Many points (GPS logs, measurement grids, address lists): one canvas drawn in a single pass
   * from typed arrays, instead of one Leaflet object per point. 100,000 points draw in tens of
   * milliseconds and pan smoothly; clicking finds the nearest point and shows its popup. */
  /* What the canvas layers (points, shapes) share: one canvas in the layer's pane, its opacity,
   * Leaflet's zoom animation as a CSS transform, a draw after each move (``_reset``), clicks. */
  var canvasLayerBase = {
    setOpacity: function (opacity) {
      this._opacity = opacity;
      [this._canvas, this._spare].forEach(function (c) { if (c) c.style.opacity = String(opacity); });
    },
    _makeCanvas: function (fitted) {
      var canvas = L.DomUtil.create("canvas", this._className + " leaflet-zoom-animated");
      canvas.style.opacity = String(this._opacity);
      canvas.style.pointerEvents = "none";
      canvas.paragonFitted = fitted;
      this._map.getPane(this._pane || "overlayPane").appendChild(canvas);
      return canvas;
    },
    /* The canvas a view is drawn on: the window's (``fitted`` false) or one of the layer's size
     * (``_frame``). Each kind keeps its own canvas, the other one hidden: a canvas that changes
     * size costs Chromium new images in its next two frames (twenty layers going from a canvas
     * of their size to the window's: 120-210 ms in a zoom step). */
    _canvasFor: function (fitted) {
      if (this._canvas.paragonFitted === fitted) return this._canvas;
      if (!this._spare) {
        this._spare = this._makeCanvas(fitted);
        this._spare.style.display = "none";
      }
      return this._spare;
    },
    /* ``canvas`` (from ``_canvasFor``) is the one shown from now on. */
    _show: function (canvas) {
      if (canvas !== this._canvas) {
        this._canvas.style.display = "none";
        this._spare = this._canvas;
        this._canvas = canvas;
      }
      canvas.style.display = "";
    },
    onAdd: function (map) {
      this._canvas = this._makeCanvas(false);
      map.on("moveend zoomend resize viewreset", this._onView, this);
      map.on("zoomanim", this._animateZoom, this);
      clickable(map, this, true);
      this._drawn = null;
      this._onView();
    },
    /* The map moved (or the layer came): its view is drawn (``_reset``), in a task of its own
     * when an app's move is ending (``appMoveEnding``), the layer counted as drawing until then
     * (an unfinished view stops: the new one is drawn whatever was drawn before). */
    _onView: function () {
      if (!(appMove && appMove.ending)) { this._reset(); return; }
      if (this._job && this._job.queued) return;
      if (this._job) this._drawn = null;
      var self = this, job = (this._job = { queued: true });
      nextTask(function () {
        if (self._job !== job) return;
        self._job = null;
        self._reset();
        if (!self._job) viewsDrawn();  // the view was drawn already, or the layer is away
      });
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      if (this._spare) L.DomUtil.remove(this._spare);
      this._canvas = this._spare = null;
      this._image = null;
      this._drawn = null;
      this._lastAt = null;  // the point layer's working arrays, made again when shown
      this._job = null;  // a view being drawn in slices stops
      viewsDrawn();
      this._list = null;
      map.off("moveend zoomend resize viewreset", this._onView, this);
      map.off("zoomanim", this._animateZoom, this);
      clickable(map, this, false);
    },
    /* Run ``step()`` until it answers that the view is done, then ``show()``. A whole view
     * (``sliced``) is drawn in slices, one per task of the page, each ending once the task has
     * spent about ``P.slicing.ms`` drawing (the first ``wholeMs``), so that the page keeps
     * answering; it starts in a later task when this one has drawn other layers' views for
     * ``P.slicing.turnMs`` already (twenty layers redrawn after the fly-to that ends an import:
     * up to 100 ms in one task). A newer view (or the layer leaving) stops an unfinished one.
     * Otherwise (a pan's strips) it is drawn at once. */
    _drawInSlices: function (sliced, step, show) {
      var self = this, job = (this._job = {}), slices = 0, waited = false;
      function run() {
        if (self._job !== job) return;
        if (sliced && !waited && slices === 0
            && taskDrawing() >= (appMove ? P.slicing.ms : P.slicing.turnMs)) {
          waited = true;
          nextTask(run);
          return;
        }
        slices++;
        while (!step()) {
          if (sliced && taskDrawing() >= (slices === 1 ? P.slicing.wholeMs : P.slicing.ms)) {
            P.longestSlice = Math.max(P.longestSlice || 0, taskDrawing());
            nextTask(run);
            return;
          }
        }
        self._job = null;
        show();
        P.viewSlices = slices;
        P.viewsDrawn = (P.viewsDrawn || 0) + 1;
        viewsDrawn();
      }
      run();
    },
    /* Nothing of the layer can reach its canvas's area (``x0``..``y1``: Web Mercator 0..1,
     * margin included): the canvas is hidden and nothing is drawn, until a view meets the layer
     * again (then shown once that view is drawn). A layer elsewhere costs the page no drawing,
     * and the screen no composited canvas blended again in every frame of a pan (twenty
     * shown canvases, without a GPU: 50-67 ms a frame instead of 33). */
    _away: function (x0, y0, x1, y1) {
      var e = this._extent;
      if (e && !(e[2] < x0 || e[0] > x1 || e[3] < y0 || e[1] > y1)) return false;
      this._canvas.style.display = "none";
      this._drawn = null;  // drawn again once a view meets the layer (a fitted canvas too)
      this._job = null;  // an unfinished view stops
      this._last = null;  // what the canvas held is not the start of a pan
      viewsDrawn();
      return true;
    },
    /* Where the canvas goes for a view whose canvas area is ``area`` ({x, y, w, h}: layer
     * points, CSS pixels): that area, or, when the layer's extent with ``reach`` pixels around
     * it is at most a quarter as wide and high, the extent alone (``fitted``), placed in the map's
     * layer points like the area. A fitted canvas holds the whole layer: a pan at the same zoom
     * draws nothing, and the page hands Chromium a canvas of the layer's size, not the
     * window's (twenty layers redrawn in one frame: 35 ms of copying full-window canvases).
     * A quarter, not all: a layer the app flies to fills at least half the view, and stays on
     * the window's canvas when the user zooms in from there (a canvas shown at a new size costs
     * Chromium new images in its next frames: twenty layers, 120-190 ms in the first zoom step
     * with half). Not with labels, which reach past their feature's box. */
    _frame: function (area, reach) {
      var e = this._extent, map = this._map;
      if (!e || this._labels) return area;
      var world = 256 * Math.pow(2, map.getZoom()), origin = map.getPixelOrigin();
      var x0 = Math.floor(e[0] * world - origin.x - reach), y0 = Math.floor(e[1] * world - origin.y - reach);
      var x1 = Math.ceil(e[2] * world - origin.x + reach), y1 = Math.ceil(e[3] * world - origin.y + reach);
      if (4 * (x1 - x0) > area.w || 4 * (y1 - y0) > area.h) return area;
      return { x: x0, y: y0, w: x1 - x0, h: y1 - y0, fitted: true };
    },
    _animateZoom: function (e) {
      if (!this._bounds) return;  // nothing shown yet (its first view is being drawn)
      var scale = this._map.getZoomScale(e.zoom, this._zoom);
      var offset = this._map._latLngBoundsToNewLayerBounds(this._bounds, e.zoom, e.center).min;
      L.DomUtil.setTransform(this._canvas, offset, scale);
    },
  };

  /* Move a W x H image by (sx, sy) device pixels (the view moved by that much): pixel (x, y)
   * becomes the old (x + sx, y + sy); what has no old pixel is cleared. */
  function shiftPixels(pixels, W, H, sx, sy) {
    var len = W - Math.abs(sx), from = Math.max(0, sx), to = Math.max(0, -sx), y;
    var rows = sy >= 0 ? [0, H - sy, 1] : [H - 1, -sy - 1, -1];
    for (y = rows[0]; y !== rows[1]; y += rows[2]) {
      var src = (y + sy) * W;
      pixels.copyWithin(y * W + to, src + from, src + from + len);
      if (sx > 0) pixels.fill(0, y * W + len, (y + 1) * W);
      else if (sx < 0) pixels.fill(0, y * W, y * W + to);
    }
    if (sy > 0) pixels.fill(0, (H - sy) * W, H * W);
    else if (sy < 0) pixels.fill(0, 0, -sy * W);
  }

  /* ``fn`` in a task of its own, soon: a message to ourselves (a chain of ``setTimeout(0)``
   * waits at least 4 ms a link after the fifth). */
  var taskChannel = new MessageChannel(), tasks = [];
  taskChannel.port1.onmessage = function () { tasks.shift()(); };
  function nextTask(fn) { tasks.push(fn); taskChannel.port2.postMessage(0); }
  P.nextTask = nextTask;  // (tests: a task after those the page has already queued)

  /* How long this task of the page has been drawing views: since its first draw began (a
   * microtask, which runs when the task ends, starts the count again). */
  var drawingSince = null;
  function taskDrawing() {
    if (drawingSince === null) {
      drawingSince = performance.now();
      Promise.resolve().then(function () { drawingSince = null; });
    }
    return performance.now() - drawingSince;
  }

  // A whole view is drawn in slices (``_drawInSlices``), the time checked every ``points``
  // points or ``shapes`` features: a view finished within ``wholeMs`` of the task's drawing is
  // drawn in one (no frame between its slices: 50,000 parcels' pan 29-36 → 35-43 ms when cut
  // at 16 ms), a longer one goes on in slices of about ``ms`` milliseconds. (A count of
  // features above which a view was sliced let 10,000 parcels, under it, take 35-60 ms in one
  // task on a slower day: it is the time that counts.) A layer's view waits for a task of its
  // own when this one has drawn for ``turnMs`` already (a shorter turn made the twenty layers'
  // pan 45 → 75 ms: every extra task lets Chromium composite twenty canvases once more). (A
  // step of 16,384 points ran up to 13 ms past a slice's end: the steps are halved.)
  P.slicing = { ms: 16, wholeMs: 24, turnMs: 40, points: 8192, shapes: 1024 };

  // A move the app makes (the fly-to that ends an import, or to an anchor): the layers redrawn
  // at its end take turns after ``ms`` already. Nobody steers it, so the extra tasks cost
  // nothing felt, and Leaflet's own work at the end of a fly-to (~20 ms) comes on top of the
  // turn: with twenty layers that task took 60-120 ms. Over at the task after its moveend.
  // Its end (``ending``: its zoomend and moveend) is inside one of Leaflet's animation frames,
  // whose task also paints the frame: a view drawn there puts new canvases into that frame
  // (twenty layers: 26-34 ms of drawing, Leaflet's ~20 and the frame's on top, one task of
  // 50-69 ms in 3 loads of 13). No view is made in it, not even its image buffers (5-6 ms a
  // point layer): each layer's waits for a task of its own (``_onView``).
  var appMove = null;
  P.appMoving = function () { return appMove !== null; };
  function startAppMove() {
    var move = (appMove = {});
    function over() { if (appMove === move) appMove = null; }
    P.map.once("moveend", function () { nextTask(over); });
    setTimeout(over, 3000);  // a move that never ends (the view was already there) is over too
  }
  /* (Listens before any layer does: the layers' zoomend and moveend come after it.) */
  function appMoveEnding() {
    var move = appMove;
    if (!move || move.ending) return;
    move.ending = true;
    nextTask(function () { move.ending = false; });
  }

  /* How many layers on the map are still drawing their view in slices; ``afterDrawing(fn)``
   * calls ``fn`` once none is (at once when none is now). */
  P.drawingViews = function () {
    var busy = 0;
    if (P.map) P.map.eachLayer(function (layer) { if (layer._job) busy++; });
    return busy;
  };
  var afterDrawn = [];
  P.afterDrawing = function (fn) { afterDrawn.push(fn); viewsDrawn(); };
  function viewsDrawn() {
    if (!afterDrawn.length || P.drawingViews()) return;
    var waiting = afterDrawn;
    afterDrawn = [];
    waiting.forEach(function (fn) { fn(); });
  }

  var PointLayer = null;  // L.Layer.extend(pointLayerSpec) once Leaflet has loaded (start)
  var pointLayerSpec = {
    /* ``packed``: ParagonPack's points (Web Mercator x/y 0..1, colour index, palette, radius);
     * ``popup(i, latlng)`` shows point i's properties. */
    initialize: function (packed, popup) {
      this._x = packed.x;
      this._y = packed.y;
      this._colour = packed.colour;
      this._palette = packed.palette;
      this._radius = packed.radius;
      this._popup = popup;
      this._opacity = 1;
      this._grid = packed.grid;
      this._cellStart = packed.cellStart;
      this._cellOrder = packed.cellOrder;
      this._crowded = 16;
      // [x0, y0, x1, y1] (Web Mercator 0..1), or null: measured in the layer worker (a pass
      // over a million points on the page took 9-14 ms, or 105-125 ms when V8 had not compiled
      // the loop yet, its compiler short of a core during an import: one task of 100-140 ms).
      this._extent = packed.extent;
    },
    /* The points in the cells that meet these rectangles of the canvas ([x0, x1, y0, y1] in
     * device pixels), in their order: a list to draw instead of every point, or null when that
     * would not save much (most points are in them). ``own``: in a new array, not in the one
     * the draws share. */
    _candidates: function (rects, world, dx, dy, ratio, own) {
      var grid = this._grid, n = this._x.length;
      if (!grid || !this._cellOrder) return null;
      var g = grid.g, start = this._cellStart, order = this._cellOrder, ranges = [], total = 0;
      function cell(v, v0, size) { return Math.max(0, Math.min(g - 1, Math.floor((v - v0) / size))); }
      rects.forEach(function (r) {
        var range = [cell((r[0] / ratio + dx) / world, grid.x0, grid.cw),
                     cell((r[1] / ratio + dx) / world, grid.x0, grid.cw),
                     cell((r[2] / ratio + dy) / world, grid.y0, grid.ch),
                     cell((r[3] / ratio + dy) / world, grid.y0, grid.ch)];
        ranges.push(range);
      });
      function seen(k, cx, cy) {  // in an earlier rectangle's cells
        for (var j = 0; j < k; j++) {
          var q = ranges[j];
          if (cx >= q[0] && cx <= q[1] && cy >= q[2] && cy <= q[3]) return true;
        }
        return false;
      }
      var k, cx, cy;
      for (k = 0; k < ranges.length; k++) {
        for (cy = ranges[k][2]; cy <= ranges[k][3]; cy++) {
          for (cx = ranges[k][0]; cx <= ranges[k][1]; cx++) {
            if (!seen(k, cx, cy)) total += start[cy * g + cx + 1] - start[cy * g + cx];
          }
        }
      }
      if (total > n / 2) return null;
      // A view's draw keeps its list (a view of ``_list``) across its slices: a click between
      // them gets a list of its own, or the draw goes on from the click's points.
      var list = own ? new Uint32Array(total)
        : this._list && this._list.length >= total ? this._list : (this._list = new Uint32Array(n));
      var m = 0;
      for (k = 0; k < ranges.length; k++) {
        for (cy = ranges[k][2]; cy <= ranges[k][3]; cy++) {
          for (cx = ranges[k][0]; cx <= ranges[k][1]; cx++) {
            if (seen(k, cx, cy)) continue;
            var c = cy * g + cx;
            list.set(order.subarray(start[c], start[c + 1]), m);
            m += start[c + 1] - start[c];
          }
        }
      }
      return list.subarray(0, m).sort();
    },
    /* A disc of pixel offsets (fill) and its rim (border) for the point radius. */
    _stamp: function (ratio) {
      if (this._stampCache && this._stampCache.ratio === ratio) return this._stampCache;
      var r = this._radius * ratio, outer = Math.ceil(r), fill = [], rim = [];
      for (var dy = -outer; dy <= outer; dy++) {
        for (var dx = -outer; dx <= outer; dx++) {
          var d = Math.sqrt(dx * dx + dy * dy);
          if (d <= r - 1.2 * ratio) fill.push(dx, dy);
          else if (d <= r) rim.push(dx, dy);
        }
      }
      var colours = this._palette.map(function (css) {
        var probe = document.createElement("canvas").getContext("2d");
        probe.fillStyle = css;
        var hex = probe.fillStyle;  // normalised to #rrggbb
        var n = parseInt(hex.slice(1), 16) || 0x3b5bdb;
        var r8 = (n >> 16) & 255, g8 = (n >> 8) & 255, b8 = n & 255;
        // ImageData is RGBA in memory: little-endian Uint32 is 0xAABBGGRR.
        return { fill: ((204 << 24) | (b8 << 16) | (g8 << 8) | r8) >>> 0,
                 rim: ((255 << 24) | (b8 << 16) | (g8 << 8) | r8) >>> 0 };
      });
      this._stampCache = { ratio: ratio, outer: outer, fill: new Int16Array(fill),
                           rim: new Int16Array(rim), colours: colours };
      return this._stampCache;
    },
    /* Drawn by writing pixels: drawImage or arc() per point is slow in Chromium's software
     * canvas (no GPU here, nor on many crisis-cell laptops); this takes a few ms per 10,000. */
    _reset: function () {
      var map = this._map;
      if (!map || !this._canvas) return;
      var size = map.getSize(), ratio = window.devicePixelRatio || 1, reach = this._radius + 1;
      var viewLeft = map.containerPointToLayerPoint([0, 0]);
      var frame = this._frame({ x: viewLeft.x, y: viewLeft.y, w: size.x, h: size.y }, reach);
      var topLeft = L.point(frame.x, frame.y), fitted = !!frame.fitted;
      var origin = map.getPixelOrigin(), zoom = map.getZoom();
      // One zoom step fires viewreset, zoomend and moveend: the view is drawn once.
      var view = [zoom, origin.x, origin.y, frame.x, frame.y, frame.w, frame.h, ratio].join();
      if (view === this._drawn) {
        // Undoes a zoom animation's scale; an unfinished view is placed when it is shown.
        if (!this._job) L.DomUtil.setPosition(this._canvas, topLeft);
        return;
      }
      this._drawn = view;
      var canvas = this._canvasFor(fitted), world0 = 256 * Math.pow(2, zoom);
      var vx = origin.x + viewLeft.x, vy = origin.y + viewLeft.y;
      if (this._away((vx - reach) / world0, (vy - reach) / world0,
                     (vx + size.x + reach) / world0, (vy + size.y + reach) / world0)) return;
      P.pointRedraws = (P.pointRedraws || 0) + 1;
      var W = Math.max(1, Math.round(frame.w * ratio)), H = Math.max(1, Math.round(frame.h * ratio));
      var ctx = canvas.getContext("2d"), stamp = this._stamp(ratio);
      // A pan at the same zoom: what was drawn moves along and only the uncovered strips are
      // drawn (a million points: every disc in view was written again on each pan). A fitted
      // canvas is never moved along (nor the start of a move): a pan does not draw it at all.
      var last = fitted ? null : this._last, sx = 0, sy = 0;
      if (last && this._image && last.zoom === zoom && last.ox === origin.x && last.oy === origin.y
          && last.W === W && last.H === H && last.ratio === ratio) {
        sx = (topLeft.x - last.tx) * ratio; sy = (topLeft.y - last.ty) * ratio;
      }
      var shift = (sx || sy) && sx === Math.round(sx) && sy === Math.round(sy)
        && Math.abs(sx) < W / 2 && Math.abs(sy) < H / 2;
      this._last = fitted ? null : { zoom: zoom, ox: origin.x, oy: origin.y, tx: topLeft.x,
                                     ty: topLeft.y, W: W, H: H, ratio: ratio };
      if (!this._image || this._image.width !== W || this._image.height !== H) {
        this._image = ctx.createImageData(W, H);  // kept: not a new full-window buffer per draw
        this._pixels = new Uint32Array(this._image.data.buffer);
      } else if (!shift) {
        this._pixels.fill(0);
      }
      var bounds = L.latLngBounds(map.layerPointToLatLng(topLeft),
                                  map.layerPointToLatLng(topLeft.add([frame.w, frame.h])));
      var world = 256 * Math.pow(2, zoom);
      var dx = origin.x + topLeft.x, dy = origin.y + topLeft.y;
      var image = this._image, pixels = this._pixels;
      // The uncovered strips: columns [ex0, ex1) and rows [ey0, ey1); everything when not a pan.
      var ex0 = 0, ex1 = W, ey0 = 0, ey1 = 0;
      if (shift) {
        P.pointShifts = (P.pointShifts || 0) + 1;
        shiftPixels(pixels, W, H, sx, sy);
        ex0 = sx > 0 ? W - sx : 0; ex1 = sx > 0 ? W : -sx;
        ey0 = sy > 0 ? H - sy : 0; ey1 = sy > 0 ? H : -sy;
      }
      var fill = stamp.fill, rim = stamp.rim, nf = fill.length, nr = rim.length, o = stamp.outer;
      var xs = this._x, ys = this._y, cs = this._colour, colours = stamp.colours;
      // Only the points that can reach what is drawn (the strips, or the view), when the grid
      // says they are a minority; in the same order as all of them.
      var rects = !shift ? [[-o, W + o, -o, H + o]]
        : [ex1 > ex0 ? [ex0 - o, ex1 + o, -o, H + o] : null,
           ey1 > ey0 ? [-o, W + o, ey0 - o, ey1 + o] : null].filter(Boolean);
      var list = this._candidates(rects, world, dx, dy, ratio), n = list ? list.length : xs.length;
      P.pointCandidates = list ? n : -1;
      var lastAt = null, LW = W + 2 * o;
      // Where points crowd (more than one for every ``_crowded`` pixels), a disc with a later
      // one at the same centre is covered by it entirely: only the last at each centre is drawn
      // (a million points at the layer's extent: a fraction of the discs, the same pixels).
      if (n > W * H / this._crowded) {
        var cells = LW * (H + 2 * o);
        lastAt = this._lastAt && this._lastAt.length >= cells ? this._lastAt
          : (this._lastAt = new Int32Array(cells));
        lastAt.fill(0, 0, cells);
      }
      P.pointsCrowded = !!lastAt;
      // (The loops' variables are their own: written from a closure, V8 keeps shared ones in
      // the heap, not in registers.)
      function crowd(from, to) {
        var i, px, py;
        for (var j = from; j < to; j++) {
          i = list ? list[j] : j;
          px = Math.round((xs[i] * world - dx) * ratio); py = Math.round((ys[i] * world - dy) * ratio);
          if (px < -o || py < -o || px >= W + o || py >= H + o) continue;
          lastAt[(py + o) * LW + px + o] = j + 1;
        }
      }
      function draw(from, to) {
        var i, px, py;
        for (var j = from; j < to; j++) {
          i = list ? list[j] : j;
          px = Math.round((xs[i] * world - dx) * ratio); py = Math.round((ys[i] * world - dy) * ratio);
          if (px < -o || py < -o || px >= W + o || py >= H + o) continue;
          if (lastAt && lastAt[(py + o) * LW + px + o] !== j + 1) continue;
          var colour = colours[cs[i]], k, x, y;
          if (shift) {
            // Only where it reaches the uncovered strips, and only their pixels: the rest is as
            // drawn before, in the same order.
            if (!(ex1 > ex0 && px + o >= ex0 && px - o < ex1)
                && !(ey1 > ey0 && py + o >= ey0 && py - o < ey1)) continue;
            for (k = 0; k < nf; k += 2) {
              x = px + fill[k]; y = py + fill[k + 1];
              if (x >= 0 && y >= 0 && x < W && y < H && ((x >= ex0 && x < ex1) || (y >= ey0 && y < ey1))) {
                pixels[y * W + x] = colour.fill;
              }
            }
            for (k = 0; k < nr; k += 2) {
              x = px + rim[k]; y = py + rim[k + 1];
              if (x >= 0 && y >= 0 && x < W && y < H && ((x >= ex0 && x < ex1) || (y >= ey0 && y < ey1))) {
                pixels[y * W + x] = colour.rim;
              }
            }
          } else if (px >= o && py >= o && px < W - o && py < H - o) {
            var at = py * W + px;
            for (k = 0; k < nf; k += 2) pixels[at + fill[k + 1] * W + fill[k]] = colour.fill;
            for (k = 0; k < nr; k += 2) pixels[at + rim[k + 1] * W + rim[k]] = colour.rim;
          } else {  // at the edge: clip pixel by pixel
            for (k = 0; k < nf; k += 2) {
              x = px + fill[k]; y = py + fill[k + 1];
              if (x >= 0 && y >= 0 && x < W && y < H) pixels[y * W + x] = colour.fill;
            }
            for (k = 0; k < nr; k += 2) {
              x = px + rim[k]; y = py + rim[k + 1];
              if (x >= 0 && y >= 0 && x < W && y < H) pixels[y * W + x] = colour.rim;
            }
          }
        }
      }
      // A pan's strips are drawn at once (what moved along is only half a picture). A whole
      // view is drawn in slices when it takes longer than one (a million points at the
      // layer's extent: 110-150 ms in one go); until it is finished the canvas shows what it
      // showed, and an unfinished view (sliced, or waiting for its turn) is never the start of
      // a pan.
      var self = this, phases = lastAt ? [crowd, draw] : [draw], phase = 0, done = 0;
      var sliced = !shift, finished = this._last;
      if (!shift) this._last = null;
      this._drawInSlices(sliced, function () {
        var to = sliced ? Math.min(n, done + P.slicing.points) : n;
        phases[phase](done, to);
        done = to;
        if (done === n) { phase++; done = 0; }
        return phase === phases.length;
      }, function () {
        self._show(canvas);
        if (canvas.width !== W || canvas.height !== H) {
          canvas.width = W; canvas.height = H;
          canvas.style.width = frame.w + "px"; canvas.style.height = frame.h + "px";
        }
        L.DomUtil.setPosition(canvas, topLeft);
        self._zoom = zoom;
        self._bounds = bounds;
        ctx.putImageData(image, 0, 0);
        self._last = finished;
      });
    },
    /* The nearest point within reach of the click, or nothing. */
    nearest: function (containerPoint) {
      var map = this._map, world = 256 * Math.pow(2, map.getZoom());
      var origin = map.getPixelOrigin(), topLeft = map.containerPointToLayerPoint([0, 0]);
      var ox = origin.x + topLeft.x, oy = origin.y + topLeft.y;
      var cx = containerPoint.x + ox, cy = containerPoint.y + oy, r = this._radius + 3;
      var best = -1, reach = r * r;
      // The points of the grid cells around the click, in their order (the last one nearest
      // wins, as when all of them are measured).
      var list = this._candidates([[containerPoint.x - r, containerPoint.x + r,
                                    containerPoint.y - r, containerPoint.y + r]], world, ox, oy, 1, true);
      var n = list ? list.length : this._x.length;
      for (var j = 0; j < n; j++) {
        var i = list ? list[j] : j;
        var ddx = this._x[i] * world - cx, ddy = this._y[i] * world - cy, d = ddx * ddx + ddy * ddy;
        if (d <= reach) { reach = d; best = i; }
      }
      return best;
    },
    hit: function (latlng, containerPoint) { return this.nearest(containerPoint); },
    openPopup: function (i) { this._popup(i, mercLatLng(this._x[i], this._y[i])); },
  };

  var mercX = ParagonPack.mercX, mercY = ParagonPack.mercY;
  function mercLatLng(x, y) { return L.latLng(ParagonPack.mercLat(y), x * 360 - 180); }

  /* Many lines and areas (parcels, buildings, networks): one canvas like the point layer. The
   * vertices are projected once into typed arrays; a view draws only the features inside it, each
   * ring thinned to the pixels it covers at that zoom, a feature smaller than a pixel as a dot,
   * one path per style. Leaflet's own renderer keeps an object per vertex and re-projects and
   * redraws every vertex of every feature on each zoom step (50,000 parcels: 1.5 s a step). */
  var ShapeLayer = null;  // L.Layer.extend(shapeLayerSpec) once Leaflet has loaded (start)
  var SHAPE_PADDING = 0.15;  // drawn around the window too: a short pan shows them at once
  var SHAPE_SMALL_PX = 16;  // features smaller than this on screen are written as pixels

  /* A CSS colour as [r, g, b] (the canvas normalises any CSS colour to #rrggbb). */
  function cssRgb(css) {
    var probe = cssRgb.ctx || (cssRgb.ctx = document.createElement("canvas").getContext("2d"));
    probe.fillStyle = "#3b5bdb";
    probe.fillStyle = css;
    var text = String(probe.fillStyle);
    if (text.charAt(0) !== "#") return text.replace(/[^\d,.]/g, "").split(",").slice(0, 3).map(Number);
    var n = parseInt(text.slice(1), 16);
    return isFinite(n) ? [(n >> 16) & 255, (n >> 8) & 255, n & 255] : [59, 91, 219];
  }

  /* ``rgb`` at opacity ``a`` over the pixel (RGBA in memory, unpremultiplied: source-over). */
  function blendPixel(pixels, at, rgb, a) {
    var d = pixels[at], da = (d >>> 24) / 255, k = da * (1 - a), oa = a + k;
    var r = (rgb[0] * a + (d & 255) * k) / oa, g = (rgb[1] * a + ((d >>> 8) & 255) * k) / oa;
    var b = (rgb[2] * a + ((d >>> 16) & 255) * k) / oa;
    pixels[at] = ((Math.round(oa * 255) << 24) | (Math.round(b) << 16) | (Math.round(g) << 8) | Math.round(r)) >>> 0;
  }
  var shapeLayerSpec = {
    /* ``packed``: ParagonPack's shapes (vertices, rings, boxes, styles); ``popup(i, latlng)``
     * shows feature i's properties. */
    initialize: function (packed, popup) {
      this._n = packed.n;
      this._xy = packed.xy;
      this._ringStart = packed.ringStart;
      this._firstRing = packed.firstRing;
      this._area = packed.area;
      this._box = packed.box;
      this._styleOf = packed.styleOf;
      this._styles = packed.styles;
      this._popup = popup;
      this._opacity = 1;
      this._labels = null;
      this._labelsDrawn = 0;
      this._extent = packed.extent;  // [x0, y0, x1, y1] (Web Mercator 0..1), or null
      // How far a feature's drawing reaches past its box (half its widest stroke, the joins).
      this._reach = 2 + Math.ceil(Math.max.apply(null, packed.styles.map(function (st) {
        return st.weight / 2; }).concat([0])));
    },
    getBounds: function () {
      var e = this._extent || [Infinity, Infinity, -Infinity, -Infinity];
      return L.latLngBounds(mercLatLng(e[0], e[3]), mercLatLng(e[2], e[1]));
    },
    /* One label text per feature (or none): drawn for the features in view. */
    setLabels: function (texts) {
      this._labels = texts || null;
      this._drawn = null;
      this._reset();
    },
    _reset: function () {
      var map = this._map;
      if (!map || !this._canvas) return;
      var size = map.getSize(), ratio = window.devicePixelRatio || 1, pad = SHAPE_PADDING;
      var padded = map.containerPointToLayerPoint([-size.x * pad, -size.y * pad]).round();
      var aw = Math.round(size.x * (1 + 2 * pad)), ah = Math.round(size.y * (1 + 2 * pad));
      var frame = this._frame({ x: padded.x, y: padded.y, w: aw, h: ah }, this._reach);
      var min = L.point(frame.x, frame.y);
      var origin = map.getPixelOrigin(), zoom = map.getZoom();
      var view = [zoom, origin.x, origin.y, frame.x, frame.y, frame.w, frame.h, ratio].join();
      if (view === this._drawn) {
        // Undoes a zoom animation's scale; an unfinished view is placed when it is shown.
        if (!this._job) L.DomUtil.setPosition(this._canvas, min);
        return;
      }
      this._drawn = view;
      var canvas = this._canvasFor(!!frame.fitted);
      P.shapeRedraws = (P.shapeRedraws || 0) + 1;
      var t0 = performance.now();
      var w = frame.w, h = frame.h;
      var W = Math.max(1, Math.round(w * ratio)), H = Math.max(1, Math.round(h * ratio));
      var ctx = canvas.getContext("2d");
      var bounds = L.latLngBounds(map.layerPointToLatLng(min), map.layerPointToLatLng(min.add([w, h])));
      var world = 256 * Math.pow(2, zoom), ax = origin.x + padded.x, ay = origin.y + padded.y;
      if (this._away(ax / world, ay / world, (ax + aw) / world, (ay + ah) / world)) return;
      var dx = origin.x + min.x, dy = origin.y + min.y;
      var x0 = dx / world, y0 = dy / world, x1 = (dx + w) / world, y1 = (dy + h) / world;
      var box = this._box, xy = this._xy, ringStart = this._ringStart, first = this._firstRing;
      var area = this._area, styleOf = this._styleOf, n = this._n, self = this;
      var styles = this._styles, paths = styles.map(function () { return { area: null, line: null }; });
      var labels = this._labels ? [] : null, small = SHAPE_SMALL_PX / world, pixels = null;
      // A view is drawn in slices when it takes longer than one (50,000 parcels at their
      // extent: 55-105 ms in one go, 10,000 35-60 ms); until it is finished the canvas shows
      // what it showed.
      var next = 0;
      this._drawInSlices(true, function () {
        var end = Math.min(n, next + P.slicing.shapes), i;
        for (i = next; i < end; i++) {
          var bx = 4 * i;
          if (box[bx + 2] < x0 || box[bx] > x1 || box[bx + 3] < y0 || box[bx + 1] > y1) continue;
          if (labels && labels.length < LABEL_LIMIT) labels.push(i);
          var s = styles[styleOf[i]];
          if (box[bx + 2] - box[bx] < small && box[bx + 3] - box[bx + 1] < small && !s.dash.length) {
            // A few pixels across at this zoom: written as pixels (a path call per vertex would
            // cost more than the whole view: 50,000 parcels took half a second that way).
            pixels = pixels || self._pixelsFor(ctx, W, H);
            self._rasterise(i, pixels, W, H, world * ratio, dx * ratio, dy * ratio, s);
            continue;
          }
          var isArea = area[i] === 1, p = paths[styleOf[i]];
          var path = isArea ? (p.area || (p.area = new Path2D())) : (p.line || (p.line = new Path2D()));
          for (var r = first[i]; r < first[i + 1]; r++) {
            var k = ringStart[r], last = ringStart[r + 1];
            if (last - k < 2) continue;
            var lx = xy[2 * k] * world - dx, ly = xy[2 * k + 1] * world - dy;
            path.moveTo(lx, ly);
            for (k += 1; k < last; k++) {
              var px = xy[2 * k] * world - dx, py = xy[2 * k + 1] * world - dy;
              // Thinned to what this zoom can show: a vertex within half a pixel adds nothing.
              if (k < last - 1 && Math.abs(px - lx) + Math.abs(py - ly) < 0.5) continue;
              path.lineTo(px, py);
              lx = px; ly = py;
            }
            if (isArea) path.closePath();
          }
        }
        next = end;
        return next === n;
      }, function () {
        var t1 = performance.now();
        self._show(canvas);
        if (canvas.width !== W || canvas.height !== H) {
          canvas.width = W; canvas.height = H;
          canvas.style.width = w + "px"; canvas.style.height = h + "px";
        }
        L.DomUtil.setPosition(canvas, min);
        self._zoom = zoom;
        self._bounds = bounds;
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.clearRect(0, 0, W, H);
        if (pixels) ctx.putImageData(self._image, 0, 0);  // under the bigger ones
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
        ctx.lineCap = "round"; ctx.lineJoin = "round";
        styles.forEach(function (s, index) {
          var p = paths[index];
          if (p.area && s.fillOpacity > 0) {
            ctx.globalAlpha = s.fillOpacity; ctx.fillStyle = s.fillColor; ctx.fill(p.area, "evenodd");
          }
          ctx.setLineDash(s.dash);
          ctx.globalAlpha = s.opacity; ctx.strokeStyle = s.color; ctx.lineWidth = s.weight;
          if (s.weight > 0) {
            if (p.area) ctx.stroke(p.area);
            if (p.line) ctx.stroke(p.line);
          }
          ctx.setLineDash([]);
        });
        ctx.globalAlpha = 1;
        self._labelsDrawn = labels ? self._drawLabels(ctx, labels, world, dx, dy) : 0;
        // For diagnostics and benchmarks: where the last draw's time went.
        P.lastShapeDraw = { paths: t1 - t0, paint: performance.now() - t1 };
      });
    },
    _pixelsFor: function (ctx, W, H) {
      if (!this._image || this._image.width !== W || this._image.height !== H) {
        this._image = ctx.createImageData(W, H);  // kept: not a new buffer per draw
        this._pixels = new Uint32Array(this._image.data.buffer);
      } else {
        this._pixels.fill(0);
      }
      this._styles.forEach(function (s) {
        if (!s.rgb) { s.rgb = cssRgb(s.color); s.fillRgb = cssRgb(s.fillColor); }
      });
      return this._pixels;
    },
    /* One small feature into the pixels: its area filled row by row (even-odd, so holes stay
     * open), its outline one device pixel wide, both blended over what is there. */
    _rasterise: function (i, pixels, W, H, world, dx, dy, s) {
      var xy = this._xy, ringStart = this._ringStart, first = this._firstRing;
      var edges = this._edges || (this._edges = new Float64Array(4096)), ne = 0;
      var minY = Infinity, maxY = -Infinity, r, k, end;
      for (r = first[i]; r < first[i + 1]; r++) {
        k = ringStart[r]; end = ringStart[r + 1];
        var lx = xy[2 * k] * world - dx, ly = xy[2 * k + 1] * world - dy;
        for (k += 1; k < end; k++) {
          var px = xy[2 * k] * world - dx, py = xy[2 * k + 1] * world - dy;
          if (k < end - 1 && Math.abs(px - lx) + Math.abs(py - ly) < 0.5) continue;
          if (4 * ne + 4 > edges.length) {
            var grown = new Float64Array(edges.length * 2); grown.set(edges); this._edges = edges = grown;
          }
          edges[4 * ne] = lx; edges[4 * ne + 1] = ly; edges[4 * ne + 2] = px; edges[4 * ne + 3] = py;
          ne += 1;
          if (ly < minY) minY = ly; if (ly > maxY) maxY = ly;
          if (py < minY) minY = py; if (py > maxY) maxY = py;
          lx = px; ly = py;
        }
      }
      var e, c, fill = s.fillRgb, a = s.fillOpacity;
      if (this._area[i] && a > 0) {
        var xs = this._crossings || (this._crossings = []);
        for (var row = Math.max(0, Math.floor(minY)); row <= Math.min(H - 1, Math.ceil(maxY)); row++) {
          var sy = row + 0.5, nx = 0;
          for (e = 0; e < ne; e++) {
            var ay = edges[4 * e + 1], by = edges[4 * e + 3];
            if ((ay <= sy) !== (by <= sy)) {
              var ax = edges[4 * e];
              xs[nx++] = ax + (sy - ay) * (edges[4 * e + 2] - ax) / (by - ay);
            }
          }
          for (c = 1; c < nx; c++) {  // a handful of crossings: insertion sort
            var v = xs[c], j = c - 1;
            while (j >= 0 && xs[j] > v) { xs[j + 1] = xs[j]; j--; }
            xs[j + 1] = v;
          }
          for (c = 0; c + 1 < nx; c += 2) {
            var from = Math.max(0, Math.ceil(xs[c] - 0.5)), to = Math.min(W - 1, Math.floor(xs[c + 1] - 0.5));
            for (var col = from; col <= to; col++) blendPixel(pixels, row * W + col, fill, a);
          }
        }
      }
      if (s.weight > 0 && s.opacity > 0) {
        var rgb = s.rgb, o = s.opacity;
        for (e = 0; e < ne; e++) {
          var x0 = edges[4 * e], y0 = edges[4 * e + 1], ddx = edges[4 * e + 2] - x0, ddy = edges[4 * e + 3] - y0;
          var steps = Math.max(1, Math.ceil(Math.max(Math.abs(ddx), Math.abs(ddy))));
          for (c = 0; c < steps; c++) {
            var x = Math.floor(x0 + ddx * c / steps), y = Math.floor(y0 + ddy * c / steps);
            if (x >= 0 && y >= 0 && x < W && y < H) blendPixel(pixels, y * W + x, rgb, o);
          }
        }
      }
    },
    /* Labels as text on the canvas (never markup), at the middle of each feature in view. */
    _drawLabels: function (ctx, indexes, world, dx, dy) {
      var texts = this._labels, box = this._box, drawn = 0;
      ctx.font = "11px sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
      for (var j = 0; j < indexes.length; j++) {
        var i = indexes[j], text = texts[i];
        if (!text) continue;
        var bx = 4 * i;
        var cx = (box[bx] + box[bx + 2]) / 2 * world - dx, cy = (box[bx + 1] + box[bx + 3]) / 2 * world - dy;
        var tw = ctx.measureText(text).width;
        ctx.fillStyle = "rgba(255,255,255,0.8)";
        ctx.fillRect(cx - tw / 2 - 3, cy - 7, tw + 6, 14);
        ctx.fillStyle = "#212529";
        ctx.fillText(text, cx, cy);
        drawn += 1;
      }
      return drawn;
    },
    /* The feature under a click: the topmost area containing it, or a line within reach. */
    hit: function (latlng) {
      var map = this._map, world = 256 * Math.pow(2, map.getZoom());
      var x = mercX(latlng.lng), y = mercY(latlng.lat), box = this._box, xy = this._xy;
      var first = this._firstRing, ringStart = this._ringStart;
      for (var i = this._n - 1; i >= 0; i--) {
        var s = this._styles[this._styleOf[i]], reach = (s.weight / 2 + 3) / world, bx = 4 * i;
        if (x < box[bx] - reach || x > box[bx + 2] + reach || y < box[bx + 1] - reach || y > box[bx + 3] + reach) continue;
        var inside = false, near = false;
        for (var r = first[i]; r < first[i + 1]; r++) {
          for (var k = ringStart[r], end = ringStart[r + 1], j = end - 1; k < end; j = k++) {
            var ax = xy[2 * k], ay = xy[2 * k + 1], qx = xy[2 * j], qy = xy[2 * j + 1];
            if (this._area[i] && (ay > y) !== (qy > y) && x < (qx - ax) * (y - ay) / (qy - ay) + ax) inside = !inside;
            if (j === end - 1 && !this._area[i]) continue;  // a line is not closed
            var ex = qx - ax, ey = qy - ay, len = ex * ex + ey * ey;
            var t = len ? Math.max(0, Math.min(1, ((x - ax) * ex + (y - ay) * ey) / len)) : 0;
            var ddx = ax + t * ex - x, ddy = ay + t * ey - y;
            if (ddx * ddx + ddy * ddy <= reach * reach) near = true;
          }
        }
        if (inside || near) return i;
      }
      return -1;
    },
    openPopup: function (i, latlng) {
      this._popup(i, latlng);
    },
  };

  /* Clicks on the canvas layers (points, shapes): the topmost layer with a feature there. */
  function clickable(map, layer, on) {
    P.clickables = (P.clickables || []).filter(function (l) { return l !== layer; });
    if (on) P.clickables.push(layer);
    if (!P.clickBound) {
      P.clickBound = true;
      map.on("click", function (e) {
        if (P.pick || P.edit) return;
        var z = function (l) { return Number((map.getPane(l._pane || "overlayPane") || {}).style.zIndex || 0); };
        var layers = P.clickables.slice().sort(function (a, b) { return z(b) - z(a); });
        for (var k = 0; k < layers.length; k++) {
          var i = layers[k].hit(e.latlng, e.containerPoint);
          if (i >= 0) { layers[k].openPopup(i, e.latlng); return; }
        }
      });
    }
  }

  var handlers = {
    background: function (op) {
      if (P.background) { P.map.removeLayer(P.background); P.background = null; }
      if (op.tile_url) {
        // Leaflet shows attributions as markup: the user's (or a service's) text is escaped.
        var options = { attribution: escapeHtml(op.attribution || ""), maxZoom: 19 };
        P.background = op.tile_url.indexOf(BBOX) >= 0 ? new BBoxLayer(op.tile_url, options)
                                                       : L.tileLayer(op.tile_url, options);
        P.background.addTo(P.map);
        P.background.bringToBack();
      }
    },
    /* Offline basemaps (MBTiles/PMTiles on this machine), bottom first, each with its opacity;
     * where a basemap has no tile the plain background shows. Its zooms are in its credit. */
    basemaps: function (op) {
      (P.basemapLayers || []).forEach(function (layer) { P.map.removeLayer(layer); });
      P.basemapLayers = (op.items || []).map(function (b, index) {
        var options = {
          minNativeZoom: b.minzoom, maxNativeZoom: b.maxzoom, maxZoom: 19, opacity: b.opacity,
          zIndex: 1 + index, attribution: "",
        };
        if (b.bounds) options.bounds = [[b.bounds[1], b.bounds[0]], [b.bounds[3], b.bounds[2]]];
        var layer = L.tileLayer("paragon://app/tiles/" + encodeURIComponent(b.id) + "/{z}/{x}/{y}", options);
        layer.paragonCredit = b.name + " (zoom " + b.minzoom + "–" + b.maxzoom + ")"
          + (b.attribution ? " · " + b.attribution : "");
        layer.addTo(P.map);
        return layer;
      });
      showCredits();
      if (P.background) P.background.setZIndex(100);
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
      var sym = op.symbol || { colour: "#495057", glyph: "", dashed: false, fill: 0.15 };
      var polygonal = op.geometry.type !== "Point";
      var layer = polygonal
        ? makeGeoJson(op.geometry, { color: sym.colour, weight: 2.5, fillOpacity: sym.fill,
                                     dashArray: sym.dashed ? "6 4" : null })
        : L.marker([op.geometry.coordinates[1], op.geometry.coordinates[0]],
                   { icon: anchorIcon(sym), keyboard: false });
      layer.bindPopup(popupNode(op.name, op.description, { categorie: op.category_label }));
      if (polygonal) {
        layer.bindTooltip(el("span", null, op.name));
      } else {
        // Key locations carry their name on the map, as on a paper situation map.
        layer.bindTooltip(el("span", null, op.name), { permanent: true, direction: "right", offset: [10, 0],
                                     className: "paragon-anchor-label" });
      }
      P.anchors[op.id] = layer;
      P.anchorData[op.id] = op;
      P.anchorGroup.addLayer(layer);
      updateLegend();
    },
    "anchor.remove": function (op) {
      var old = P.anchors[op.id];
      if (old) { P.anchorGroup.removeLayer(old); delete P.anchors[op.id]; }
      delete P.anchorData[op.id];
      updateLegend();
    },
    /* Change an anchor's shape on the map: every vertex a handle to drag, and one handle in the
     * middle that moves the whole anchor. Python asks for the result (edit.finish) or drops it. */
    "edit.start": function (op) { startEdit(op.id); },
    "edit.finish": function () { finishEdit(); },
    "edit.stop": function () { stopEdit(); },
    "layer.upsert": function (op) {
      var entry = P.layers[op.id];
      if (entry) { entry.style = op.style; entry.name = op.name; }
      else {
        P.layers[op.id] = entry = { layer: null, visible: false, style: op.style, name: op.name,
                                    count: 0, opacity: 1, wanted: 0 };
      }
      entry.service = op.service || null;
      if (op.service && (op.service.kind === "wms" || op.service.kind === "wmts") && !entry.layer) {
        setServiceLayer(op.id, op.service);
      }
      handlers["layer.opacity"]({ id: op.id, opacity: op.opacity === undefined ? 1 : op.opacity });
      handlers["layer.visible"]({ id: op.id, visible: op.visible });
    },
    "layer.visible": function (op) {
      var entry = P.layers[op.id];
      if (!entry) return;
      entry.visible = !!op.visible;
      updateLegend();
      if (!entry.layer) return;
      if (entry.visible && !P.map.hasLayer(entry.layer)) entry.layer.addTo(P.map);
      if (!entry.visible && P.map.hasLayer(entry.layer)) P.map.removeLayer(entry.layer);
      if (entry.service) showCredits();
    },
    "layer.opacity": function (op) {
      var entry = P.layers[op.id];
      if (!entry) return;
      entry.opacity = op.opacity;
      if (entry.layer) applyOpacity(entry);
    },
    "layer.order": function (op) { P.order = op.ids || []; applyOrder(); },
    "layer.labels": function (op) {
      var entry = P.layers[op.id];
      if (!entry) return;
      entry.labelField = op.field || null;
      applyLabels(entry);
    },
    "layer.remove": function (op) {
      var entry = P.layers[op.id];
      if (entry && entry.layer) P.map.removeLayer(entry.layer);
      if (entry && entry.refreshTimer) clearInterval(entry.refreshTimer);
      if (entry && entry.revision !== undefined) P.source.ask({ op: "drop", id: op.id });
      delete P.layers[op.id];
      updateLegend();
    },
    /* The layer's GeoJSON is fetched from the app's scheme: a QWebChannel string of tens of MB
     * would block both sides while it is encoded and decoded. The batch counts as applied once
     * the data is on the map. */
    "layer.data": function (op) {
      var entry = P.layers[op.id];
      if (!entry) return null;
      entry.wanted = op.revision;
      var t0 = performance.now();
      return P.source.ask({ op: "load", url: "paragon://app/layer-data/" + op.id + "/" + op.revision,
                            id: op.id, revision: op.revision, style: entry.style || {} })
        .then(function (packed) {
          return inTurn(function () {
            var current = P.layers[op.id];
            // A newer revision was asked for meanwhile, or the layer went: drop this one.
            if (current !== entry || entry.wanted !== op.revision) return;
            var t1 = performance.now();
            setLayerData(op.id, op.revision, packed);
            // For diagnostics and benchmarks: where the time of the last load went (fetched,
            // parsed and packed in the worker; built on the page).
            P.lastLoad = { worker: !!P.source.worker, packed: t1 - t0, build: performance.now() - t1 };
            P.bridge.on_layer_loaded(op.id, op.revision);
          });
        })
        .catch(function (error) {
          // Told to the window, whose layer list says so (instead of "loading…" for ever).
          console.error(String(error));
          if (P.layers[op.id] === entry && entry.wanted === op.revision) {
            P.bridge.on_layer_failed(op.id, op.revision, String(error && error.message || error));
          }
        });
    },
    "location.show": function (op) { stopPick(); showLocation(op.geometry, op.fit); },
    "pick.start": function (op) {
      stopPick();
      stopEdit();
      clearMeasured();
      // as_location: what is picked is the case location (the case form) and stays drawn as it.
      P.pick = { mode: op.mode, points: [], sketch: null, asLocation: !!op.as_location };
      P.map.getContainer().style.cursor = "crosshair";
      P.map.doubleClickZoom.disable();
    },
    "pick.finish": function () { finishArea(); },
    "pick.stop": function () { stopPick(); },
    /* A first point given by Python (measure from where the menu was opened). */
    "pick.add": function (op) {
      if (!P.pick) return;
      P.pick.points.push([round6(op.lonlat[0]), round6(op.lonlat[1])]);
      drawSketch();
      P.bridge.on_pick_points(JSON.stringify(P.pick.points));
    },
    "measure.clear": function () { clearMeasured(); },
    /* A place found by the coordinate search: a marker there, the map flies to it. */
    "marker.show": function (op) {
      if (P.searchMarker) { P.map.removeLayer(P.searchMarker); P.searchMarker = null; }
      if (!op.lonlat) return;
      var ll = [op.lonlat[1], op.lonlat[0]];
      P.searchMarker = L.marker(ll, { keyboard: false, interactive: false,
        icon: anchorIcon({ colour: "#c2255c", glyph: "⌖" }) }).addTo(P.map);
      P.searchMarker.bindTooltip(el("span", null, op.label || ""), { permanent: true, direction: "right",
                                                                  className: "paragon-anchor-label" });
      P.map.setView(ll, Math.max(P.map.getZoom(), op.zoom || 16), { animate: false });
    },
    /* The legend: what is ticked and the anchor categories on the map, with their symbols. */
    "legend.show": function (op) { P.legendOpen = !!op.visible; updateLegend(); },
    fit: function (op) {
      // The first view of a case: no animation, the map is simply there. A case that is one
      // point has bounds without area: Leaflet's fitBounds would compute an infinite zoom.
      var b = op.bbox;
      if (b[0] === b[2] && b[1] === b[3]) P.map.setView([b[1], b[0]], 15, { animate: false });
      else P.map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [20, 20], animate: false });
    },
    fly: function (op) {
      var b = op.bbox;
      startAppMove();
      if (op.centre) { P.map.panTo([b[1], b[0]]); return; }
      if (b[0] === b[2] && b[1] === b[3]) {
        P.map.flyTo([b[1], b[0]], Math.max(P.map.getZoom(), 16), { duration: 0.6 });
      } else {
        P.map.flyToBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [30, 30], maxZoom: 17, duration: 0.6 });
      }
      var anchor = op.anchor_id !== undefined ? P.anchors[op.anchor_id] : null;
      if (anchor) anchor.openPopup();
    },
  };
  P.opNames = Object.keys(handlers);  // for the test that holds both sides' lists equal

  // -- the case location: shown, and picked by the user as a point or an area ----------------
  var LOCATION_STYLE = { color: "#d9480f", weight: 3, fillColor: "#ff922b", fillOpacity: 0.18 };

  function round6(x) { return Math.round(x * 1e6) / 1e6; }

  function showLocation(geometry, fit) {
    P.location.clearLayers();
    if (!geometry) return;
    var layer = L.geoJSON(geometry, {
      style: LOCATION_STYLE,
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 9, color: "#d9480f", weight: 3,
                                        fillColor: "#ff922b", fillOpacity: 0.9 });
      },
    });
    P.location.addLayer(layer);
    if (fit) {
      var b = layer.getBounds();
      if (b.getNorthEast().equals(b.getSouthWest())) P.map.setView(b.getCenter(), Math.max(P.map.getZoom(), 14), { animate: false });
      else P.map.fitBounds(b, { padding: [20, 20], animate: false });
    }
  }

  function drawSketch() {
    if (P.pick.sketch) P.map.removeLayer(P.pick.sketch);
    var latlngs = P.pick.points.map(function (c) { return [c[1], c[0]]; });
    P.pick.sketch = (latlngs.length >= 3 && areaLike(P.pick.mode)
      ? L.polygon(latlngs, LOCATION_STYLE) : L.polyline(latlngs, LOCATION_STYLE)).addTo(P.map);
    P.pick.sketch.setStyle({ dashArray: "6 4" });
  }

  function stopPick() {
    if (!P.pick) return;
    if (P.pick.sketch) P.map.removeLayer(P.pick.sketch);
    P.pick = null;
    P.map.getContainer().style.cursor = "";
    P.map.doubleClickZoom.enable();
  }

  function lineLike(mode) { return mode === "line" || mode === "measure-line"; }
  function areaLike(mode) { return mode === "area" || mode === "measure-area"; }

  // A measurement stays drawn after it is finished, until the next drawing or measure.clear.
  function keepMeasured() {
    if (!P.pick || P.pick.mode.indexOf("measure") !== 0 || !P.pick.sketch) return;
    P.measured = P.pick.sketch;
    P.pick.sketch = null;
  }
  function clearMeasured() {
    if (P.measured) { P.map.removeLayer(P.measured); P.measured = null; }
  }

  function finishArea() {
    if (P.pick && lineLike(P.pick.mode)) return finishLine();
    if (!P.pick || P.pick.points.length < 3) return false;
    var ring = P.pick.points.slice();
    ring.push(ring[0]);
    var asLocation = P.pick.asLocation;
    keepMeasured();
    stopPick();
    var geometry = { type: "Polygon", coordinates: [ring] };
    if (asLocation) showLocation(geometry, false);
    P.bridge.on_picked(JSON.stringify(geometry));
    return true;
  }

  function finishLine() {
    if (!P.pick || P.pick.points.length < 2) return false;
    var geometry = { type: "LineString", coordinates: P.pick.points.slice() };
    keepMeasured();
    stopPick();
    P.bridge.on_picked(JSON.stringify(geometry));
    return true;
  }

  /* A circle: the first click is the centre, the second sets the radius (metres on the ground,
   * Leaflet's great-circle distance); Python makes the polygon on the ellipsoid. */
  function circleClick(here, latlng) {
    if (!P.pick.centre) {
      P.pick.centre = latlng;
      P.pick.points = [here];
      P.pick.sketch = L.circle(latlng, { radius: 1, color: "#d9480f", dashArray: "6 4",
                                         fillOpacity: 0.1 }).addTo(P.map);
      P.bridge.on_pick_progress(1);
      return;
    }
    var radius = P.map.distance(P.pick.centre, latlng);
    if (radius < 1) return;
    var centre = P.pick.points[0];
    stopPick();
    P.bridge.on_picked(JSON.stringify({ type: "Circle", coordinates: centre, radius: radius }));
  }

  /* A rectangle (an area to print or take offline): two opposite corners. */
  function rectClick(here, latlng) {
    if (!P.pick.corner) {
      P.pick.corner = latlng;
      P.pick.points = [here];
      P.pick.sketch = L.rectangle([latlng, latlng], { color: "#d9480f", dashArray: "6 4",
                                                       fillOpacity: 0.08, interactive: false }).addTo(P.map);
      P.bridge.on_pick_progress(1);
      return;
    }
    var a = P.pick.points[0];
    if (a[0] === here[0] || a[1] === here[1]) return;  // no area yet
    var w = Math.min(a[0], here[0]), e = Math.max(a[0], here[0]);
    var s = Math.min(a[1], here[1]), n = Math.max(a[1], here[1]);
    stopPick();
    P.bridge.on_picked(JSON.stringify({ type: "Polygon", bbox: [w, s, e, n],
                                        coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] }));
  }

  function onPickMove(e) {
    if (P.pick && P.pick.mode === "rect" && P.pick.corner && P.pick.sketch) {
      P.pick.sketch.setBounds([P.pick.corner, e.latlng]);
      return;
    }
    if (!P.pick || P.pick.mode !== "circle" || !P.pick.centre || !P.pick.sketch) return;
    P.pick.sketch.setRadius(P.map.distance(P.pick.centre, e.latlng));
  }

  function onPickClick(e) {
    if (!P.pick) return;
    var here = [round6(e.latlng.lng), round6(e.latlng.lat)];
    if (P.pick.mode === "circle") { circleClick(here, e.latlng); return; }
    if (P.pick.mode === "rect") { rectClick(here, e.latlng); return; }
    if (P.pick.mode === "point") {
      var asLocation = P.pick.asLocation;
      stopPick();
      var point = { type: "Point", coordinates: here };
      if (asLocation) showLocation(point, false);
      P.bridge.on_picked(JSON.stringify(point));
      return;
    }
    var pts = P.pick.points;
    if (pts.length) {
      // A click on the first vertex closes the area; a second click on the last one (the two
      // clicks of a double-click) adds nothing.
      var first = P.map.latLngToContainerPoint([pts[0][1], pts[0][0]]);
      var last = P.map.latLngToContainerPoint([pts[pts.length - 1][1], pts[pts.length - 1][0]]);
      if (areaLike(P.pick.mode) && pts.length >= 3 && first.distanceTo(e.containerPoint) < 8) {
        finishArea(); return;
      }
      if (last.distanceTo(e.containerPoint) < 4) {
        if (lineLike(P.pick.mode) && pts.length >= 2) finishLine();  // a double-click ends a line
        return;
      }
    }
    pts.push(here);
    drawSketch();
    P.bridge.on_pick_progress(pts.length);
    if (P.bridge.on_pick_points) P.bridge.on_pick_points(JSON.stringify(pts));
  }

  // Credits of every visible basemap, as text (never markup): Leaflet's attribution control
  // puts its strings into innerHTML, so ours get a text node of their own.
  function showCredits() {
    if (!P.credits) {
      P.credits = el("span", "paragon-credits");
      var box = P.map.attributionControl && P.map.attributionControl.getContainer();
      if (box) box.insertBefore(P.credits, box.firstChild);
    }
    var credits = (P.basemapLayers || []).map(function (l) { return l.paragonCredit; });
    // Partners' map services shown now: their name and who provides them.
    Object.keys(P.layers).forEach(function (id) {
      var e = P.layers[id];
      if (e.service && e.visible) credits.push(e.name + (e.service.attribution ? " · " + e.service.attribution : ""));
    });
    P.credits.textContent = credits.join(" | ") + (credits.length ? " | " : "");
    P.credits.title = P.credits.textContent;
  }

  // -- legend and north arrow ------------------------------------------------------------------
  function swatch(colour, dashed) {
    var box = el("span", "paragon-swatch");
    box.style.borderColor = colour;
    box.style.background = colour;
    if (dashed) box.style.borderStyle = "dashed";
    return box;
  }

  /* Folded to its title by default (it would cover the map where one draws); the title, or
   * Python's legend.show, unfolds it. */
  function updateLegend() {
    if (!P.legend) return;
    var root = P.legend.getContainer();
    root.textContent = "";
    var layers = Object.keys(P.layers).map(function (id) { return P.layers[id]; })
      .filter(function (e) { return e.visible; });
    var seen = {}, categories = [];
    Object.keys(P.anchorData).forEach(function (id) {
      var a = P.anchorData[id];
      if (!seen[a.category]) { seen[a.category] = true; categories.push(a); }
    });
    categories.sort(function (a, b) { return (a.category_order || 0) - (b.category_order || 0); });
    root.style.display = layers.length || categories.length ? "" : "none";
    var texts = P.texts || {};
    var title = el("div", "paragon-legend-title", (P.legendOpen ? "▾ " : "▸ ") + (texts.legend || "Legend"));
    title.addEventListener("click", function () { P.legendOpen = !P.legendOpen; updateLegend(); });
    root.appendChild(title);
    var body = el("div", "paragon-legend-body");
    body.style.display = P.legendOpen ? "" : "none";
    root.appendChild(body);
    if (layers.length) {
      body.appendChild(el("div", "paragon-legend-head", texts.layers || "Layers"));
      layers.forEach(function (e) {
        var row = el("div", "paragon-legend-row");
        row.setAttribute("data-kind", "layer");
        (e.colours || [(e.style && (e.style.color || e.style.fillColor)) || "#3b5bdb"])
          .forEach(function (colour) { row.appendChild(swatch(colour)); });
        row.appendChild(el("span", null, e.name));
        body.appendChild(row);
      });
    }
    if (categories.length) {
      body.appendChild(el("div", "paragon-legend-head", texts.anchors || "Anchors"));
      categories.forEach(function (a) {
        var row = el("div", "paragon-legend-row");
        row.setAttribute("data-kind", "anchor");
        var badge = el("span", "paragon-anchor-icon paragon-legend-badge", a.symbol.glyph);
        badge.style.background = a.symbol.colour;
        row.appendChild(badge);
        row.appendChild(el("span", null, a.category_label));
        body.appendChild(row);
      });
    }
  }

  function addMapControls(map) {
    var Legend = L.Control.extend({
      options: { position: "bottomright" },
      onAdd: function () {
        var div = el("div", "paragon-legend leaflet-bar");
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      },
    });
    P.legend = new Legend().addTo(map);
    var North = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () {
        var div = el("div", "paragon-north leaflet-bar", "▲\nN");
        div.title = (P.texts && P.texts.north) || "North";
        return div;
      },
    });
    new North().addTo(map);
    updateLegend();
  }

  // -- changing an anchor's shape ------------------------------------------------------------
  function editableRings(geometry) {
    // Lists of [lon, lat] the handles move; rings keep their closing vertex out of the handles.
    if (geometry.type === "Point") return [[geometry.coordinates]];
    if (geometry.type === "LineString") return [geometry.coordinates];
    if (geometry.type === "Polygon") return geometry.coordinates.map(function (r) { return r.slice(0, -1); });
    if (geometry.type === "MultiPolygon") {
      var rings = [];
      geometry.coordinates.forEach(function (poly) {
        poly.forEach(function (r) { rings.push(r.slice(0, -1)); });
      });
      return rings;
    }
    return [];
  }

  function rebuild(geometry, rings) {
    var copy = function (r) { return r.map(function (c) { return [round6(c[0]), round6(c[1])]; }); };
    var closed = function (r) { var c = copy(r); c.push(c[0].slice()); return c; };
    if (geometry.type === "Point") return { type: "Point", coordinates: copy(rings[0])[0] };
    if (geometry.type === "LineString") return { type: "LineString", coordinates: copy(rings[0]) };
    if (geometry.type === "Polygon") return { type: "Polygon", coordinates: rings.map(closed) };
    var at = 0;
    return { type: "MultiPolygon", coordinates: geometry.coordinates.map(function (poly) {
      return poly.map(function () { return closed(rings[at++]); });
    }) };
  }

  function handleIcon(kind) {
    return L.divIcon({ className: "paragon-handle paragon-handle-" + kind, iconSize: [12, 12] });
  }

  function startEdit(id) {
    stopEdit();
    stopPick();
    var data = P.anchorData[id];
    if (!data) return;
    var rings = editableRings(data.geometry).map(function (r) {
      return r.map(function (c) { return [c[0], c[1]]; });
    });
    var E = P.edit = { id: id, geometry: data.geometry, rings: rings, handles: L.layerGroup().addTo(P.map),
                       shape: null, moved: 0 };
    var shown = P.anchors[id];
    if (shown) P.anchorGroup.removeLayer(shown);
    function redraw() {
      if (E.shape) P.map.removeLayer(E.shape);
      var g = rebuild(E.geometry, E.rings);
      E.shape = g.type === "Point" ? L.layerGroup()
        : makeGeoJson(g, { color: "#d9480f", dashArray: "6 4", weight: 2.5 });
      E.shape.addTo(P.map);
    }
    function centre() {
      var all = [].concat.apply([], E.rings);
      var x = 0, y = 0;
      all.forEach(function (c) { x += c[0]; y += c[1]; });
      return [x / all.length, y / all.length];
    }
    var mover = null;
    function place() {
      E.handles.clearLayers();
      E.rings.forEach(function (ring) {
        ring.forEach(function (c, i) {
          var h = L.marker([c[1], c[0]], { draggable: true, icon: handleIcon("vertex"), keyboard: false });
          h.on("drag", function (e) {
            var ll = e.target.getLatLng();
            ring[i] = [ll.lng, ll.lat];
            redraw();
            if (mover) { var m = centre(); mover.setLatLng([m[1], m[0]]); }
          });
          h.on("dragend", function () { E.moved += 1; });
          E.handles.addLayer(h);
        });
      });
      if (E.geometry.type !== "Point") {
        var m = centre();
        mover = L.marker([m[1], m[0]], { draggable: true, icon: handleIcon("move"), keyboard: false });
        var from = null;
        mover.on("dragstart", function (e) { from = e.target.getLatLng(); });
        mover.on("drag", function (e) {
          var to = e.target.getLatLng(), dx = to.lng - from.lng, dy = to.lat - from.lat;
          from = to;
          E.rings.forEach(function (ring) { ring.forEach(function (c) { c[0] += dx; c[1] += dy; }); });
          redraw();
        });
        mover.on("dragend", function () { E.moved += 1; place(); });
        E.handles.addLayer(mover);
      }
    }
    redraw();
    place();
    P.bridge.on_edit_started(id);
  }

  function stopEdit() {
    var E = P.edit;
    if (!E) return;
    P.map.removeLayer(E.handles);
    if (E.shape) P.map.removeLayer(E.shape);
    var shown = P.anchors[E.id];
    if (shown) P.anchorGroup.addLayer(shown);
    P.edit = null;
  }

  function finishEdit() {
    var E = P.edit;
    if (!E) return;
    var geometry = rebuild(E.geometry, E.rings);
    var id = E.id;
    stopEdit();
    P.bridge.on_edited(id, JSON.stringify(geometry));
  }

  /* For tests: drag a vertex (or the move handle: index -1) by (dx, dy) degrees as a drag would. */
  P.dragHandle = function (ring, index, dlon, dlat) {
    var E = P.edit;
    if (!E) return false;
    if (index < 0) {
      E.rings.forEach(function (r) { r.forEach(function (c) { c[0] += dlon; c[1] += dlat; }); });
    } else {
      E.rings[ring][index][0] += dlon;
      E.rings[ring][index][1] += dlat;
    }
    E.moved += 1;
    return true;
  };

  // -- partners' map services (WMS, WMTS) ----------------------------------------------------------
  // WMTS tiles by zoom: the service names each zoom's tile matrix (e.g. "EPSG:3857:12"); the
  // address is filled in as text, any other {name} in it stays as it is.
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // A WMS as background tiles: the address carries each tile's extent in web map metres.
  var BBOX = "{bbox-epsg-3857}", HALF_WORLD = 20037508.342789244;
  var BBoxLayer = null;  // L.TileLayer.extend(bboxLayerSpec) once Leaflet has loaded (start)
  var bboxLayerSpec = {
    getTileUrl: function (coords) {
      var z = this._getZoomForUrl(), size = 2 * HALF_WORLD / Math.pow(2, z);
      var west = -HALF_WORLD + coords.x * size, north = HALF_WORLD - coords.y * size;
      return this._url.split(BBOX).join([west, north - size, west + size, north]
        .map(function (v) { return v.toFixed(6); }).join(","));
    },
  };

  var WmtsLayer = null;  // L.TileLayer.extend(wmtsLayerSpec) once Leaflet has loaded (start)
  var wmtsLayerSpec = {
    getTileUrl: function (coords) {
      var matrix = this.options.matrix[this._getZoomForUrl()];
      if (!matrix) return L.Util.emptyImageUrl;
      var url = this._url.split("{z}").join(encodeURIComponent(matrix))
        .split("{x}").join(String(coords.x)).split("{y}").join(String(coords.y));
      if (this.options.stamp) url += (url.indexOf("?") < 0 ? "?" : "&") + "_paragon=" + this.options.stamp;
      return url;
    },
  };

  function setServiceLayer(id, s) {
    var entry = P.layers[id], pane = layerPane(id), layer;
    if (s.kind === "wms") {
      layer = L.tileLayer.wms(s.url, { layers: s.layers, format: s.format, transparent: true,
                                       version: "1.3.0", pane: pane, maxZoom: 19, attribution: "" });
    } else {
      var matrix = s.matrix || [], first = 0;
      while (first < matrix.length && !matrix[first]) first += 1;
      layer = new WmtsLayer(s.template, { matrix: matrix, pane: pane, maxZoom: 19, attribution: "",
                                          minNativeZoom: first, maxNativeZoom: Math.max(first, matrix.length - 1) });
    }
    entry.layer = layer;
    entry.parts = [];
    entry.count = 0;
    entry.colours = [];
    applyOpacity(entry);
    // A live service (positions, closures) is asked again every so many seconds; the browser
    // cache would answer otherwise.
    entry.refreshNow = function () {
      if (!P.map.hasLayer(layer)) return;
      entry.refreshed = (entry.refreshed || 0) + 1;
      if (s.kind === "wms") layer.setParams({ _paragon: Date.now() });
      else { layer.options.stamp = Date.now(); layer.redraw(); }
    };
    if (s.refresh) entry.refreshTimer = setInterval(entry.refreshNow, s.refresh * 1000);
    var visible = entry.visible;
    entry.visible = false;
    handlers["layer.visible"]({ id: id, visible: visible });
  }

  function applyOpacity(entry) {
    var o = entry.opacity;
    if (entry.layer && entry.layer.setOpacity && entry.layer instanceof L.TileLayer) {
      entry.layer.setOpacity(o);
      return;
    }
    entry.parts.forEach(function (part) {
      if (part instanceof PointLayer || part instanceof ShapeLayer) { part.setOpacity(o); return; }
      part.eachLayer(function (layer) {
        var base = layer.paragonBase || (layer.paragonBase = {
          opacity: layer.options.opacity, fillOpacity: layer.options.fillOpacity });
        layer.setStyle({ opacity: base.opacity * o, fillOpacity: base.fillOpacity * o });
      });
    });
  }

  // -- draw order and labels of layers ----------------------------------------------------------
  // Each layer draws in a pane of its own, stacked in the user's order (the last on top).
  function layerPane(id) {
    var name = "paragon-layer-" + id;
    if (!P.map.getPane(name)) P.map.createPane(name);
    applyOrder();
    return name;
  }

  function applyOrder() {
    var order = (P.order || []).map(String);
    Object.keys(P.layers).forEach(function (id) {
      var pane = P.map.getPane("paragon-layer-" + id);
      if (!pane) return;
      var at = order.indexOf(String(id));
      pane.style.zIndex = String(400 + (at < 0 ? 0 : at + 1));
    });
  }

  var LABEL_LIMIT = 2000;  // more labels than this would hide the map (and slow it)
  function applyLabels(entry) {
    (entry.parts || []).forEach(function (part) {
      if (part instanceof PointLayer) return;
      if (part instanceof ShapeLayer) {
        var field = entry.labelField;
        if (!field) { part.setLabels(null); return; }
        // The texts come from whoever holds the properties (the layer worker).
        P.source.ask({ op: "column", id: entry.id, revision: entry.revision, part: "shapes", field: field })
          .then(function (texts) { if (entry.labelField === field && texts) part.setLabels(texts); });
        return;
      }
      var n = 0;
      part.eachLayer(function (layer) {
        layer.unbindTooltip();
        var props = (layer.feature && layer.feature.properties) || {};
        var value = entry.labelField ? props[entry.labelField] : null;
        if (value === null || value === undefined || value === "" || n >= LABEL_LIMIT) return;
        n += 1;
        layer.bindTooltip(el("span", null, String(value)),
                          { permanent: true, direction: "center", className: "paragon-feature-label" });
      });
    });
  }

  /* Where layer data is fetched, parsed and packed (ParagonPack): in a worker, off this page's
   * thread, which keeps the features' properties too; here, with the same code, if no worker
   * can be had. ``ask(message)`` answers with a promise. */
  function LayerSource() {
    this.tickets = {};
    this.next = 1;
    this.holder = new ParagonPack.Holder();
    this.worker = null;
    try {
      this.worker = new Worker("paragon://app/static/paragon-layer-worker.js");
      this.worker.onmessage = this._answer.bind(this);
      this.worker.onerror = this._fallBack.bind(this);
    } catch (error) {
      console.error("paragon map: no layer worker (" + String(error) + "); layers load here");
      this.worker = null;
    }
  }
  LayerSource.prototype.ask = function (m) {
    if (!this.worker) {
      if (m.op === "load") return this.holder.load(m.url, m.id, m.revision, m.style);
      return Promise.resolve(this.holder.answer(m));
    }
    var self = this;
    return new Promise(function (resolve, reject) {
      m.ticket = self.next++;
      self.tickets[m.ticket] = { message: m, resolve: resolve, reject: reject };
      self.worker.postMessage(m);
    });
  };
  LayerSource.prototype._answer = function (event) {
    var t = this.tickets[event.data.ticket];
    delete this.tickets[event.data.ticket];
    if (!t) return;
    if (event.data.error) t.reject(new Error(event.data.error));
    else t.resolve(event.data.value);
  };
  /* The worker failed (its script did not load): what it was asked is done here instead. */
  LayerSource.prototype._fallBack = function (event) {
    console.error("paragon map: layer worker failed (" + (event && event.message) + "); layers load here");
    var pending = this.tickets, self = this;
    this.worker = null;
    this.tickets = {};
    Object.keys(pending).forEach(function (k) {
      self.ask(pending[k].message).then(pending[k].resolve, pending[k].reject);
    });
  };

  /* Layers whose data arrived are built one per task of the page, in the order they came:
   * twenty arriving together were built back to back, and the page answered nothing for
   * 150-240 ms. ``inTurn(job)`` answers with a promise of the job done. */
  var turns = [], turning = false;
  function inTurn(job) {
    return new Promise(function (resolve, reject) {
      turns.push(function () {
        try { resolve(job()); } catch (error) { reject(error); }
      });
      if (!turning) { turning = true; setTimeout(nextTurn, 0); }
    });
  }
  function nextTurn() {
    var job = turns.shift();
    // Building the layer counts as the task's drawing: its first view gets what is left of
    // a slice (50,000 parcels: 15-20 ms of building, then 30 of drawing, one task of 51-53 ms).
    taskDrawing();
    if (job) job();
    if (turns.length) setTimeout(nextTurn, 0);
    else turning = false;
  }

  function setLayerData(id, revision, packed) {
    var entry = P.layers[id];
    if (!entry) return;
    // A WMS/WMTS layer's images come from its service; its stored data is empty.
    if (entry.service && (entry.service.kind === "wms" || entry.service.kind === "wmts")) return;
    var visible = entry.visible;
    if (entry.layer && P.map.hasLayer(entry.layer)) P.map.removeLayer(entry.layer);
    entry.id = id;
    entry.revision = revision;
    entry.fields = packed.fields;
    entry.colours = packed.colours;
    function popup(properties) {
      return popupNode(featureTitle(properties, entry.name), entry.name, properties);
    }
    // A canvas layer's feature: its properties are asked for when its popup opens.
    function askPopup(part) {
      return function (i, latlng) {
        // (For diagnostics and benchmarks: the last click's question and its answer.)
        var asked = P.lastAsk = { id: id, revision: revision, index: i, at: performance.now() };
        P.source.ask({ op: "properties", id: id, revision: revision, part: part, index: i })
          .then(function (properties) {
            asked.answered = performance.now() - asked.at;
            asked.found = !!properties;
            asked.current = P.layers[id] === entry && entry.revision === revision;
            if (asked.found && asked.current) {
              L.popup().setLatLng(latlng).setContent(popup(properties)).openOn(P.map);
            }
          });
      };
    }
    var parts = [], pane = layerPane(id);
    if (packed.points) {
      var many = new PointLayer(packed.points, askPopup("points"));
      many._pane = pane;
      parts.push(many);
    }
    if (packed.shapes) {
      var drawn = new ShapeLayer(packed.shapes, askPopup("shapes"));
      drawn._pane = pane;
      parts.push(drawn);
    }
    if (packed.others.length) {
      parts.push(makeGeoJson({ type: "FeatureCollection", features: packed.others }, entry.style,
        function (feature, layer) { layer.bindPopup(function () { return popup(feature.properties || {}); }); },
        pane));
    }
    entry.parts = parts;
    entry.count = packed.count;
    entry.layer = L.layerGroup(parts);
    applyOpacity(entry);
    applyLabels(entry);
    entry.visible = false;
    handlers["layer.visible"]({ id: id, visible: visible });
  }

  function applyBatch(text) {
    var batch = JSON.parse(text);
    var waits = [];
    batch.ops.forEach(function (op) {
      var handler = handlers[op.op];
      if (!handler) {
        // Said, not dropped: Python names its operations once (ui/map/ops.py), this page once
        // (the keys of handlers), and a test holds the two lists equal.
        P.unknownOps.push(String(op.op));
        console.error("paragon map: no handler for operation " + op.op);
        P.bridge.on_unknown_op(String(op.op));
        return;
      }
      var result = handler(op);
      if (result && result.then) waits.push(result);
    });
    Promise.all(waits).then(function () {
      P.appliedBatches += 1;
      P.bridge.on_applied(batch.id);
    });
  }

  /* What a printed map needs from the page: the view and the legend as drawn. */
  P.printInfo = function () {
    var b = P.map.getBounds(), c = P.map.getCenter(), anchorBounds = null;
    if (P.anchorGroup.getLayers().length) {
      var ab = P.anchorGroup.getBounds();
      anchorBounds = [ab.getWest(), ab.getSouth(), ab.getEast(), ab.getNorth()];
    }
    var legend = [];
    Object.keys(P.layers).forEach(function (id) {
      var e = P.layers[id];
      if (e.visible && e.layer) legend.push({ kind: "layer", label: e.name, colours: e.colours || [] });
    });
    var seen = {};
    Object.keys(P.anchorData).map(function (id) { return P.anchorData[id]; })
      .sort(function (a, z) { return (a.category_order || 0) - (z.category_order || 0); })
      .forEach(function (a) {
        if (seen[a.category]) return;
        seen[a.category] = true;
        legend.push({ kind: "anchor", label: a.category_label, colours: [a.symbol.colour],
                      glyph: a.symbol.glyph });
      });
    return JSON.stringify({
      zoom: P.map.getZoom(), center: [c.lng, c.lat],
      bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
      size: [P.map.getSize().x, P.map.getSize().y], legend: legend,
      anchors: anchorBounds,
      credits: ((P.credits && P.credits.textContent) || "")
        + (P.background && P.background.options.attribution ? P.background.options.attribution : ""),
    });
  };

  /* For tests and diagnostics: what Leaflet holds right now. */
  P.stats = function () {
    if (!P.map || !P.borders) return JSON.stringify(null);  // not started yet (a reload)
    var layers = {}, featuresOnMap = 0;
    Object.keys(P.layers).forEach(function (id) {
      var e = P.layers[id];
      var n = e.layer ? e.count : 0;
      var on = !!(e.layer && P.map.hasLayer(e.layer));
      layers[id] = { features: n, onMap: on, name: e.name, opacity: e.opacity,
                     fields: e.fields || [], labelField: e.labelField || null,
                     zIndex: P.map.getPane("paragon-layer-" + id) ? Number(P.map.getPane("paragon-layer-" + id).style.zIndex) : null,
                     labels: (e.parts || []).reduce(function (n, p) {
                       if (p instanceof PointLayer) return n;
                       if (p instanceof ShapeLayer) return n + p._labelsDrawn;
                       var k = 0;
                       p.eachLayer(function (l) { if (l.getTooltip()) k += 1; });
                       return n + k;
                     }, 0),
                     canvasPoints: (e.parts || []).some(function (p) { return p instanceof PointLayer; }),
                     canvasShapes: (e.parts || []).some(function (p) { return p instanceof ShapeLayer; }),
                     drawing: (e.parts || []).some(function (p) { return !!p._job; }),
                     service: e.service ? e.service.kind : null, refreshed: e.refreshed || 0,
                     tiles: e.layer instanceof L.TileLayer ? Object.keys(e.layer._tiles || {}).length : 0 };
      if (on) featuresOnMap += n;
    });
    return JSON.stringify({
      layers: layers, featuresOnMap: featuresOnMap,
      anchors: Object.keys(P.anchors).length, borders: P.borders.getLayers().length,
      pointRedraws: P.pointRedraws || 0, shapeRedraws: P.shapeRedraws || 0,
      zoom: P.map.getZoom(), center: P.map.getCenter(), background: !!P.background,
      appliedBatches: P.appliedBatches, lastLoad: P.lastLoad || null,
      location: P.location && P.location.getLayers().length ? P.location.toGeoJSON() : null,
      picking: P.pick ? { mode: P.pick.mode, points: P.pick.points.length } : null,
      legend: P.legend ? Array.prototype.map.call(
        P.legend.getContainer().querySelectorAll(".paragon-legend-row"),
        function (r) { return r.lastChild.textContent; }) : null,
      legendSwatches: P.legend ? Array.prototype.map.call(
        P.legend.getContainer().querySelectorAll(".paragon-legend-row[data-kind=layer]"),
        function (r) {
          return Array.prototype.map.call(r.querySelectorAll(".paragon-swatch"),
                                          function (b) { return b.style.backgroundColor; });
        }) : null,
      legendOpen: !!P.legendOpen,
      measured: !!P.measured,
      basemaps: (P.basemapLayers || []).map(function (l) {
        return { url: l._url, opacity: l.options.opacity, loaded: Object.keys(l._tiles || {}).length };
      }),
      credits: P.credits ? P.credits.textContent : "", marker: P.searchMarker ? P.searchMarker.getLatLng() : null,
      editing: P.edit ? { id: P.edit.id, moved: P.edit.moved,
                          handles: P.edit.handles.getLayers().length } : null,
      anchorIds: Object.keys(P.anchors).map(Number),
    });
  };

  P.start = function (map, texts) {
    P.map = map;
    map.on("zoomend moveend", appMoveEnding);
    P.texts = texts || {};
    // Leaflet's own buttons speak the app's language (their titles are set when made).
    if (map.zoomControl) {
      [[map.zoomControl._zoomInButton, P.texts.zoomIn], [map.zoomControl._zoomOutButton, P.texts.zoomOut]]
        .forEach(function (pair) {
          if (pair[0] && pair[1]) { pair[0].title = pair[1]; pair[0].setAttribute("aria-label", pair[1]); }
        });
    }
    PointLayer = L.Layer.extend(Object.assign({ _className: "paragon-points" }, canvasLayerBase,
                                              pointLayerSpec));
    ShapeLayer = L.Layer.extend(Object.assign({ _className: "paragon-shapes" }, canvasLayerBase,
                                              shapeLayerSpec));
    P.source = new LayerSource();
    WmtsLayer = L.TileLayer.extend(wmtsLayerSpec);
    BBoxLayer = L.TileLayer.extend(bboxLayerSpec);
    L.control.scale({ imperial: false, maxWidth: 150 }).addTo(map);
    P.legendOpen = false;
    addMapControls(map);
    P.borders = L.featureGroup().addTo(map);
    P.anchorGroup = L.featureGroup().addTo(map);
    P.location = L.featureGroup().addTo(map);
    P.pick = null;
    // "preclick": the map hears it for every click, also on a layer whose popup would stop the
    // click there (drawing over the orange zone must add a vertex, not open the zone's popup).
    map.on("preclick", onPickClick);
    // While drawing, a click on a layer opens no popup (it would pan the map under the mouse).
    var openPopup = L.Layer.prototype._openPopup;
    L.Layer.include({
      _openPopup: function (e) { if (P.pick || P.edit) return; openPopup.call(this, e); },
    });
    map.on("dblclick", function () {
      if (P.pick && (areaLike(P.pick.mode) || lineLike(P.pick.mode))) finishArea();
    });
    map.on("mousemove", onPickMove);
    // Our own menu (Python shows it), never the browser's.
    map.on("contextmenu", function (e) {
      if (P.bridge) P.bridge.on_context_menu(e.latlng.lat, e.latlng.lng);
    });
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
      P.bridge.on_ready();
    });
  };
})();
