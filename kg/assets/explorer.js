/* stikg explorer: first view, documents layer, search, filters, evidence panel and path mode
 * over vis-network. Reads two JSON blocks written by kg/explorer.py: #kg-data (the graph with
 * evidence, the path graph, counts) and #kg-vis (vis-network nodes, edges, options). Path
 * search is kgPaths (paths.js), the algorithm of `kg connect`. Everything runs offline. */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var VIS = JSON.parse(document.getElementById("kg-vis").textContent);
  var N = DATA.nodes.length, D = DATA.doc_nodes.length, E = DATA.edges.length;
  var DIM_NODE = "rgba(200, 206, 214, 0.35)";
  var DIM_EDGE = "rgba(200, 206, 214, 0.25)";
  var HL = "#ef8a17";
  var K_PATHS = 3, MAX_HOPS = 4;
  var PATHS = kgPaths(DATA);
  var CORE = new Set(DATA.core), HUBS = new Set(DATA.hubs);

  var t0 = performance.now();
  var timing = { start: t0 };
  var state = { selected: null, edge: null, pathMode: false, from: null, to: null,
                paths: [], activePath: -1, stable: false, documents: false,
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
  // kg.names.name_key: NFKC, drop whitespace and quote marks (the set written by Python), case-fold
  var DROP = new RegExp(DATA.names.drop, "g"), FOLD = DATA.names.fold;
  function normalize(s) {
    return Array.from(String(s).normalize("NFKC").replace(DROP, "").toLowerCase(), function (c) {
      return FOLD[c] || c;
    }).join("");
  }
  function isDoc(i) { return i >= N; }
  function label(i) { return isDoc(i) ? DATA.doc_nodes[i - N].label : DATA.nodes[i].label; }
  function nodeId(i) { return isDoc(i) ? DATA.doc_nodes[i - N].id : DATA.nodes[i].id; }
  function typeName(t) { var i = DATA.types[t]; return i.zh + " · " + i.en; }
  function swatch(t) { return el("span", { cls: "swatch", style: "background:" + DATA.types[t].color }); }
  function line(color, dashed) {
    return el("span", { cls: "swatch line", style: "border-top-color:" + color + (dashed ? ";border-top-style:dashed" : "") });
  }
  function urlLink(url) {  // only web addresses become links (the manifest accepts no others)
    return /^https?:\/\//.test(url || "") ? el("a", { cls: "url", href: url, target: "_blank", rel: "noopener noreferrer" }, url) : null;
  }
  function docLine(ev) {
    var d = DATA.documents[ev.doc] || {};
    var bits = [d.number || ev.doc, d.date, d.title].filter(Boolean);
    var link = urlLink(d.url);
    return el("span", { cls: "source", title: d.path || ev.doc }, "来源 Source: " + bits.join(" · "),
              link ? " · " : null, link);
  }
  function evidenceBlock(ev) {
    return el("blockquote", { cls: "evidence" }, ev.text, docLine(ev));
  }
  function sentence(doc, i) {
    var row = DATA.documents[doc].sentences[i];
    return { doc: doc, start: row[0], end: row[1], text: row[3] };
  }
  function fmtNumber(v) {
    return typeof v === "number" ? v.toLocaleString("zh-CN", { maximumFractionDigits: 4 }) : String(v);
  }

  /* ---------- typed edges by node pair (for the panel and path highlights) ---------- */
  var pairEdges = {}, incident = [];
  for (var i = 0; i < N; i++) incident.push([]);
  DATA.edges.forEach(function (e, j) {
    incident[e.s].push(j);
    if (e.t !== e.s) incident[e.t].push(j);
    var key = Math.min(e.s, e.t) + "," + Math.max(e.s, e.t);
    (pairEdges[key] = pairEdges[key] || []).push(j);
  });
  function pairKey(u, v) { return Math.min(u, v) + "," + Math.max(u, v); }
  var docEdgeOf = {};  // "entity,document" → vis edge id of the document link
  DATA.doc_edges.forEach(function (row, k) { docEdgeOf[row[0] + "," + row[1]] = E + k; });

  /** The k cheapest paths src → dst of at most MAX_HOPS hops (the same as `kg connect`). */
  function findPaths(src, dst, k) { return PATHS.findPaths(src, dst, k || K_PATHS, MAX_HOPS); }

  /* ---------- the network ---------- */
  var nodes = new vis.DataSet(VIS.nodes);
  var edges = new vis.DataSet(VIS.edges);
  var baseNode = {}, baseEdge = {};
  VIS.nodes.forEach(function (n) { baseNode[n.id] = { color: n.color, font: { color: "#1f2933" } }; });
  VIS.edges.forEach(function (e) { baseEdge[e.id] = { color: e.color, width: e.width || 1.4 }; });
  var network = new vis.Network($("graph"), { nodes: nodes, edges: edges }, VIS.options);
  function coreIds() { return DATA.core.filter(function (i) { return nodeVisible(i); }); }
  function fitView(animate) {
    var shown = nodes.getIds({ filter: function (n) { return !n.hidden; } });
    network.fit({ nodes: shown, animation: animate ? { duration: 450 } : false });
  }

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
    fitView(false);
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
      if (isDoc(id)) showDocument(id);
      else if (state.pathMode) pickPathNode(id);
      else showNode(id);
    } else if (params.edges.length && typeof params.edges[0] === "number" && params.edges[0] < E) {
      showEdge(params.edges[0]);
    }
  });

  /** Nodes whose label vis draws at the current zoom and that lie inside the canvas. */
  function labelled() {
    var scale = network.getScale(), box = $("graph").getBoundingClientRect();
    var pos = network.getPositions();
    return nodes.get({ filter: function (n) {
      if (n.hidden) return false;
      var size = (n.font && n.font.size) || VIS.options.nodes.font.size;
      if (size * scale < DATA.label_threshold - 1) return false;
      var p = network.canvasToDOM(pos[n.id]);
      return p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height;
    } }).map(function (n) { return n.id; });
  }

  /* ---------- what is shown: the core, or everything with the documents ---------- */
  var revealed = new Set();  // nodes outside the view shown for a path or a search
  function inLayer(i) { return state.documents || revealed.has(i) || (!isDoc(i) && CORE.has(i)); }
  function nodeVisible(i) { return inLayer(i) && (isDoc(i) || state.shownTypes.has(DATA.nodes[i].type)); }
  function applyFilters() {
    var all = [];
    for (var i = 0; i < N + D; i++) {
      all.push({ id: i, hidden: !nodeVisible(i), physics: state.documents || (!isDoc(i) && CORE.has(i)) });
    }
    nodes.update(all);
    edges.update(DATA.edges.map(function (e, j) {
      return { id: j, hidden: !(state.shownRelations.has(e.relation) && nodeVisible(e.s) && nodeVisible(e.t)) };
    }));
    edges.update(DATA.doc_edges.map(function (row, k) {
      return { id: E + k, hidden: !(nodeVisible(row[0]) && nodeVisible(row[1])), physics: state.documents };
    }));
    updateCounts();
  }
  // Documents on a ring around the core, every entity outside the core next to its first document.
  function placeLayer() {
    if (state.placed) return;
    state.placed = true;
    var pos = network.getPositions(DATA.core), xs = [], ys = [];
    Object.keys(pos).forEach(function (k) { xs.push(pos[k].x); ys.push(pos[k].y); });
    var cx = xs.length ? (Math.min.apply(null, xs) + Math.max.apply(null, xs)) / 2 : 0;
    var cy = ys.length ? (Math.min.apply(null, ys) + Math.max.apply(null, ys)) / 2 : 0;
    var r = xs.length ? Math.max(Math.max.apply(null, xs) - cx, Math.max.apply(null, ys) - cy) + 350 : 300;
    var golden = Math.PI * (3 - Math.sqrt(5)), moves = [], count = {};
    DATA.doc_nodes.forEach(function (d, k) {
      var a = 2 * Math.PI * k / Math.max(1, D);
      moves.push({ id: N + k, x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) });
    });
    var at = {};
    moves.forEach(function (m) { at[m.id] = m; });
    DATA.doc_edges.forEach(function (row) {
      var u = row[0], d = at[row[1]];
      if (CORE.has(u) || at[u] || !d) return;
      var n = count[row[1]] = (count[row[1]] || 0) + 1, rr = 60 + 18 * Math.sqrt(n);
      at[u] = { id: u, x: d.x + rr * Math.cos(n * golden), y: d.y + rr * Math.sin(n * golden) };
      moves.push(at[u]);
    });
    nodes.update(moves);
  }
  /** Show or hide the documents layer: source documents, their links, every entity. */
  function setDocuments(on) {
    if (state.documents === on) return;
    state.documents = on;
    $("docs-toggle").classList.toggle("active", on);
    if (on) placeLayer();
    applyFilters();
    if (on) {
      state.stable = false;
      network.setOptions({ physics: { enabled: true } });
      network.stabilize(DATA.large ? 30 : 250);
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({ physics: { enabled: false } });
        state.stable = true;
        fitView(true);
      });
    } else {
      fitView(true);
    }
  }
  $("docs-toggle").addEventListener("click", function () { setDocuments(!state.documents); });
  /** Show nodes outside the view without changing it: each next to the node before it in ``chain``. */
  function reveal(chain) {
    var pos = network.getPositions(), golden = Math.PI * (3 - Math.sqrt(5)), moves = [];
    chain.forEach(function (u, k) {
      if (inLayer(u)) return;
      var prev = pos[chain[Math.max(0, k - 1)]] || { x: 0, y: 0 }, a = (u + 1) * golden;
      pos[u] = { x: prev.x + 170 * Math.cos(a), y: prev.y + 170 * Math.sin(a) };
      revealed.add(u);
      moves.push({ id: u, x: pos[u].x, y: pos[u].y });
    });
    if (moves.length) { nodes.update(moves); applyFilters(); }
  }
  function unreveal() {
    if (!revealed.size) return;
    revealed.clear();
    applyFilters();
  }
  function ensureVisible(i) {
    if (!inLayer(i)) setDocuments(true);
    if (isDoc(i)) return;
    var t = DATA.nodes[i].type;
    if (state.shownTypes.has(t)) return;
    state.shownTypes.add(t);
    var box = document.querySelector('input[data-group="type"][data-key="' + CSS.escape(t) + '"]');
    if (box) box.checked = true;
    applyFilters();
  }

  /* ---------- header counts (kg.graph.graph_counts, as kg stats) and legend ---------- */
  var C = DATA.counts;
  $("counts").textContent = C.entities + " 个实体 entities · " + C.relations + " 条关系 relations · " +
    C.statements + " 条陈述 statements · " + C.documents + " 份文件 documents";
  function updateCounts() {
    var shownN = 0, shownE = 0;
    nodes.forEach(function (n) { if (!n.hidden) shownN++; });
    edges.forEach(function (e) { if (!e.hidden && typeof e.id === "number") shownE++; });
    $("view").textContent = (state.documents ? "全部实体与文件 all entities and documents"
      : DATA.focus !== null ? "" : "关系主干 the connected core") + " · 显示 " + shownN + " 个节点 nodes · " +
      shownE + " 条连线 edges";
  }
  function checkbox(group, key, text, en, count, set, lead) {
    var box = el("input", { type: "checkbox", "data-group": group, "data-key": key });
    box.checked = true;
    box.addEventListener("change", function () {
      if (box.checked) set.add(key); else set.delete(key);
      applyFilters();
    });
    return el("label", null, box, lead, el("span", null, text, " ", el("span", { cls: "en" }, en)),
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
      state.shownRelations, line(info.color, false)));
  });
  ["sentence", "paragraph", "document", "mention", "issued"].forEach(function (k) {
    var info = DATA.kinds[k];
    $("kind-legend").appendChild(el("div", { cls: "legend-row", "data-kind": k }, line(info.color, true),
      el("span", null, info.zh, " ", el("span", { cls: "en" }, info.en))));
  });

  /* ---------- search with suggestions (label, alias, normalised name, then contained) ---------- */
  var searchKeys = DATA.nodes.map(function (n) {
    return [{ name: n.label, key: normalize(n.label), label: true }].concat(n.aliases.map(function (a) {
      return { name: a, key: normalize(a), label: false };
    }));
  });
  function search(query, limit) {
    var raw = String(query).trim(), q = normalize(query);
    if (!q) return [];
    var hits = [];
    searchKeys.forEach(function (names, i) {
      var best = null;
      names.forEach(function (nm) {
        var rank = nm.name === raw ? (nm.label ? 0 : 1) : nm.key === q ? 2 : nm.key.indexOf(q) === 0 ? 3
                 : nm.key.indexOf(q) > 0 ? 4 : -1;
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
    if (isDoc(i)) showDocument(i); else showNode(i);
  }
  attachSearch($("search"), $("search-suggestions"), function (id) {
    if (state.pathMode) pickPathNode(id); else focusNode(id);
  });

  /* ---------- side panel ---------- */
  var panel = $("panel-body");
  function nodeLink(i, current) {
    if (i === current) return el("span", { cls: "self" }, label(i));
    return el("span", { cls: "link", onclick: function () { focusNode(i); } }, label(i));
  }
  function tripleLine(e, current) {
    var rel = DATA.relations[e.relation];
    return el("div", { cls: "rel-head" }, nodeLink(e.s, current),
              el("span", { cls: "relname", title: rel.en, style: "color:" + rel.color },
                 rel.symmetric ? "— " + rel.zh + " —" : "— " + rel.zh + " →"),
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
  function showDocument(i) {
    var d = DATA.doc_nodes[i - N], meta = DATA.documents[d.doc] || {};
    state.selected = i; state.edge = null;
    panel.textContent = "";
    panel.appendChild(el("h2", { cls: "panel-title" }, d.label));
    panel.appendChild(el("span", { cls: "chip" }, "文件 · source document"));
    panel.appendChild(el("div", { cls: "iri" }, d.id));
    [["标题 Title", meta.title], ["日期 Date", meta.date], ["发文 Issued by", meta.agency], ["文件 File", meta.path]]
      .forEach(function (row) { if (row[1]) panel.appendChild(el("div", null, el("span", { cls: "en" }, row[0] + ": "), row[1])); });
    if (urlLink(meta.url)) panel.appendChild(el("div", null, el("span", { cls: "en" }, "网址 URL: "), urlLink(meta.url)));
    var named = PATHS.adjacency[i].filter(function (u) { return !isDoc(u); });
    panel.appendChild(el("h3", null, "提及 Mentions (" + named.length + ")"));
    var box = el("div");
    named.forEach(function (u) { box.appendChild(el("span", { cls: "chip" }, nodeLink(u, null))); });
    panel.appendChild(box);
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
    if (state.from === null || (state.from !== null && state.to !== null)) {
      state.from = i; state.to = null; $("path-from").value = label(i); $("path-to").value = "";
      clearHighlight();
    } else {
      state.to = i; $("path-to").value = label(i); runPaths();
    }
  }
  function runPaths() {
    if (state.from === null || state.to === null) return;
    state.paths = findPaths(state.from, state.to, K_PATHS);
    state.paths.forEach(function (p) { p.hops = PATHS.hops(p.nodes); });
    unreveal();
    state.paths.forEach(function (p) {
      var shown = [];  // documents inside a path are drawn as one dashed hop, not as nodes
      p.nodes.forEach(function (u, x) { if (!isDoc(u) || x === 0 || x === p.nodes.length - 1) shown.push(u); });
      reveal(shown);
    });
    showPaths();
    highlightPaths(state.paths.length ? 0 : -1);
  }
  function kindLabel(h) {
    if (h.kind === "relation") {
      return pairEdges[pairKey(h.start, h.end)].map(function (j) {
        var e = DATA.edges[j], r = DATA.relations[e.relation];
        return r.symmetric ? "—" + r.zh + "—" : e.s === h.start ? "—" + r.zh + "→" : "←" + r.zh + "—";
      }).join(" / ");
    }
    return "~" + DATA.kinds[h.kind].zh + "~";
  }
  function hopEvidence(h) {
    var box = el("div", { cls: "hop" }, el("div", { cls: "meta" }, nodeLink(h.start, null), " ",
      el("span", { cls: "relname" }, kindLabel(h)), " ", nodeLink(h.end, null),
      el("span", { cls: "en" }, " (" + (h.kind === "relation" ? "关系 relation" : DATA.kinds[h.kind].zh + " " + DATA.kinds[h.kind].en) + ")")));
    if (h.kind === "relation") {
      pairEdges[pairKey(h.start, h.end)].forEach(function (j) {
        DATA.edges[j].evidence.slice(0, 2).forEach(function (ev) { box.appendChild(evidenceBlock(ev)); });
      });
    } else if (h.kind === "sentence") {
      h.row[5].slice(0, 2).forEach(function (r) { box.appendChild(evidenceBlock(sentence(r[0], r[1]))); });
    } else if (h.kind === "paragraph") {
      var r = h.row[5][0];
      box.appendChild(evidenceBlock(sentence(r[0], h.row[0] === h.start ? r[1] : r[2])));
      box.appendChild(evidenceBlock(sentence(r[0], h.row[0] === h.start ? r[2] : r[1])));
    } else {
      var docs = h.kind === "document" ? h.docs : [isDoc(h.start) ? h.start : h.end];
      docs.slice(0, 2).forEach(function (d) {
        var meta = DATA.documents[DATA.doc_nodes[d - N].doc] || {};
        box.appendChild(el("div", { cls: "source" }, "文件 Document: " +
          [meta.number || DATA.doc_nodes[d - N].doc, meta.agency, meta.date].filter(Boolean).join(" · ")));
        [h.start, h.end].forEach(function (u) {
          if (isDoc(u)) return;
          var refs = PATHS.link(u, d)[5];
          if (refs.length) box.appendChild(evidenceBlock(sentence(refs[0][0], refs[0][1])));
        });
      });
      if (docs.length > 2) box.appendChild(el("span", { cls: "source" }, "(+" + (docs.length - 2) + " 份文件 more documents)"));
    }
    return box;
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
      var item = el("li", { "data-path": String(k) }, el("div", { cls: "meta" },
        "路径 " + (k + 1) + " · " + p.hops.length + " 跳 hops · 代价 cost " + p.cost.toFixed(2)));
      p.hops.forEach(function (h) { item.appendChild(hopEvidence(h)); });
      item.addEventListener("click", function () { highlightPaths(k); });
      list.appendChild(item);
    });
    panel.appendChild(list);
  }
  function clearHighlight() {
    state.activePath = -1;
    edges.remove(edges.getIds({ filter: function (e) { return typeof e.id === "string"; } }));
    nodes.update(Object.keys(baseNode).map(function (id) {
      return { id: Number(id), color: baseNode[id].color, font: baseNode[id].font };
    }));
    edges.update(Object.keys(baseEdge).map(function (id) {
      return { id: Number(id), color: baseEdge[id].color, width: baseEdge[id].width };
    }));
  }
  function highlightPaths(k) {
    clearHighlight();
    state.activePath = k;
    var onNodes = new Set(), onEdges = new Set(), strong = new Set(), extra = [];
    state.paths.forEach(function (p, m) {
      p.nodes.forEach(function (u) { onNodes.add(u); });
      p.hops.forEach(function (h, x) {
        if (h.kind === "relation") {
          pairEdges[pairKey(h.start, h.end)].forEach(function (j) { onEdges.add(j); if (m === k) strong.add(j); });
        } else if (h.kind === "mention" || h.kind === "issued") {
          var j = docEdgeOf[Math.min(h.start, h.end) + "," + Math.max(h.start, h.end)];
          onEdges.add(j); if (m === k) strong.add(j);
        } else if (m === k) {
          var color = DATA.kinds[h.kind].color;
          extra.push({ id: "path-" + x, from: h.start, to: h.end, label: DATA.kinds[h.kind].zh, dashes: true,
                       physics: false, smooth: false, width: 3, color: { color: color, highlight: color } });
        }
      });
    });
    nodes.update(VIS.nodes.map(function (n) {
      return onNodes.has(n.id) ? { id: n.id, color: baseNode[n.id].color, font: { color: "#1f2933" } }
                               : { id: n.id, color: DIM_NODE, font: { color: "rgba(97,110,124,0.35)" } };
    }));
    edges.update(VIS.edges.map(function (e) {
      if (strong.has(e.id)) return { id: e.id, color: { color: HL, highlight: HL }, width: 4 };
      if (onEdges.has(e.id)) return { id: e.id, color: { color: "#f6c48b", highlight: HL }, width: 2.5 };
      return { id: e.id, color: { color: DIM_EDGE }, width: 1 };
    }));
    edges.add(extra);
    state.highlighted = Array.from(strong).sort(function (a, b) { return a - b; });
    document.querySelectorAll(".paths li").forEach(function (li) {
      li.classList.toggle("active", Number(li.getAttribute("data-path")) === k);
    });
    if (k >= 0) {
      var shown = state.paths[k].nodes.filter(function (u) { return nodeVisible(u); });
      network.fit({ nodes: shown, animation: { duration: 450 } });
    }
  }
  function clearPaths() {
    state.from = null; state.to = null; state.paths = []; state.highlighted = [];
    $("path-from").value = ""; $("path-to").value = "";
    clearHighlight();
    unreveal();
  }
  attachSearch($("path-from"), $("path-from-suggestions"), function (id) { state.from = id; if (state.to !== null) runPaths(); });
  attachSearch($("path-to"), $("path-to-suggestions"), function (id) { state.to = id; if (state.from !== null) runPaths(); });
  $("path-toggle").addEventListener("click", function () { setPathMode(!state.pathMode); });
  $("path-find").addEventListener("click", runPaths);
  $("path-clear").addEventListener("click", clearPaths);
  $("fit").addEventListener("click", function () { fitView(true); });

  updateCounts();
  window.kgExplorer = { data: DATA, nodes: nodes, edges: edges, network: network, state: state,
                        timing: timing, search: search, findPaths: findPaths, hops: PATHS.hops,
                        focusNode: focusNode, normalize: normalize, setDocuments: setDocuments,
                        labelled: labelled, nodeId: nodeId, coreIds: coreIds };
})();
