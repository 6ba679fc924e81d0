"""Map benchmark: page load to a stable, interactive map in headless Chromium, against two baselines in the same run.

    .venv/bin/python -m bench.bench_maps [--sizes 200 2000 20000] [--runs 3] [--pyvis-timeout 60]

For each size a generated map (bench input straight from `cmograph.viz.synthetic`, no store) is
rendered by cmograph and opened from a file. "Stable and interactive" is the first free frame
after the map is drawn with its layout settled (physics stopped). Baselines, timed the same way:

- static: a plain HTML page of the same byte size (the floor: parsing and painting that many bytes);
- pyvis: the same nodes and edges through pyvis's default template (in-line resources, physics on,
  its CDN stylesheet requests refused), stable at vis's `stabilizationIterationsDone`.

Prints a Markdown table and writes bench/results/maps.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from pyvis.network import Network

from cmograph.viz.maps import render_graph
from cmograph.viz.render import PHYSICS_MAX_NODES
from cmograph.viz.synthetic import generated_graph

RESULTS = Path(__file__).resolve().parent / "results"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TARGETS = {2000: 2.0, 20000: 3.0}  # seconds to a stable, interactive map

# Marks window.__stableAt: the first frame after the page says it is done, whichever page it is.
PROBE = """
(() => {
  const mark = () => requestAnimationFrame(() => requestAnimationFrame(() => {
    if (window.__stableAt === undefined) { window.__stableAt = performance.now(); }
  }));
  // cmograph: the body gets data-map-ready once drawn with physics stopped.
  new MutationObserver((_, obs) => {
    if (document.body && document.body.hasAttribute('data-map-ready')) { obs.disconnect(); mark(); }
  }).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-map-ready']});
  // pyvis: wrap vis.Network as the library defines it, to hear stabilizationIterationsDone.
  let lib;
  Object.defineProperty(window, 'vis', {configurable: true, get: () => lib, set: (value) => {
    lib = value;
    let Real;
    Object.defineProperty(value, 'Network', {configurable: true, enumerable: true, get: () => Wrapped,
      set: (N) => { Real = N; }});
    function Wrapped(...args) {
      const net = new Real(...args);
      net.once('stabilizationIterationsDone', mark);
      return net;
    }
  }});
  // static: done at load.
  window.addEventListener('load', () => { if (window.__static) { mark(); } });
})();
"""


def static_page(size_bytes: int) -> str:
    """A plain page of about `size_bytes`: text only, nothing to run."""
    head = "<!doctype html><html><head><meta charset='utf-8'><title>static</title>" \
           "<script>window.__static = true;</script></head><body><pre>"
    tail = "</pre></body></html>"
    line = "lorem ipsum dolor sit amet, consectetur adipiscing elit 0123456789\n"
    body = (line * (size_bytes // len(line) + 1))[: max(0, size_bytes - len(head) - len(tail))]
    return head + body + tail


def pyvis_page(html_nodes: list[dict[str, Any]], html_edges: list[dict[str, Any]]) -> str:
    """pyvis's own template for the same nodes and edges, physics on (its default)."""
    net = Network(directed=True, cdn_resources="in_line")
    # Filled directly: add_node/add_edge check membership in lists, quadratic at 20,000 nodes.
    for n in html_nodes:
        node: dict[str, Any] = {"id": n["id"], "label": n["label"], "shape": "dot", "title": n["label"]}
        net.nodes.append(node)
        net.node_ids.append(n["id"])
        net.node_map[n["id"]] = node
    net.edges.extend({"from": e["from"], "to": e["to"], "arrows": "to"} for e in html_edges)
    return net.generate_html()


