"""Browser fixtures: Debian's chromium through playwright, with the network cut off.

* ``browser`` - one headless chromium for the session (software WebGL).
* ``page`` - a fresh page whose every request to a non-loopback address is blocked;
  the blocked addresses are collected in the ``blocked_urls`` fixture.
* ``save_screenshot(target, name)`` - a PNG of a page or element, kept in ``test-artifacts/``.
* ``pixels`` - how much of a screenshot is drawn, and how much two screenshots differ.
* ``local_3dmol`` - makes sure views inline a local 3Dmol.js (fetching it with npm if needed).

Without /usr/bin/chromium the tests are skipped, except on CI (CI=true), where they fail.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
LOCAL_SCHEMES = {"file", "data", "blob", "about"}


def _unavailable(reason: str) -> None:
    """Skip, or on CI fail: CI must run the browser tests."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (browser tests are required when CI=true)")
    pytest.skip(reason)


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    host = (parts.hostname or "").lower()
    return host in LOOPBACK_HOSTS or host.startswith("127.")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        _unavailable("install Debian's chromium (sudo apt-get install chromium) to run browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("install playwright (pip install -e '.[test]') to run browser tests")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def blocked_urls() -> list[str]:
    """Addresses the page tried to reach off this machine (all of them were blocked)."""
    return []


@pytest.fixture
def page(browser, blocked_urls) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1100, "height": 900}, device_scale_factor=1)

    def guard(route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            blocked_urls.append(url)
            route.abort()

    context.route("**/*", guard)
    new_page = context.new_page()
    new_page.on("dialog", lambda dialog: dialog.dismiss())  # a test that cares listens too
    yield new_page
    context.close()


def screenshot_to_artifacts(target, name: str, **options) -> bytes:
    """Save a PNG of a playwright page or element as test-artifacts/<name>.png; return its bytes."""
    ARTIFACTS.mkdir(exist_ok=True)
    return target.screenshot(path=str(ARTIFACTS / f"{name}.png"), **options)


@pytest.fixture(scope="session")
def save_screenshot():
    """``save_screenshot(page_or_element, name, **screenshot_options) -> PNG bytes``, kept in test-artifacts/."""
    return screenshot_to_artifacts


_PIXEL_STATS_JS = """
async ([first, second]) => {
  async function pixels(b64) {
    const img = new Image();
    img.src = "data:image/png;base64," + b64;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.width; canvas.height = img.height;
    const context = canvas.getContext("2d");
    context.drawImage(img, 0, 0);
    return context.getImageData(0, 0, img.width, img.height).data;
  }
  const a = await pixels(first), b = second ? await pixels(second) : null;
  if (b && b.length !== a.length) throw new Error("screenshots of different sizes");
  let drawn = 0, changed = 0;
  for (let i = 0; i < a.length; i += 4) {
    if (Math.min(a[i], a[i + 1], a[i + 2]) < 235) drawn++;
    if (b && Math.max(Math.abs(a[i] - b[i]), Math.abs(a[i + 1] - b[i + 1]), Math.abs(a[i + 2] - b[i + 2])) > 16) changed++;
  }
  return {drawn: drawn / (a.length / 4), changed: changed / (a.length / 4)};
}
"""


class PixelStats:
    """Compares screenshots by decoding them in a blank page of the same browser (fast, no extra package)."""

    def __init__(self, blank_page) -> None:
        self._page = blank_page

    def _stats(self, first: bytes, second: bytes | None = None) -> dict[str, float]:
        encoded = [base64.b64encode(first).decode(), base64.b64encode(second).decode() if second else None]
        return self._page.evaluate(_PIXEL_STATS_JS, encoded)

    def drawn(self, png: bytes) -> float:
        """Share of pixels that are not the white background."""
        return self._stats(png)["drawn"]

    def changed(self, first: bytes, second: bytes) -> float:
        """Share of pixels that differ (by more than a little) between two screenshots of one size."""
        return self._stats(first, second)["changed"]


@pytest.fixture(scope="session")
def pixels(browser) -> Iterator[PixelStats]:
    blank = browser.new_page()  # about:blank: it loads nothing
    yield PixelStats(blank)
    blank.close()


@pytest.fixture(scope="session")
def local_3dmol() -> Path:
    """A local 3Dmol.js for the views: the tests' cache, the user's il2lib cache, or npm."""
    import platformdirs

    from il2lib import jsassets
    from il2lib.errors import Il2libError

    library = jsassets.locate()
    if library.path is not None:
        return library.path
    user_copy = Path(platformdirs.user_cache_dir("il2lib")) / "js" / jsassets.cache_path().name
    if user_copy.is_file():
        os.environ[jsassets.ENV_VAR] = str(user_copy)
        return user_copy
    try:
        return jsassets.fetch_3dmol()
    except Il2libError as err:
        _unavailable(f"no local 3Dmol.js ({err}); run `python -m il2lib fetch --js` once while online")
        raise  # unreachable: _unavailable skips or fails
