/* stikg explorer: search, filters, evidence panel and path mode over vis-network.
 * Reads two JSON blocks written by kg/explorer.py: #kg-data (the graph with evidence)
 * and #kg-vis (vis-network nodes, edges, options). Everything runs offline. */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var VIS = JSON.parse(document.getElementById("kg-vis").textContent);
  var N = DATA.nodes.length;
  var DIM_NODE = "rgba(200, 206, 214, 0.35)";
  var DIM_EDGE = "rgba(200, 206, 214, 0.25)";
  var HL = "#ef8a17";
  var LAMBDA = 1, K_PATHS = 3, MAX_HOPS = 4, MAX_ENUMERATED = 200;

  var t0 = performance.now();
  var timing = { start: t0 };
  var state = { selected: null, edge: null, pathMode: false, from: null, to: null,
                paths: [], activePath: -1, stable: false,
                shownTypes: new Set(DATA.type_order),
                shownRelations: new Set(DATA.relation_order) };

  /* ---------- helpers ---------- */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "cls") node.className = attrs[k];
      else if (k === "style") node.setAttribute("style", attrs[k]);
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), attrs[k]);
      else node.setAttribute(k, attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return node;
  }
  function $(id) { return document.getElementById(id); }
  function normalize(s) {
    return String(s).normalize("NFKC").replace(/[\s《》〈〉“”‘’「」『』"'`]+/g, "").toLowerCase();
  }
  function typeName(t) { var i = DATA.types[t]; return i.zh + " · " + i.en; }
  function relName(r) { var i = DATA.relations[r]; return i.zh + " " + i.en; }
  function swatch(t) { return el("span", { cls: "swatch", style: "background:" + DATA.types[t].color }); }
  function docLine(ev) {
    var d = DATA.documents[ev.doc] || {};
    var bits = [d.number || ev.doc, d.date, d.title].filter(Boolean);
    return el("span", { cls: "source", title: d.path || ev.doc }, "来源 Source: " + bits.join(" · "));
  }
  function evidenceBlock(ev) {
    return el("blockquote", { cls: "evidence" }, ev.text, docLine(ev));
  }
  function fmtNumber(v) {
    return typeof v === "number" ? v.toLocaleString("zh-CN", { maximumFractionDigits: 4 }) : String(v);
  }

  /* ---------- graph structure (undirected, parallel edges collapsed) ---------- */
  var adjacency = [], pairEdges = {}, incident = [];
  for (var i = 0; i < N; i++) { adjacency.push([]); incident.push([]); }
  DATA.edges.forEach(function (e, j) {
    incident[e.s].push(j);
    if (e.t !== e.s) incident[e.t].push(j);
    if (e.s === e.t) return;
    var key = Math.min(e.s, e.t) + "," + Math.max(e.s, e.t);
    if (!pairEdges[key]) {
      pairEdges[key] = [];
      adjacency[e.s].push(e.t);
      adjacency[e.t].push(e.s);
    }
    pairEdges[key].push(j);
  });
  adjacency.forEach(function (a) { a.sort(function (x, y) { return x - y; }); });
  function pairKey(u, v) { return Math.min(u, v) + "," + Math.max(u, v); }
  // deg = distinct neighbours in the whole graph (written by kg/explorer.py, as kg connect uses)
  function weight(u, v) {
    return 1 + LAMBDA * (Math.log1p(DATA.nodes[u].deg) + Math.log1p(DATA.nodes[v].deg)) / 2;
  }

  /* ---------- path finding: Yen's k shortest simple paths over Dijkstra ---------- */
  function heapPush(h, item) {
    h.push(item);
    var i = h.length - 1;
    while (i > 0) {
      var p = (i - 1) >> 1;
      if (less(h[p], h[i])) break;
      var tmp = h[p]; h[p] = h[i]; h[i] = tmp; i = p;
    }
  }
  function heapPop(h) {
    var top = h[0], last = h.pop();
    if (h.length) {
      h[0] = last;
      var i = 0;
      for (;;) {
        var l = 2 * i + 1, r = l + 1, m = i;
        if (l < h.length && less(h[l], h[m])) m = l;
        if (r < h.length && less(h[r], h[m])) m = r;
        if (m === i) break;
        var tmp = h[m]; h[m] = h[i]; h[i] = tmp; i = m;
      }
    }
    return top;
  }
  function less(a, b) { return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]); }

  // Shortest path src → dst avoiding nodes and undirected pairs; ties: smaller node index first.
  function dijkstra(src, dst, bannedNodes, bannedPairs, keep) {
    var dist = new Map([[src, 0]]), prev = new Map(), done = new Set(), heap = [[0, src]];
    while (heap.length) {
      var top = heapPop(heap), u = top[1];
      if (done.has(u)) continue;
      done.add(u);
      if (u === dst) break;
      var nb = adjacency[u];
      for (var k = 0; k < nb.length; k++) {
        var v = nb[k];
        if (done.has(v) || !keep.has(v) || bannedNodes.has(v) || bannedPairs.has(pairKey(u, v))) continue;
        var d = top[0] + weight(u, v);
        if (!dist.has(v) || d < dist.get(v)) {
          dist.set(v, d); prev.set(v, u); heapPush(heap, [d, v]);
        }
      }
    }
    if (!done.has(dst)) return null;
    var path = [dst];
    while (path[0] !== src) path.unshift(prev.get(path[0]));
    return path;
  }
  function pathCost(p) {
    var c = 0;
    for (var i = 0; i + 1 < p.length; i++) c += weight(p[i], p[i + 1]);
    return c;
  }
  function comparePaths(a, b) {
    if (Math.abs(a.cost - b.cost) > 1e-9) return a.cost - b.cost;
    for (var i = 0; i < Math.min(a.nodes.length, b.nodes.length); i++) {
      if (a.nodes[i] !== b.nodes[i]) return a.nodes[i] - b.nodes[i];
    }
    return a.nodes.length - b.nodes.length;
  }

  function hopDistances(start) {
    var dist = new Map([[start, 0]]), queue = [start];
    for (var q = 0; q < queue.length; q++) {
      var u = queue[q], d = dist.get(u);
      if (d === MAX_HOPS) continue;
      adjacency[u].forEach(function (v) { if (!dist.has(v)) { dist.set(v, d + 1); queue.push(v); } });
    }
    return dist;
  }

  /** The k cheapest simple paths src → dst of at most MAX_HOPS hops (same rule as `kg connect`). */
  function findPaths(src, dst, k) {
    k = k || K_PATHS;
    if (src === dst) return [];
    // only nodes that can lie on a path of at most MAX_HOPS hops (as kg connect prunes)
    var fromSrc = hopDistances(src), fromDst = hopDistances(dst), keep = new Set();
    fromSrc.forEach(function (d, n) {
      if (fromDst.has(n) && d + fromDst.get(n) <= MAX_HOPS) keep.add(n);
    });
    if (!keep.has(dst)) return [];
    var first = dijkstra(src, dst, new Set(), new Set(), keep);
    if (!first) return [];
    var accepted = [{ nodes: first, cost: pathCost(first) }];
    var seen = new Set([first.join(",")]);
    var candidates = [];
    var result = [];
    if (first.length - 1 <= MAX_HOPS) result.push(accepted[0]);
    while (result.length < k && accepted.length < MAX_ENUMERATED) {
      var last = accepted[accepted.length - 1].nodes;
      for (var i = 0; i + 1 < last.length; i++) {
        var spur = last[i], root = last.slice(0, i + 1);
        var bannedPairs = new Set(), bannedNodes = new Set(root.slice(0, i));
        accepted.forEach(function (p) {
          if (p.nodes.length > i + 1 && p.nodes.slice(0, i + 1).join(",") === root.join(",")) {
            bannedPairs.add(pairKey(p.nodes[i], p.nodes[i + 1]));
          }
        });
        var spurPath = dijkstra(spur, dst, bannedNodes, bannedPairs, keep);
        if (!spurPath) continue;
        var total = root.slice(0, i).concat(spurPath), key = total.join(",");
        if (seen.has(key)) continue;
        seen.add(key);
        candidates.push({ nodes: total, cost: pathCost(total) });
      }
      if (!candidates.length) break;
      candidates.sort(comparePaths);
      var best = candidates.shift();
      accepted.push(best);
      if (best.nodes.length - 1 <= MAX_HOPS) result.push(best);
    }
    return result;
  }

  /* ---------- the network ---------- */
  var nodes = new vis.DataSet(VIS.nodes);
  var edges = new vis.DataSet(VIS.edges);
  var baseNode = {}, baseEdge = {};
  VIS.nodes.forEach(function (n) { baseNode[n.id] = { color: n.color, font: { color: "#1f2933" } }; });
  VIS.edges.forEach(function (e) { baseEdge[e.id] = { color: null, width: 1.2 }; });
  var network = new vis.Network($("graph"), { nodes: nodes, edges: edges }, VIS.options);

  network.on("stabilizationProgress", function (p) {
    $("loading-bar").style.width = Math.round(100 * p.iterations / p.total) + "%";
  });
  // Small graphs settle before the first frame; large ones get a short head start, are shown,
  // and keep settling on screen until vis reports them stable or the time budget runs out.
  function settled() {
    if (state.stable) return;
    network.setOptions({ physics: { enabled: false } });
    state.stable = true;
    timing.stabilized = performance.now() - t0;
    if (DATA.large) network.fit();
  }
  network.once("stabilizationIterationsDone", function () {
    timing.shown = performance.now() - t0;
    $("loading").classList.add("done");
    if (DATA.large) {
      network.once("stabilized", settled);
      setTimeout(settled, DATA.settle_ms);
    } else {
      settled();
    }
    if (DATA.focus !== null && DATA.focus !== undefined) focusNode(DATA.focus);
  });
  network.once("afterDrawing", function () { timing.firstDraw = performance.now() - t0; });

  network.on("click", function (params) {
    if (params.nodes.length) {
      var id = params.nodes[0];
      if (state.pathMode) pickPathNode(id); else showNode(id);
    } else if (params.edges.length) {
      showEdge(params.edges[0]);
    }
  });

  /* ---------- filters ---------- */
  function nodeVisible(i) { return state.shownTypes.has(DATA.nodes[i].type); }
  function applyFilters() {
    nodes.update(DATA.nodes.map(function (n, i) { return { id: i, hidden: !nodeVisible(i) }; }));
    edges.update(DATA.edges.map(function (e, j) {
      return { id: j, hidden: !(state.shownRelations.has(e.relation) && nodeVisible(e.s) && nodeVisible(e.t)) };
    }));
    updateCounts();
  }
  function updateCounts() {
    var shownN = 0, shownE = 0;
    nodes.forEach(function (n) { if (!n.hidden) shownN++; });
    edges.forEach(function (e) { if (!e.hidden) shownE++; });
    $("counts").textContent = shownN + " 个节点 nodes · " + shownE + " 条关系 edges";
  }
  function checkbox(group, key, label, en, count, set, lead) {
    var box = el("input", { type: "checkbox", "data-group": group, "data-key": key });
    box.checked = true;
    box.addEventListener("change", function () {
      if (box.checked) set.add(key); else set.delete(key);
      applyFilters();
    });
    return el("label", null, box, lead, el("span", null, label, " ", el("span", { cls: "en" }, en)),
              el("span", { cls: "count" }, String(count)));
  }
  var typeCount = {}, relCount = {};
  DATA.nodes.forEach(function (n) { typeCount[n.type] = (typeCount[n.type] || 0) + 1; });
  DATA.edges.forEach(function (e) { relCount[e.relation] = (relCount[e.relation] || 0) + 1; });
  DATA.type_order.forEach(function (t) {
    var info = DATA.types[t];
    $("type-filters").appendChild(checkbox("type", t, info.zh, info.en, typeCount[t], state.shownTypes, swatch(t)));
  });
  DATA.relation_order.forEach(function (r) {
    var info = DATA.relations[r];
    $("relation-filters").appendChild(checkbox("relation", r, info.zh, info.en, relCount[r] || 0,
      state.shownRelations, el("span", { cls: "swatch", style: "background:#b8c2cc;border-radius:2px" })));
  });
  function ensureVisible(i) {
    var t = DATA.nodes[i].type;
    if (state.shownTypes.has(t)) return;
    state.shownTypes.add(t);
    var box = document.querySelector('input[data-group="type"][data-key="' + CSS.escape(t) + '"]');
    if (box) box.checked = true;
    applyFilters();
  }

  /* ---------- search with suggestions ---------- */
  var searchKeys = DATA.nodes.map(function (n) {
    return [n.label].concat(n.aliases).map(function (name) { return { name: name, key: normalize(name) }; });
  });
  function search(query, limit) {
    var q = normalize(query);
    if (!q) return [];
    var hits = [];
    searchKeys.forEach(function (names, i) {
      var best = null;
      names.forEach(function (nm) {
        var rank = nm.key === q ? 0 : nm.key.indexOf(q) === 0 ? 1 : nm.key.indexOf(q) > 0 ? 2 : -1;
        if (rank >= 0 && (best === null || rank < best.rank)) best = { rank: rank, name: nm.name };
      });
      if (best) hits.push({ id: i, rank: best.rank, via: best.name });
    });
    hits.sort(function (a, b) {
      return a.rank - b.rank || DATA.nodes[a.id].label.length - DATA.nodes[b.id].label.length || a.id - b.id;
    });
    return hits.slice(0, limit || 12);
  }
  function attachSearch(input, list, onPick) {
    var active = 0, hits = [];
    function render() {
      list.textContent = "";
      hits.forEach(function (h, k) {
        var n = DATA.nodes[h.id];
        var item = el("li", { role: "option", cls: k === active ? "active" : "", "data-id": String(h.id),
                              title: typeName(n.type) }, swatch(n.type), n.label,
                      h.via !== n.label ? el("span", { cls: "alias" }, "简称 " + h.via) : null);
        item.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(h.id); });
        list.appendChild(item);
      });
    }
    function pick(id) {
      input.value = DATA.nodes[id].label; hits = []; render(); onPick(id);
    }
    input.addEventListener("input", function () { hits = search(input.value); active = 0; render(); });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown" && hits.length) { active = (active + 1) % hits.length; render(); ev.preventDefault(); }
      else if (ev.key === "ArrowUp" && hits.length) { active = (active + hits.length - 1) % hits.length; render(); ev.preventDefault(); }
      else if (ev.key === "Enter") {
        if (!hits.length) hits = search(input.value);
        if (hits.length) pick(hits[Math.min(active, hits.length - 1)].id);
        ev.preventDefault();
      } else if (ev.key === "Escape") { hits = []; render(); }
    });
    input.addEventListener("blur", function () { hits = []; render(); });
  }
  function focusNode(i) {
    ensureVisible(i);
    network.selectNodes([i]);
    network.focus(i, { scale: Math.max(network.getScale(), 1.1),
                       animation: { duration: 450, easingFunction: "easeInOutQuad" } });
    showNode(i);
  }
  attachSearch($("search"), $("search-suggestions"), function (id) {
    if (state.pathMode) pickPathNode(id); else focusNode(id);
  });

  /* ---------- side panel ---------- */
  var panel = $("panel-body");
  function nodeLink(i, current) {
    if (i === current) return el("span", { cls: "self" }, DATA.nodes[i].label);
    return el("span", { cls: "link", onclick: function () { focusNode(i); } }, DATA.nodes[i].label);
  }
  function tripleLine(e, current) {
    var rel = DATA.relations[e.relation];
    return el("div", { cls: "rel-head" }, nodeLink(e.s, current),
              el("span", { cls: "relname", title: rel.en }, rel.symmetric ? "— " + rel.zh + " —" : "— " + rel.zh + " →"),
              nodeLink(e.t, current), el("span", { cls: "en" }, " (" + rel.en + ")"));
  }
  function showNode(i) {
    state.selected = i; state.edge = null;
    var n = DATA.nodes[i];
    panel.textContent = "";
    panel.appendChild(el("h2", { cls: "panel-title" }, n.label));
    panel.appendChild(el("span", { cls: "chip" }, swatch(n.type),
                         typeName(n.type) + (n.subtype ? " (" + n.subtype + ")" : "")));
    panel.appendChild(el("div", { cls: "iri" }, n.id));
    panel.appendChild(el("h3", null, "别名 Aliases"));
    var aliases = el("div");
    if (n.aliases.length) n.aliases.forEach(function (a) { aliases.appendChild(el("span", { cls: "chip" }, a)); });
    else aliases.appendChild(el("span", { cls: "notice" }, "—"));
    panel.appendChild(aliases);
    if (n.observations.length) {
      panel.appendChild(el("h3", null, "数据（按年份）Observations by year"));
      var rows = n.observations.slice().sort(function (a, b) {
        var ya = a.year === null || a.year === undefined ? 1e9 : a.year;
        var yb = b.year === null || b.year === undefined ? 1e9 : b.year;
        return ya - yb || (a.measure < b.measure ? -1 : a.measure > b.measure ? 1 : 0);
      });
      var table = el("table", { cls: "obs" }, el("tr", null, el("th", null, "年份 Year"), el("th", null, "指标 Measure"),
                     el("th", null, "数值 Value"), el("th", null, "来源 Source")));
      rows.forEach(function (o) {
        var d = DATA.documents[(o.evidence || {}).doc] || {};
        table.appendChild(el("tr", { title: (o.evidence || {}).text || "" },
          el("td", null, o.year === null || o.year === undefined ? "—" : String(o.year)),
          el("td", null, o.measure),
          el("td", { cls: "num" }, (o.qualifier || "") + fmtNumber(o.value) + " " + (o.unit || "")),
          el("td", null, d.number || (o.evidence || {}).doc || "")));
      });
      panel.appendChild(table);
    }
    var rels = incident[i];
    panel.appendChild(el("h3", null, "关系 Relations (" + rels.length + ")"));
    if (!rels.length) panel.appendChild(el("p", { cls: "notice" }, "没有关系 · No relations"));
    rels.forEach(function (j) {
      var e = DATA.edges[j];
      var box = el("div", { cls: "rel" }, tripleLine(e, i));
      e.evidence.forEach(function (ev) { box.appendChild(evidenceBlock(ev)); });
      panel.appendChild(box);
    });
    if (n.docs.length) {
      panel.appendChild(el("h3", null, "提及文件 Mentioned in"));
      n.docs.forEach(function (d) { panel.appendChild(docLine({ doc: d })); });
    }
  }
  function showEdge(j) {
    state.edge = j; state.selected = null;
    var e = DATA.edges[j], rel = DATA.relations[e.relation];
    panel.textContent = "";
    panel.appendChild(el("h2", { cls: "panel-title" }, rel.zh + " · " + rel.en));
    panel.appendChild(tripleLine(e, null));
    panel.appendChild(el("h3", null, "证据 Evidence (" + e.evidence.length + ")"));
    e.evidence.forEach(function (ev) {
      var block = evidenceBlock(ev);
      if (ev.rule) block.appendChild(el("span", { cls: "source" }, "规则 Rule: " + ev.rule +
        (ev.confidence !== undefined ? " · 置信度 confidence " + ev.confidence : "")));
      panel.appendChild(block);
    });
  }

  /* ---------- path mode ---------- */
  function setPathMode(on) {
    state.pathMode = on;
    $("pathbar").hidden = !on;
    $("path-toggle").classList.toggle("active", on);
    if (!on) clearPaths();
  }
  function pickPathNode(i) {
    ensureVisible(i);
    if (state.from === null || (state.from !== null && state.to !== null)) {
      state.from = i; state.to = null; $("path-from").value = DATA.nodes[i].label; $("path-to").value = "";
      clearHighlight();
    } else {
      state.to = i; $("path-to").value = DATA.nodes[i].label; runPaths();
    }
  }
  function runPaths() {
    if (state.from === null || state.to === null) return;
    state.paths = findPaths(state.from, state.to, K_PATHS);
    showPaths();
    highlightPaths(state.paths.length ? 0 : -1);
  }
  function hopLabel(u, v) {
    return pairEdges[pairKey(u, v)].map(function (j) {
      var e = DATA.edges[j], r = DATA.relations[e.relation];
      return r.symmetric ? "—" + r.zh + "—" : e.s === u ? "—" + r.zh + "→" : "←" + r.zh + "—";
    }).join(" / ");
  }
  function showPaths() {
    panel.textContent = "";
    panel.appendChild(el("h2", { cls: "panel-title" }, "路径 Paths"));
    panel.appendChild(el("div", null, nodeLink(state.from, null), "  ⇄  ", nodeLink(state.to, null)));
    if (!state.paths.length) {
      panel.appendChild(el("p", { cls: "notice" }, "在 " + MAX_HOPS + " 跳之内没有连接 · Not connected within " + MAX_HOPS + " hops"));
      return;
    }
    var list = el("ol", { cls: "paths" });
    state.paths.forEach(function (p, k) {
      var line = el("div");
      p.nodes.forEach(function (u, m) {
        line.appendChild(nodeLink(u, null));
        if (m + 1 < p.nodes.length) line.appendChild(el("span", { cls: "relname" }, " " + hopLabel(u, p.nodes[m + 1]) + " "));
      });
      var item = el("li", { "data-path": String(k) }, el("div", { cls: "meta" },
        "路径 " + (k + 1) + " · " + (p.nodes.length - 1) + " 跳 hops · 代价 cost " + p.cost.toFixed(2)), line);
      item.addEventListener("click", function () { highlightPaths(k); });
      list.appendChild(item);
    });
    panel.appendChild(list);
  }
  function clearHighlight() {
    state.activePath = -1;
    nodes.update(Object.keys(baseNode).map(function (id) {
      return { id: Number(id), color: baseNode[id].color, font: baseNode[id].font };
    }));
    edges.update(Object.keys(baseEdge).map(function (id) {
      return { id: Number(id), color: baseEdge[id].color, width: baseEdge[id].width };
    }));
  }
  function highlightPaths(k) {
    state.activePath = k;
    var onNodes = new Set(), onEdges = new Set(), strong = new Set();
    state.paths.forEach(function (p, m) {
      p.nodes.forEach(function (u, x) {
        onNodes.add(u);
        if (x + 1 < p.nodes.length) pairEdges[pairKey(u, p.nodes[x + 1])].forEach(function (j) {
          onEdges.add(j); if (m === k) strong.add(j);
        });
      });
    });
    nodes.update(DATA.nodes.map(function (n, i) {
      return onNodes.has(i) ? { id: i, color: baseNode[i].color, font: { color: "#1f2933" } }
                            : { id: i, color: DIM_NODE, font: { color: "rgba(97,110,124,0.35)" } };
    }));
    edges.update(DATA.edges.map(function (e, j) {
      if (strong.has(j)) return { id: j, color: { color: HL, highlight: HL }, width: 4 };
      if (onEdges.has(j)) return { id: j, color: { color: "#f6c48b", highlight: HL }, width: 2.5 };
      return { id: j, color: { color: DIM_EDGE }, width: 1 };
    }));
    state.highlighted = Array.from(strong).sort(function (a, b) { return a - b; });
    document.querySelectorAll(".paths li").forEach(function (li) {
      li.classList.toggle("active", Number(li.getAttribute("data-path")) === k);
    });
    if (k >= 0) network.fit({ nodes: state.paths[k].nodes, animation: { duration: 450 } });
  }
  function clearPaths() {
    state.from = null; state.to = null; state.paths = []; state.highlighted = [];
    $("path-from").value = ""; $("path-to").value = "";
    clearHighlight();
  }
  attachSearch($("path-from"), $("path-from-suggestions"), function (id) { state.from = id; if (state.to !== null) runPaths(); });
  attachSearch($("path-to"), $("path-to-suggestions"), function (id) { state.to = id; if (state.from !== null) runPaths(); });
  $("path-toggle").addEventListener("click", function () { setPathMode(!state.pathMode); });
  $("path-find").addEventListener("click", runPaths);
  $("path-clear").addEventListener("click", clearPaths);
  $("fit").addEventListener("click", function () { network.fit({ animation: { duration: 450 } }); });

  updateCounts();
  window.kgExplorer = { data: DATA, nodes: nodes, edges: edges, network: network, state: state,
                        timing: timing, search: search, findPaths: findPaths, focusNode: focusNode,
                        normalize: normalize };
})();
