/* The map page's layer worker: fetches and parses a layer's GeoJSON off the page's thread, sends
 * the page its packed arrays, and keeps the features' properties for popups and labels
 * (paragon-pack.js). Messages in: {op: "load", ticket, url, id, revision, style} and
 * {op: "properties" | "column" | "drop", ticket, id, revision, part, index, field}; each is
 * answered with {ticket, value} or {ticket, error}. */
/* global importScripts, ParagonPack */
importScripts("paragon-pack.js");

var holder = new ParagonPack.Holder();

self.onmessage = function (event) {
  var m = event.data;
  if (m.op === "load") {
    holder.load(m.url, m.id, m.revision, m.style).then(function (packed) {
      self.postMessage({ ticket: m.ticket, value: packed }, ParagonPack.transferables(packed));
      // The parsed GeoJSON is garbage now; left to V8's own timing it stayed in the worker's
      // heap (50,000 parcels: 40 MB more of the renderer's memory). ``gc`` is there because
      // the app starts Chromium with --js-flags=--expose-gc.
      if (typeof self.gc === "function") setTimeout(function () { self.gc(); }, 0);
    }).catch(function (error) {
      self.postMessage({ ticket: m.ticket, error: String(error) });
    });
    return;
  }
  self.postMessage({ ticket: m.ticket, value: holder.answer(m) });
};
