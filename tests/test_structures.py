"""Loading structures: by id from cache, mirror or download; by path; and every way it can go wrong."""

from __future__ import annotations

import functools
import http.server
import multiprocessing
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import il2lib
from il2lib.errors import (
    CacheError,
    DownloadError,
    Il2libError,
    InvalidInputError,
    StructureFileError,
    UnknownEntryError,
)

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty cache for one test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("IL2LIB_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def no_mirror(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IL2LIB_PDB_MIRROR", raising=False)


@pytest.fixture
def fake_mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty mirror folder that a test fills with broken files."""
    folder = tmp_path / "mirror"
    folder.mkdir()
    monkeypatch.setenv("IL2LIB_PDB_MIRROR", str(folder))
    return folder


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature from the stdlib
        pass


@pytest.fixture
def pdb_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A loopback HTTP server standing in for the RCSB; returns the folder it serves."""
    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("IL2LIB_PDB_URL", f"http://127.0.0.1:{server.server_port}/{{id}}.pdb")
    yield root
    server.shutdown()
    server.server_close()


def cache_is_clean(cache: Path, allowed: set[str] = frozenset()) -> bool:
    """True when the cache holds nothing but the *allowed* good files (no temp files or folders)."""
    folder = cache / "pdb"
    names = {p.name for p in folder.iterdir()} if folder.exists() else set()
    return names <= set(allowed)


# -- the happy paths --------------------------------------------------------------------


def test_load_by_id_from_mirror_then_cache(cache: Path, mirror: Path) -> None:
    first = il2lib.load_structure("1Z92")
    assert first.source == "mirror"
    assert first.pdb_id == "1Z92"
    assert first.chain_roles == {"A": "IL-2", "B": "IL-2Rα"}
    assert first.label("B") == "IL-2Rα (B)"
    assert first.text.startswith("HEADER")
    assert first.sequences["A"].startswith("STKKTQLQLEHLLL")
    assert len(list(first.chain("A").get_residues())) == 121
    assert first.entry is not None and first.entry.resolution == pytest.approx(2.8)
    assert (cache / "pdb" / "1Z92.pdb").read_text() == (mirror / "1Z92.pdb").read_text()

    second = il2lib.load_structure("1z92")  # case does not matter
    assert second.source == "cache"
    assert second.sequences == first.sequences


@pytest.mark.parametrize("pdb_id", list(il2lib.load_manifest()))
def test_every_manifest_entry_validates(cache: Path, mirror: Path, pdb_id: str) -> None:
    loaded = il2lib.load_structure(pdb_id)
    for chain_id, info in loaded.entry.chains.items():
        assert loaded.sequences[chain_id] == info.sequence


def test_ligands_are_listed(cache: Path, mirror: Path) -> None:
    assert ("A", "FRG", 301) in il2lib.load_structure("1M48").ligands()
    assert il2lib.load_structure("1Z92").ligands() == []


def test_download_from_server_is_validated_and_cached(cache: Path, no_mirror: None, pdb_server: Path, mirror: Path) -> None:
    shutil.copy(mirror / "1M47.pdb", pdb_server / "1M47.pdb")
    loaded = il2lib.load_structure("1M47", progress=False)
    assert loaded.source == "download"
    assert cache_is_clean(cache, {"1M47.pdb"})
    assert il2lib.load_structure("1M47").source == "cache"


def test_user_pdb_mmcif_and_gzip_files(tmp_path: Path, mirror: Path) -> None:
    from Bio.PDB import MMCIFIO

    own = il2lib.load_structure(mirror / "1Z92.pdb")
    assert own.source == "file" and own.chain_roles == {"A": "IL-2", "B": "IL-2Rα"}

    cif = tmp_path / "model.cif"
    writer = MMCIFIO()
    writer.set_structure(own.structure)
    writer.save(str(cif))
    from_cif = il2lib.load_structure(str(cif))
    assert from_cif.sequences == own.sequences
    assert from_cif.chain_roles == {"A": "protein", "B": "protein"}

    import gzip

    packed = tmp_path / "1Z92.pdb.gz"
    packed.write_bytes(gzip.compress((mirror / "1Z92.pdb").read_bytes()))
    assert il2lib.load_structure(packed).sequences == own.sequences


# -- bad input: clear errors and a clean cache -----------------------------------------


@pytest.mark.parametrize("bad", ["1Z9", "", "1Z92X", "Z192", "../../etc/passwd", "1Z92; rm -rf /"])
def test_malformed_ids_and_paths(cache: Path, bad: str) -> None:
    with pytest.raises(Il2libError) as info:
        il2lib.load_structure(bad)
    assert repr(bad) in str(info.value) or bad in str(info.value)
    assert cache_is_clean(cache)


