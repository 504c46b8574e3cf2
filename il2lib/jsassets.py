"""3Dmol.js, the 3D engine of il2lib's views: where a local copy comes from.

py3Dmol loads 3Dmol.js from a CDN, so with no network its views show a red
"failed to load" box. il2lib instead inlines a local copy of the npm package
``3dmol`` (the version py3Dmol pins) into its pages. The copy is found, in order:

1. the il2lib cache, ``<cache>/js/3Dmol-<version>-min.js``, filled once by
   ``python -m il2lib fetch --js`` (:func:`fetch_3dmol`, which runs ``npm pack``);
2. the file named by the ``IL2LIB_3DMOL_JS`` environment variable;
3. ``node_modules/3dmol/build/3Dmol-min.js`` in the project folder.

Only when none exists do views fall back to py3Dmol's CDN address, which needs
internet; ``python -m il2lib doctor`` says which source is in use.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import config
from .errors import DownloadError

#: The 3Dmol.js version: the one py3Dmol is built for (they are released together).
VERSION = importlib.metadata.version("py3Dmol")
#: Where the minified library sits inside the npm package's tarball.
TARBALL_MEMBER = "package/build/3Dmol-min.js"
#: A string every genuine build contains (the global it defines).
MARKER = "$3Dmol"
ENV_VAR = "IL2LIB_3DMOL_JS"
NPM_TIMEOUT_S = 300


@dataclass(frozen=True)
class Library:
    """Where the views get 3Dmol.js from: a local file, or the CDN as a last resort."""

    source: str  # "cache", "IL2LIB_3DMOL_JS", "node_modules" or "CDN"
    path: Path | None = None
    url: str | None = None

    @property
    def offline_ready(self) -> bool:
        return self.path is not None


def cache_path() -> Path:
    return config.cache_dir() / "js" / f"3Dmol-{VERSION}-min.js"


def node_modules_path() -> Path:
    return config.PACKAGE_DIR.parent / "node_modules" / "3dmol" / "build" / "3Dmol-min.js"


def cdn_url() -> str:
    """py3Dmol's own default address of 3Dmol.js (read from py3Dmol, not hard-coded here)."""
    import py3Dmol

    return str(inspect.signature(py3Dmol.view).parameters["js"].default)


def _problem(path: Path) -> str | None:
    """Why *path* is not a usable 3Dmol.js build, or None if it is."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 20)
    except OSError as err:
        return f"cannot be read ({err.strerror})"
    if not head.strip():
        return "is empty"
    if MARKER.encode() not in head:
        return f"does not look like 3Dmol.js (no {MARKER!r} in it)"
    return None


def _candidates() -> list[tuple[str, Path]]:
    found = [("cache", cache_path())]
    if os.environ.get(ENV_VAR):
        found.append((ENV_VAR, Path(os.environ[ENV_VAR]).expanduser()))
    found.append(("node_modules", node_modules_path()))
    return found


def locate() -> Library:
    """The first usable local copy of 3Dmol.js, else the CDN."""
    for source, path in _candidates():
        if path.is_file() and _problem(path) is None:
            return Library(source, path=path)
    return Library("CDN", url=cdn_url())


def is_offline_ready() -> bool:
    """True when views can draw with no network at all."""
    return locate().offline_ready


def library_code() -> str | None:
    """The text of the local 3Dmol.js, ready to inline in a page, or None (CDN only)."""
    library = locate()
    if library.path is None:
        return None
    stat = library.path.stat()
    return _read_library(library.path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=2)
def _read_library(path: Path, size: int, mtime_ns: int) -> str:  # size/mtime: re-read when the file changes
    text = path.read_text(encoding="utf-8")
    # Inlined in an HTML <script>, "</script" would end the block; JavaScript reads "<\/" as "</" too.
    return text.replace("</script", "<\\/script")


def describe() -> str:
    """One line for ``doctor``: which 3Dmol.js the views use and whether it works offline."""
    library = locate()
    if library.path is not None:
        return f"3Dmol.js {VERSION} from {library.source} {library.path} (offline-ready)"
    skipped = [
        f"{name} {path} {_problem(path)}" for name, path in _candidates() if path.is_file() and _problem(path) is not None
    ]
    env = os.environ.get(ENV_VAR)
    if env and not Path(env).expanduser().is_file():
        skipped.append(f"{ENV_VAR}={env} does not exist")
    note = f"; ignored: {'; '.join(skipped)}" if skipped else ""
    return (
        f"3Dmol.js {VERSION} from CDN {library.url} (needs internet; run `python -m il2lib fetch --js` "
        f"to work offline{note})"
    )


def fetch_3dmol(*, force: bool = False) -> Path:
    """Put 3Dmol.js into the il2lib cache with ``npm pack`` and return its path.

    Raises :class:`DownloadError` when npm is missing or cannot reach its registry,
    and :class:`CacheError` when the cache folder cannot be written.
    """
    target = cache_path()
    if target.is_file() and _problem(target) is None and not force:
        return target
    if config.offline():
        raise DownloadError(
            f"IL2LIB_OFFLINE is set, so 3Dmol.js {VERSION} was not downloaded. Unset it and run "
            f"`python -m il2lib fetch --js` while online, or set {ENV_VAR} to a copy of 3Dmol-min.js."
        )
    npm = shutil.which("npm")
    if npm is None:
        raise DownloadError(
            "npm is not installed, so 3Dmol.js cannot be fetched. Install Node.js (it includes npm, e.g. "
            f"`sudo apt-get install npm`) and run `python -m il2lib fetch --js`, or set {ENV_VAR} to a copy "
            "of 3Dmol-min.js."
        )
    with tempfile.TemporaryDirectory(prefix="il2lib-npm-") as workdir:
        try:
            done = subprocess.run(
                [npm, "pack", f"3dmol@{VERSION}", "--silent"],
                cwd=workdir, capture_output=True, text=True, timeout=NPM_TIMEOUT_S, check=False,
            )
        except subprocess.TimeoutExpired:
            raise DownloadError(f"`npm pack 3dmol@{VERSION}` took over {NPM_TIMEOUT_S} s; check the network and retry.") from None
        tarballs = sorted(Path(workdir).glob("*.tgz"))
        if done.returncode != 0 or not tarballs:
            detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise DownloadError(
                f"`npm pack 3dmol@{VERSION}` failed ({' / '.join(detail) or f'exit code {done.returncode}'}). "
                "Check the network connection (npm must reach its registry) and retry `python -m il2lib fetch --js`."
            )
        code = _extract(tarballs[0])
    return config.write_to_cache(target, code)


def _extract(tarball: Path) -> bytes:
    try:
        with tarfile.open(tarball, "r:gz") as archive:
            member = archive.extractfile(TARBALL_MEMBER)
            code = member.read() if member is not None else b""
    except (tarfile.TarError, KeyError, OSError) as err:
        raise DownloadError(
            f"The npm package {tarball.name} has no readable {TARBALL_MEMBER} ({err}); retry the fetch."
        ) from None
    if not code.strip() or MARKER.encode() not in code:
        raise DownloadError(f"{TARBALL_MEMBER} in {tarball.name} is empty or not 3Dmol.js; retry the fetch.")
    return code