def time_page(browser: Any, path: Path, timeout_s: float) -> float | None:
    """Seconds from navigation start to a stable, interactive page; None if not within the timeout."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.add_init_script(PROBE)
    # Offline like a saved file: anything not from disk is refused at once.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
               else route.abort())
    try:
        page.goto(path.as_uri(), wait_until="commit", timeout=timeout_s * 1000)
        page.wait_for_function("window.__stableAt !== undefined", timeout=timeout_s * 1000, polling=50)
        return float(page.evaluate("window.__stableAt")) / 1000
    except Exception as exc:  # noqa: BLE001 - a timeout (or a frozen page) is the result here
        if "Timeout" not in type(exc).__name__ and "Timeout" not in str(exc):
            raise
        return None
    finally:
        context.close()


def median(values: list[float | None]) -> float | None:
    done = [v for v in values if v is not None]
    return round(statistics.median(done), 3) if len(done) == len(values) and done else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000, 20000])
    parser.add_argument("--runs", type=int, default=3, help="Runs per page; the median is reported.")
    parser.add_argument("--pyvis-timeout", type=float, default=60, help="Seconds before pyvis's page counts as frozen.")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        folder = Path(tmp)
        for size in args.sizes:
            graph = generated_graph(size)
            start = time.perf_counter()
            rendered = render_graph(graph)
            build_s = time.perf_counter() - start
            ours = folder / f"ours-{size}.html"
            ours.write_text(rendered.html, encoding="utf-8")
            data = json.loads(rendered.html.split('type="application/json">', 1)[1].split("</script>", 1)[0])
            static = folder / f"static-{size}.html"
            static.write_text(static_page(len(rendered.html.encode())), encoding="utf-8")
            # The baseline draws the whole graph, as pyvis would: the full node set, uncollapsed.
            full = render_graph(graph, max_nodes=10**9) if rendered.aggregated else rendered
            full_data = data if full is rendered else json.loads(
                full.html.split('type="application/json">', 1)[1].split("</script>", 1)[0])
            baseline = folder / f"pyvis-{size}.html"
            baseline.write_text(pyvis_page(full_data["nodes"], full_data["edges"]), encoding="utf-8")

            ours_s = median([time_page(browser, ours, 60) for _ in range(args.runs)])
            static_s = median([time_page(browser, static, 60) for _ in range(args.runs)])
            pyvis_s = time_page(browser, baseline, args.pyvis_timeout)
            row = {
                "nodes": size, "drawn_nodes": rendered.nodes, "drawn_edges": rendered.edges,
                "aggregated": rendered.aggregated, "physics": rendered.nodes <= PHYSICS_MAX_NODES,
                "html_bytes": len(rendered.html.encode()), "build_s": round(build_s, 3),
                "ours_s": ours_s, "static_page_s": static_s,
                "pyvis_default_s": round(pyvis_s, 3) if pyvis_s is not None else None,
                "pyvis_timeout_s": args.pyvis_timeout,
                "ratio_to_static": round(ours_s / static_s, 2) if ours_s and static_s else None,
                "ratio_to_pyvis": round(ours_s / pyvis_s, 3) if ours_s and pyvis_s else None,
                "target_s": TARGETS.get(size),
            }
            row["meets_target"] = None if row["target_s"] is None or ours_s is None else ours_s <= row["target_s"]
            results.append(row)
            print(f"{size} nodes: ours {ours_s}s, static {static_s}s, pyvis {row['pyvis_default_s']}s", flush=True)
        version = browser.version
        browser.close()

    print()
    print("| nodes | drawn (nodes/edges) | collapsed | build (s) | cmograph map (s) | static page, same size (s) "
          "| ratio | pyvis default (s) | ratio | target |")
    print("|---:|---:|:---:|---:|---:|---:|---:|---:|---:|:---:|")
    for r in results:
        frozen = r["pyvis_default_s"] is None
        pyvis = f"> {r['pyvis_timeout_s']:g} (not stable)" if frozen else f"{r['pyvis_default_s']}"
        ratio_pyvis = f"< {r['ours_s'] / r['pyvis_timeout_s']:.3f}" if frozen else f"{r['ratio_to_pyvis']}"
        target = "" if r["target_s"] is None else f"≤ {r['target_s']:g} s: {'met' if r['meets_target'] else 'MISSED'}"
        print(f"| {r['nodes']:,} | {r['drawn_nodes']:,} / {r['drawn_edges']:,} | {'yes' if r['aggregated'] else 'no'} "
              f"| {r['build_s']} | {r['ours_s']} | {r['static_page_s']} | {r['ratio_to_static']} | {pyvis} "
              f"| {ratio_pyvis} | {target} |")
    RESULTS.mkdir(exist_ok=True)
    out = {"measure": "seconds from navigation start to the first free frame after a settled, drawn map "
                      "(median of runs; pyvis one run)",
           "runs": args.runs, "chromium": version, "machine": {"python": platform.python_version(),
                                                              "cpus": __import__("os").cpu_count()},
           "results": results}
    (RESULTS / "maps.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS / 'maps.json'}")


if __name__ == "__main__":
    main()