def test_unknown_id_lists_known_ones(cache: Path) -> None:
    with pytest.raises(UnknownEntryError) as info:
        il2lib.load_structure("9ZZZ")
    message = str(info.value)
    assert "9ZZZ" in message and "1Z92" in message and "load_structure('path/to/9ZZZ.pdb')" in message
    assert cache_is_clean(cache)


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(StructureFileError, match="no file at"):
        il2lib.load_structure(tmp_path / "nothing.pdb")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary"),
        ("other", "is entry 1M47, not 1Z92"),
        ("truncated", "truncated"),
        ("headless", "no HEADER"),
        ("chain-missing", "lacks chain B"),
    ],
)
def test_broken_mirror_files_are_rejected(
    cache: Path, fake_mirror: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch, content: bytes | str, expected: str
) -> None:
    monkeypatch.setenv("IL2LIB_OFFLINE", "1")
    good = (mirror / "1Z92.pdb").read_text()
    data = {
        "other": (mirror / "1M47.pdb").read_bytes(),
        "truncated": good[: len(good) // 2].encode(),
        "headless": good.split("\n", 1)[1].encode(),
        "chain-missing": "".join(line for line in good.splitlines(keepends=True) if line[21:22] != "B").encode(),
    }.get(content, content)
    (fake_mirror / "1Z92.pdb").write_bytes(data)
    with pytest.raises(DownloadError) as info:
        il2lib.load_structure("1Z92")
    message = str(info.value)
    assert expected in message and "IL2LIB_PDB_MIRROR" in message
    assert cache_is_clean(cache)


def test_corrupt_cached_file_is_replaced(cache: Path, mirror: Path) -> None:
    (cache / "pdb").mkdir(parents=True)
    (cache / "pdb" / "1Z92.pdb").write_text("HEADER    garbage\n")
    loaded = il2lib.load_structure("1Z92")
    assert loaded.source == "mirror"
    assert (cache / "pdb" / "1Z92.pdb").read_text() == (mirror / "1Z92.pdb").read_text()


def test_no_network_and_nothing_cached(cache: Path, no_mirror: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IL2LIB_PDB_URL", "http://127.0.0.1:9/{id}.pdb")  # the discard port: refused
    with pytest.raises(DownloadError) as info:
        il2lib.load_structure("2B5I", progress=False)
    message = str(info.value)
    assert "2B5I" in message and "no network" in message and "IL2LIB_PDB_MIRROR" in message
    assert cache_is_clean(cache)


def test_download_of_unknown_file_or_truncated_file(cache: Path, no_mirror: None, pdb_server: Path, mirror: Path) -> None:
    with pytest.raises(DownloadError, match="404"):
        il2lib.load_structure("1M47", progress=False)
    text = (mirror / "1M47.pdb").read_text()
    (pdb_server / "1M47.pdb").write_text(text[:5000])
    with pytest.raises(StructureFileError, match="truncated"):
        il2lib.load_structure("1M47", progress=False)
    assert cache_is_clean(cache)


def test_unwritable_cache(tmp_path: Path, no_mirror: None, pdb_server: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("IL2LIB_CACHE_DIR", str(blocker / "cache"))
    shutil.copy(mirror / "1M47.pdb", pdb_server / "1M47.pdb")
    with pytest.raises(CacheError, match="IL2LIB_CACHE_DIR"):
        il2lib.load_structure("1M47", progress=False)


def test_mirror_still_works_with_unwritable_cache(tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("IL2LIB_CACHE_DIR", str(blocker / "cache"))
    with pytest.warns(UserWarning, match="mirror copy directly"):
        loaded = il2lib.load_structure("1Z92")
    assert loaded.path == mirror / "1Z92.pdb"


def test_unknown_chain_lists_chains(cache: Path, mirror: Path) -> None:
    loaded = il2lib.load_structure("1Z92")
    with pytest.raises(InvalidInputError) as info:
        loaded.chain("Q")
    assert "'Q'" in str(info.value) and "A (IL-2)" in str(info.value) and "B (IL-2Rα)" in str(info.value)


def _load_in_subprocess(pdb_id: str) -> str:
    return "".join(il2lib.load_structure(pdb_id, progress=False).sequences.values())


def test_concurrent_loads_leave_one_good_file(cache: Path, no_mirror: None, pdb_server: Path, mirror: Path) -> None:
    shutil.copy(mirror / "2B5I.pdb", pdb_server / "2B5I.pdb")
    context = multiprocessing.get_context("spawn")  # children inherit the environment set above
    with context.Pool(4) as pool:
        results = pool.map(_load_in_subprocess, ["2B5I"] * 4)
    assert len(set(results)) == 1
    assert cache_is_clean(cache, {"2B5I.pdb"})
    assert (cache / "pdb" / "2B5I.pdb").read_text() == (mirror / "2B5I.pdb").read_text()


# -- command line ------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "il2lib", *args], capture_output=True, text=True, cwd=REPO, timeout=120)


def test_cli_fetch_fills_cache_and_doctor_reports_it(cache: Path, mirror: Path) -> None:
    fetched = run_cli("fetch", "1Z92", "1M47")
    assert fetched.returncode == 0, fetched.stderr
    assert "1Z92: ok (mirror)" in fetched.stdout
    assert (cache / "pdb" / "1M47.pdb").exists()
    report = run_cli("doctor")
    assert "cached  1Z92" in report.stdout and "ok      biopython" in report.stdout
    assert "mirror  2B5I" in report.stdout


def test_cli_fetch_reports_bad_ids(cache: Path) -> None:
    result = run_cli("fetch", "1Z9")
    assert result.returncode == 1
    assert "'1Z9' is not a PDB id" in result.stderr
