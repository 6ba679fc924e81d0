/* cmograph theory map: draws the network, and runs the filters, the search and the details panel. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  // Stable edge ids so the filters can name edges (vis would make random ones).
  data.edges.forEach(function (e, i) { e.id = "e" + i; });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var shownNodes = null; // the ids the filters let through; null means all
  var shownEdges = null;
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return shownNodes === null || shownNodes.has(n.id); } });
  var edgeView = new vis.DataView(edges, { filter: function (e) { return shownEdges === null || shownEdges.has(e.id); } });
  var panel = document.getElementById("panel");
  var status = document.getElementById("map-status");
  var count = document.getElementById("shown-count");
  var pinned = null;
  var api = { readyAt: null, nodes: nodes, edges: edges, nodeView: nodeView, edgeView: edgeView };
  window.cmoMap = api;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); } // text only: never HTML
    return e;
  }

  function show(id) {
    var d = id === null || id === undefined ? null : data.details[id];
    panel.replaceChildren();
    if (!d) {
      panel.appendChild(el("p", "hint", "Hover over or click a node to read it in full here."));
      return;
    }
    panel.appendChild(el("p", "kind", d.k));
    panel.appendChild(el("h2", "title", d.t));
    if (d.q) { panel.appendChild(el("blockquote", "quote", d.q)); }
    if (d.s) { panel.appendChild(el("p", "statement", d.s)); }
    if (d.f && d.f.length) {
      var dl = el("dl");
      d.f.forEach(function (f) { dl.appendChild(el("dt", null, f[0])); dl.appendChild(el("dd", null, f[1])); });
      panel.appendChild(dl);
    }
    (d.ls || []).forEach(function (list) {
      panel.appendChild(el("h3", null, list[0]));
      var ul = el("ul");
      if (!list[1].length) { ul.appendChild(el("li", null, "none")); }
      list[1].forEach(function (item) { ul.appendChild(el("li", null, item)); });
      panel.appendChild(ul);
    });
    if (d.a && d.a.length) {
      var p = el("p", "links");
      d.a.forEach(function (a) {
        // Only same-site paths: a map never links off the machine.
        if (typeof a[1] === "string" && a[1].charAt(0) === "/" && a[1].charAt(1) !== "/") {
          var link = el("a", null, a[0]);
          link.setAttribute("href", a[1]);
          p.appendChild(link);
        }
      });
      panel.appendChild(p);
    }
    if (d.c && d.c.length) {
      panel.appendChild(el("h3", null, "To see all of it, run"));
      d.c.forEach(function (c) { panel.appendChild(el("code", null, c)); });
    }
  }

  function checked(name) {
    var fieldset = document.querySelector('fieldset[data-filter="' + name + '"]');
    if (!fieldset) { return null; }
    var values = new Set();
    fieldset.querySelectorAll("input:checked").forEach(function (i) { values.add(i.value); });
    return values;
  }

  function anyIn(values, allowed) {
    for (var i = 0; i < values.length; i++) { if (allowed.has(values[i])) { return true; } }
    return false;
  }

  function updateCount() {
    var n = nodeView.length, e = edgeView.length;
    var text = n + " nodes, " + e + " edges";
    if (n !== nodes.length || e !== edges.length) { text += " shown (of " + nodes.length + " and " + edges.length + ")"; }
    count.textContent = text;
  }

  function applyFilters() {
    var rel = checked("rel"), sk = checked("sk"), th = checked("th");
    var keep = new Set();
    data.nodes.forEach(function (n) {
      if (th && !(n.th ? anyIn(n.th, th) : th.has(""))) { return; }
      if (sk && n.sk && !anyIn(n.sk, sk)) { return; }
      if (rel && n.rl && !anyIn(n.rl, rel)) { return; }
      keep.add(n.id);
    });
    // A source stays on show while an excerpt on show is quoted from it or is evidence from it.
    var used = new Set();
    data.edges.forEach(function (e) {
      if ((e.rel === "evidence_from" || e.rel === "quoted_from") && keep.has(e.from)) { used.add(e.to); }
    });
    data.nodes.forEach(function (n) { if (n.k === "source" && !used.has(n.id)) { keep.delete(n.id); } });
    var keepEdges = new Set();
    data.edges.forEach(function (e) {
      if ((!rel || rel.has(e.rel)) && keep.has(e.from) && keep.has(e.to)) { keepEdges.add(e.id); }
    });
    shownNodes = keep.size === data.nodes.length ? null : keep;
    shownEdges = keepEdges.size === data.edges.length ? null : keepEdges;
    nodeView.refresh();
    edgeView.refresh();
    updateCount();
  }

  function resetFilters() {
    document.querySelectorAll("fieldset[data-filter] input").forEach(function (i) { i.checked = true; });
    applyFilters();
  }

  var network = new vis.Network(document.getElementById("map"), { nodes: nodeView, edges: edgeView }, data.options);
  api.network = network;

  function focusNode(id) {
    if (shownNodes !== null && !shownNodes.has(id)) { resetFilters(); }
    pinned = id;
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    show(id);
  }

  function search(query) {
    var results = document.getElementById("search-results");
    results.replaceChildren();
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) { return []; }
    var hits = data.nodes.filter(function (n) {
      var text = data.search[n.id] || "";
      return words.every(function (w) { return text.indexOf(w) >= 0; });
    });
    if (!hits.length) { results.appendChild(el("li", "none", "No node matches.")); return hits; }
    hits.slice(0, 20).forEach(function (n) {
      var li = el("li");
      var button = el("button", null, String(n.label).replace(/\n/g, " "));
      button.type = "button";
      button.addEventListener("click", function () { focusNode(n.id); });
      li.appendChild(button);
      results.appendChild(li);
    });
    if (hits.length > 20) { results.appendChild(el("li", "none", (hits.length - 20) + " more: add words to narrow.")); }
    focusNode(hits[0].id);
    return hits;
  }

  network.on("hoverNode", function (p) { show(p.node); });
  network.on("blurNode", function () { show(pinned); });
  network.on("click", function (p) { pinned = p.nodes.length ? p.nodes[0] : null; show(pinned); });
  network.on("doubleClick", function (p) {
    var d = p.nodes.length ? data.details[p.nodes[0]] : null;
    if (d && d.a && d.a.length && d.a[0][1].charAt(0) === "/" && d.a[0][1].charAt(1) !== "/") { window.location.href = d.a[0][1]; }
  });
  document.getElementById("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    search(document.getElementById("search-input").value);
  });
  document.querySelectorAll("fieldset[data-filter] input").forEach(function (i) { i.addEventListener("change", applyFilters); });
  document.getElementById("reset-filters").addEventListener("click", resetFilters);

  function ready() {
    status.textContent = "";
    api.readyAt = performance.now();
    document.body.setAttribute("data-map-ready", "true");
  }
  if (data.physics) {
    // Polish the layout, then stop: the map stays still and cheap once it is shown.
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit();
      network.once("afterDrawing", ready);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", ready);
    network.redraw();
  }
  api.show = show;
  api.focus = focusNode;
  api.search = search;
  api.applyFilters = applyFilters;
  api.resetFilters = resetFilters;
  updateCount();
})();
