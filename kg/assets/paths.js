/* stikg path search: the hops, weights and k-shortest-paths search of kg/_links.py (`kg connect`).
 * Reads the path graph kg/explorer.py writes into the page: DATA.links rows
 * [u, v, kind, weight, span, refs] over node positions (entities by IRI, then documents by IRI),
 * u < v. Weights are Python's floats, sums are taken in the same order and every tie is broken
 * as in Python (lower position first), so the paths are the same as `kg connect` prints. */
var kgPaths = (function () {
  "use strict";

  function make(DATA) {
    var N = DATA.nodes.length, T = N + DATA.doc_nodes.length;
    var KINDS = ["relation", "sentence", "paragraph", "document", "mention", "issued"];
    var adjacency = [], links = new Map();
    for (var i = 0; i < T; i++) adjacency.push([]);
    DATA.links.forEach(function (row) {
      links.set(row[0] * T + row[1], row);
      adjacency[row[0]].push(row[1]);
      adjacency[row[1]].push(row[0]);
    });
    adjacency.forEach(function (a) { a.sort(function (x, y) { return x - y; }); });

    function isDoc(i) { return i >= N; }
    function link(a, b) { return a < b ? links.get(a * T + b) : links.get(b * T + a); }
    function pairKey(a, b) { return a < b ? a * T + b : b * T + a; }
    function kind(a, b) { return KINDS[link(a, b)[2]]; }
    function shared(a, b) {
      var mine = new Set(adjacency[a]);
      return adjacency[b].filter(function (d) { return isDoc(d) && mine.has(d); });
    }
    function signature(p) {
      var out = [p[0]];
      for (var i = 1; i + 1 < p.length; i++) if (!isDoc(p[i])) out.push(p[i]);
      out.push(p[p.length - 1]);
      return out.join(",");
    }
    function hopCount(p) {
      var inner = 0;
      for (var i = 1; i + 1 < p.length; i++) if (isDoc(p[i])) inner++;
      return p.length - 1 - inner;
    }

    /* binary heap of [key, position] pairs, smallest key first, then smallest position */
    function less(a, b) { return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]); }
    function push(h, item) {
      h.push(item);
      var i = h.length - 1;
      while (i > 0) {
        var p = (i - 1) >> 1;
        if (less(h[p], h[i])) break;
        var t = h[p]; h[p] = h[i]; h[i] = t; i = p;
      }
    }
    function pop(h) {
      var top = h[0], last = h.pop();
      if (h.length) {
        h[0] = last;
        var i = 0;
        for (;;) {
          var l = 2 * i + 1, r = l + 1, m = i;
          if (l < h.length && less(h[l], h[m])) m = l;
          if (r < h.length && less(h[r], h[m])) m = r;
          if (m === i) break;
          var t = h[m]; h[m] = h[i]; h[i] = t; i = m;
        }
      }
      return top;
    }

    // Length in link spans of the shortest walk from start to every node, up to limit.
    function units(start, limit) {
      var dist = new Map([[start, 0]]), heap = [[0, start]];
      while (heap.length) {
        var top = pop(heap), d = top[0], u = top[1];
        if (d > (dist.has(u) ? dist.get(u) : limit + 1)) continue;
        adjacency[u].forEach(function (v) {
          var nd = d + link(u, v)[4];
          if (nd <= limit && nd < (dist.has(v) ? dist.get(v) : limit + 1)) { dist.set(v, nd); push(heap, [nd, v]); }
        });
      }
      return dist;
    }
    // Lightest path src → dst avoiding nodes and pairs; ties go to the lower position.
    function dijkstra(src, dst, bannedNodes, bannedPairs, keep) {
      var dist = new Map([[src, 0]]), prev = new Map(), done = new Set(), heap = [[0, src]];
      while (heap.length) {
        var top = pop(heap), u = top[1];
        if (done.has(u)) continue;
        done.add(u);
        if (u === dst) break;
        var nb = adjacency[u];
        for (var k = 0; k < nb.length; k++) {
          var v = nb[k];
          if (done.has(v) || !keep.has(v) || bannedNodes.has(v) || bannedPairs.has(pairKey(u, v))) continue;
          var nd = top[0] + link(u, v)[3];
          if (!dist.has(v) || nd < dist.get(v)) { dist.set(v, nd); prev.set(v, u); push(heap, [nd, v]); }
        }
      }
      if (!done.has(dst)) return null;
      var path = [dst];
      while (path[0] !== src) path.unshift(prev.get(path[0]));
      return path;
    }
    function cost(p) {
      var c = 0;
      for (var i = 0; i + 1 < p.length; i++) c += link(p[i], p[i + 1])[3];
      return c;
    }
    function order(a, b) {
      if (a.cost !== b.cost) return a.cost < b.cost ? -1 : 1;
      for (var i = 0; i < Math.min(a.nodes.length, b.nodes.length); i++) {
        if (a.nodes[i] !== b.nodes[i]) return a.nodes[i] - b.nodes[i];
      }
      return a.nodes.length - b.nodes.length;
    }

    /** The k lightest simple paths src → dst of at most maxHops hops (kg._links.k_paths). */
    function findPaths(src, dst, k, maxHops) {
      if (src === dst) return [];
      var limit = 2 * maxHops - (isDoc(src) ? 1 : 0) - (isDoc(dst) ? 1 : 0);
      var fromSrc = units(src, limit), fromDst = units(dst, limit), keep = new Set();
      fromSrc.forEach(function (d, n) {
        if (d + (fromDst.has(n) ? fromDst.get(n) : limit + 1) <= limit) keep.add(n);
      });
      if (!keep.has(dst)) return [];
      var first = dijkstra(src, dst, new Set(), new Set(), keep);
      if (!first) return [];
      var accepted = [{ nodes: first, cost: cost(first) }];
      var seen = new Set([signature(first)]), candidates = [];
      var result = hopCount(first) <= maxHops ? [accepted[0]] : [];
      while (result.length < k && accepted.length < DATA.max_scan) {
        var last = accepted[accepted.length - 1].nodes;
        for (var i = 0; i + 1 < last.length; i++) {
          var root = last.slice(0, i + 1), rootKey = root.join(",");
          var bannedPairs = new Set(), bannedNodes = new Set(root.slice(0, i));
          accepted.forEach(function (a) {
            var p = a.nodes;
            if (p.length <= i + 1 || p.slice(0, i + 1).join(",") !== rootKey) return;
            bannedPairs.add(pairKey(p[i], p[i + 1]));
            var after = isDoc(p[i + 1]) && p.length > i + 2 ? p[i + 2] : p[i + 1];
            if (isDoc(after) || isDoc(p[i])) return;
            if (link(p[i], after)) bannedPairs.add(pairKey(p[i], after));
            shared(p[i], after).forEach(function (d) { bannedPairs.add(pairKey(p[i], d)); });
          });
          var spur = dijkstra(last[i], dst, bannedNodes, bannedPairs, keep);
          if (!spur) continue;
          var total = root.slice(0, i).concat(spur), key = signature(total);
          if (seen.has(key)) continue;
          seen.add(key);
          candidates.push({ nodes: total, cost: cost(total) });
        }
        if (!candidates.length) break;
        candidates.sort(order);
        var best = candidates.shift();
        accepted.push(best);
        if (hopCount(best.nodes) <= maxHops) result.push(best);
      }
      return result;
    }

    /** The hops of a path as `kg connect` shows them: entity — document — entity is one hop. */
    function hops(p) {
      var out = [];
      for (var i = 0; i + 1 < p.length;) {
        var u = p[i], v = p[i + 1];
        if (isDoc(v) && i + 2 < p.length) {
          out.push({ start: u, end: p[i + 2], kind: "document", via: v, docs: shared(u, p[i + 2]) });
          i += 2;
        } else {
          out.push({ start: u, end: v, kind: kind(u, v), row: link(u, v) });
          i += 1;
        }
      }
      return out;
    }

    return { findPaths: findPaths, hops: hops, link: link, shared: shared, isDoc: isDoc,
             adjacency: adjacency };
  }
  return make;
})();
