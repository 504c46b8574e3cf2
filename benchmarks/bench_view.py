"""How heavy and how fast il2lib's 3D views are, next to a plain py3Dmol view.

Prints, for 1Z92, 2B5I and 2ERJ: the bytes one view adds to a saved notebook (ours,
without the one-time 3Dmol.js) against naive py3Dmol, which embeds the whole file and
publishes it twice (text/html and application/3dmoljs_load.v0); the size of 3Dmol.js;
and the time from opening a saved page to the first frame, in headless chromium with
the network cut off.

Run it with ``python -m il2lib bench`` (or directly: ``python benchmarks/bench_view.py``).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from il2lib import jsassets, load_structure, viewer  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-background-networking"]
ENTRIES = ("1Z92", "2B5I", "2ERJ")
RUNS = 3


def naive_py3dmol_bytes(text: str) -> int:
    """What ``py3Dmol.view(data=text).show()`` stores in a notebook: the same HTML under two mimetypes."""
    import py3Dmol

    html = py3Dmol.view(data=text, format="pdb", style={"cartoon": {}}).write_html()
    return 2 * len(html.encode())


def payload_table() -> None:
    print(f"{'entry':<6} {'file':>10} {'naive py3Dmol':>14} {'il2lib view':>12} {'ratio':>6}")
    for pdb_id in ENTRIES:
        structure = load_structure(pdb_id, progress=False)
        ours = len(viewer.show(structure).to_html().encode())
        naive = naive_py3dmol_bytes(structure.text)
        print(f"{pdb_id:<6} {len(structure.text.encode()):>10,} {naive:>14,} {ours:>12,} {naive / ours:>5.1f}x")
    library = jsassets.locate()
    size = f"{library.path.stat().st_size:,} bytes" if library.path else "not local (CDN)"
    print(f"3Dmol.js {jsassets.VERSION}: {size}, sent once per page ({jsassets.describe()})")


def first_frame_seconds(page_path: Path) -> list[float]:
    """Seconds from navigation to the view's first frame, over RUNS fresh pages."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for _ in range(RUNS):
            context = browser.new_context()
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
            page = context.new_page()
            start = time.perf_counter()
            page.goto(page_path.as_uri())
            page.wait_for_selector(".il2v[data-il2-ready]", timeout=60_000)
            times.append(time.perf_counter() - start)
            context.close()
        browser.close()
    return times


def timing() -> None:
    if not CHROMIUM.exists():
        print("time to first frame: skipped (install Debian's chromium: sudo apt-get install chromium)")
        return
    if not jsassets.is_offline_ready():
        print("time to first frame: skipped (no local 3Dmol.js: run `python -m il2lib fetch --js`)")
        return
    with tempfile.TemporaryDirectory() as folder:
        page = viewer.show("1Z92").save_html(Path(folder) / "1z92.html")
        times = first_frame_seconds(page)
    print(
        f"time to first frame, 1Z92 saved page, headless chromium (software WebGL), offline: "
        f"median {statistics.median(times):.2f} s over {RUNS} runs ({', '.join(f'{t:.2f}' for t in times)})"
    )


def main() -> None:
    payload_table()
    timing()


if __name__ == "__main__":
    main()
