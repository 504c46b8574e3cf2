"""Where 3Dmol.js comes from: cache, IL2LIB_3DMOL_JS, node_modules, then the CDN; and how it is fetched.

`npm` is replaced by a small fake script on PATH, so no test touches the network.
"""

from __future__ import annotations

import inspect
import io
import os
import stat
import tarfile
from pathlib import Path

import py3Dmol
import pytest

from il2lib import jsassets
from il2lib.errors import CacheError, DownloadError

GOOD_JS = "/*! 3Dmol.js */ window.$3Dmol = {createViewer: function () {}};\n"


@pytest.fixture
def clean(monkeypatch, tmp_path):
    """An empty cache, no IL2LIB_3DMOL_JS, no node_modules copy, online."""
    monkeypatch.setenv("IL2LIB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(jsassets.ENV_VAR, raising=False)
    monkeypatch.delenv("IL2LIB_OFFLINE", raising=False)
    monkeypatch.setattr(jsassets, "node_modules_path", lambda: tmp_path / "node_modules" / "3Dmol-min.js")
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def make_tarball(path: Path, members: dict[str, str]) -> None:
    with tarfile.open(path, "w:gz") as archive:
        for name, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def fake_npm(folder: Path, monkeypatch, *, members: dict[str, str] | None = None, fail: str | None = None) -> Path:
    """Put an `npm` on PATH that records its arguments and drops a tarball (or fails)."""
    tarball = folder / "payload.tgz"
    if members is not None:
        make_tarball(tarball, members)
    log = folder / "npm-calls.txt"
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    script = bin_dir / "npm"
    body = f'echo "$@" >> "{log}"\n'
    body += f'echo "{fail}" >&2\nexit 1\n' if fail else f'cp "{tarball}" "$PWD/3dmol-{jsassets.VERSION}.tgz"\n'
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return log


def test_the_version_and_the_cdn_address_come_from_py3dmol():
    assert jsassets.VERSION == py3Dmol.__version__
    default = inspect.signature(py3Dmol.view).parameters["js"].default
    assert jsassets.cdn_url() == default and jsassets.VERSION in default


def test_with_nothing_local_the_views_fall_back_to_the_cdn(clean):
    library = jsassets.locate()
    assert library.source == "CDN" and library.path is None and not library.offline_ready
    assert not jsassets.is_offline_ready() and jsassets.library_code() is None
    assert "needs internet; run `python -m il2lib fetch --js`" in jsassets.describe()


def test_sources_are_tried_cache_then_env_then_node_modules(clean, monkeypatch):
    node = write(jsassets.node_modules_path(), GOOD_JS)
    assert jsassets.locate().path == node and jsassets.locate().source == "node_modules"
    env = write(clean / "elsewhere" / "3Dmol-min.js", GOOD_JS)
    monkeypatch.setenv(jsassets.ENV_VAR, str(env))
    assert jsassets.locate().path == env and jsassets.locate().source == jsassets.ENV_VAR
    cached = write(jsassets.cache_path(), GOOD_JS)
    assert jsassets.locate().path == cached and jsassets.locate().source == "cache"
    assert jsassets.describe() == f"3Dmol.js {jsassets.VERSION} from cache {cached} (offline-ready)"
    assert cached.name == f"3Dmol-{jsassets.VERSION}-min.js" and cached.parent.name == "js"


def test_a_file_that_is_not_3dmol_is_skipped_and_reported(clean, monkeypatch):
    bogus = write(clean / "bogus.js", "<html>404 Not Found</html>")
    monkeypatch.setenv(jsassets.ENV_VAR, str(bogus))
    assert jsassets.locate().source == "CDN"
    assert f"ignored: {jsassets.ENV_VAR} {bogus} does not look like 3Dmol.js" in jsassets.describe()
    write(jsassets.cache_path(), "")
    assert "cache" in jsassets.describe() and "is empty" in jsassets.describe()
    monkeypatch.setenv(jsassets.ENV_VAR, str(clean / "missing.js"))
    assert f"{jsassets.ENV_VAR}={clean / 'missing.js'} does not exist" in jsassets.describe()


def test_library_code_cannot_close_the_script_block_it_is_inlined_in(clean):
    write(jsassets.cache_path(), GOOD_JS + 'var s = "</script><b>";\n')
    code = jsassets.library_code()
    assert "</script" not in code and '"<\\/script><b>"' in code


def test_fetch_extracts_the_build_from_npm_pack_into_the_cache(clean, monkeypatch):
    log = fake_npm(clean, monkeypatch, members={jsassets.TARBALL_MEMBER: GOOD_JS, "package/README.md": "readme"})
    path = jsassets.fetch_3dmol()
    assert path == jsassets.cache_path() and path.read_text() == GOOD_JS
    assert log.read_text().split() == ["pack", f"3dmol@{jsassets.VERSION}", "--silent"]
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind
    jsassets.fetch_3dmol()  # already cached: npm is not run again
    assert len(log.read_text().splitlines()) == 1
    jsassets.fetch_3dmol(force=True)
    assert len(log.read_text().splitlines()) == 2


def test_fetch_without_npm_says_how_to_get_it(clean, monkeypatch):
    monkeypatch.setenv("PATH", str(clean / "empty-bin"))
    with pytest.raises(DownloadError, match="npm is not installed.*IL2LIB_3DMOL_JS"):
        jsassets.fetch_3dmol()
    assert not jsassets.cache_path().exists()


def test_fetch_when_npm_cannot_reach_its_registry(clean, monkeypatch):
    fake_npm(clean, monkeypatch, fail="npm error code ENOTFOUND")
    with pytest.raises(DownloadError, match="ENOTFOUND.*Check the network"):
        jsassets.fetch_3dmol()
    assert not jsassets.cache_path().exists()


@pytest.mark.parametrize(
    "members,problem",
    [({"package/README.md": "x"}, "has no readable"), ({jsassets.TARBALL_MEMBER: "console.log(1)"}, "not 3Dmol.js")],
)
def test_fetch_rejects_a_package_without_a_real_build(clean, monkeypatch, members, problem):
    fake_npm(clean, monkeypatch, members=members)
    with pytest.raises(DownloadError, match=problem):
        jsassets.fetch_3dmol()
    assert not jsassets.cache_path().exists()


def test_fetch_respects_offline_mode(clean, monkeypatch):
    log = fake_npm(clean, monkeypatch, members={jsassets.TARBALL_MEMBER: GOOD_JS})
    monkeypatch.setenv("IL2LIB_OFFLINE", "1")
    with pytest.raises(DownloadError, match="IL2LIB_OFFLINE is set"):
        jsassets.fetch_3dmol()
    assert not log.exists()


def test_fetch_where_the_cache_folder_is_a_file_is_a_cache_error(clean, monkeypatch):
    fake_npm(clean, monkeypatch, members={jsassets.TARBALL_MEMBER: GOOD_JS})
    write(jsassets.cache_path().parent, "not a folder")
    with pytest.raises(CacheError, match="IL2LIB_CACHE_DIR"):
        jsassets.fetch_3dmol()
