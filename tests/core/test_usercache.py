"""The user cache runs nothing it finds: another account's or a world-writable folder is not used (said once),
an entry planted or altered is ignored and never decoded, links are never followed when reading or writing,
and a write that fails (disk full) leaves no temporary file."""

from __future__ import annotations

import errno
import hashlib
import marshal
import os
import stat

import pytest

from pipeline.core import usercache
from pipeline.documents import DOCUMENTS
from pipeline.render import compiled as compiled_mod
from pipeline.render.engine import _environment, _template_bytes, template_path

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX owners and modes")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DVHT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("DVHT_CACHE_KEY", str(tmp_path / "config" / "cache.key"))
    usercache.reset()
    compiled_mod._CACHE.clear()
    yield tmp_path / "cache"
    usercache.reset()
    compiled_mod._CACHE.clear()


def _template():
    path = template_path(DOCUMENTS[0])
    return _template_bytes(path, path.stat().st_mtime_ns, path.stat().st_size)


def _planted(marker) -> bytes:
    """A cache entry whose every code object, once loaded, creates `marker`: what an attacker would plant."""
    code = marshal.dumps(compile(f"open({str(marker)!r}, 'w').write('ran')", "planted", "exec"))
    return marshal.dumps({"static": b"", "shell": b"<x/>", "index": 0, "body": code, "parts": [], "core": b"<x/>",
                          "props": {"title": code}, "around": None, "emptiable": ""})


def _entry_name(data: bytes) -> str:
    return hashlib.sha256(compiled_mod._stamp() + data).hexdigest() + ".bin"


def test_an_entry_round_trips_and_the_key_is_private(cache, tmp_path):
    assert usercache.write("compiled", "a.bin", b"payload")
    assert usercache.read("compiled", "a.bin") == b"payload"
    key = tmp_path / "config" / "cache.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and key.stat().st_size == usercache.KEY_BYTES
    assert not str(key).startswith(str(cache))  # the key lives outside the cache folder
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert usercache.notes() == []


def test_a_planted_entry_without_the_key_is_never_run(cache, tmp_path):
    data = _template()
    marker = tmp_path / "ran"
    folder = cache / "compiled"
    folder.mkdir(parents=True, mode=0o700)
    os.chmod(cache, 0o700)
    (folder / _entry_name(data)).write_bytes(b"\0" * 32 + _planted(marker))  # a tag that is not its HMAC
    found = compiled_mod.compiled(data, _environment())
    assert found is not None and not marker.exists()
    # the planted entry was replaced by a genuine one, which this user's next run loads
    compiled_mod._CACHE.clear()
    assert compiled_mod.compiled(data, _environment()) is not None and not marker.exists()


def test_a_tampered_entry_is_ignored(cache, tmp_path):
    data = _template()
    compiled_mod.compiled(data, _environment())  # a genuine entry on disk
    entry = cache / "compiled" / _entry_name(data)
    blob = entry.read_bytes()
    marker = tmp_path / "ran"
    entry.write_bytes(blob[:32] + _planted(marker))  # the genuine tag over other bytes
    compiled_mod._CACHE.clear()
    assert compiled_mod.compiled(data, _environment()) is not None and not marker.exists()
    # an entry copied under another entry's name does not pass either (the name is under the tag)
    assert usercache.write("compiled", "other.bin", b"x")
    (cache / "compiled" / "copy.bin").write_bytes((cache / "compiled" / "other.bin").read_bytes())
    assert usercache.read("compiled", "copy.bin") is None


@pytest.mark.parametrize("how", ["world-writable", "another-account"])
def test_a_cache_folder_others_can_write_is_not_used_even_with_valid_entries(cache, tmp_path, how):
    data = _template()
    compiled_mod.compiled(data, _environment())
    entry = cache / "compiled" / _entry_name(data)
    assert entry.exists()
    # worst case: an entry with a valid tag but planted code (as if the key had leaked)
    key = (tmp_path / "config" / "cache.key").read_bytes()
    marker = tmp_path / "ran"
    payload = _planted(marker)
    entry.write_bytes(usercache._tag(key, "compiled", entry.name, payload) + payload)
    if how == "world-writable":
        os.chmod(cache, 0o777)
    else:
        os.chown(cache, 65534, 65534)
    usercache.reset()
    compiled_mod._CACHE.clear()
    found = compiled_mod.compiled(data, _environment())
    assert found is not None and not marker.exists()
    notes = usercache.notes()
    assert len(notes) == 1 and str(cache) in notes[0] and "không dùng bộ nhớ đệm" in notes[0]
    compiled_mod._CACHE.clear()
    compiled_mod.compiled(data, _environment())
    assert len(usercache.notes()) == 1  # said once


def test_a_subfolder_that_is_a_link_is_not_used(cache, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    cache.mkdir(mode=0o700)
    (cache / "checked").symlink_to(elsewhere)
    assert not usercache.write("checked", "abc", b"ok")
    assert list(elsewhere.iterdir()) == []
    assert usercache.read("checked", "abc") is None


def test_links_planted_in_the_cache_are_never_written_through_or_read(cache, tmp_path):
    assert usercache.write("checked", "warm", b"ok")
    victim = tmp_path / "victim.txt"
    victim.write_text("the attacker's choice", encoding="utf-8")
    folder = cache / "checked"
    (folder / "deadbeef").symlink_to(victim)  # checked/<hash> as a link
    for pid in range(os.getpid() - 2, os.getpid() + 3):  # and the old temporary names
        (folder / f"deadbeef.{pid}.tmp").symlink_to(victim)
    assert usercache.read("checked", "deadbeef") is None
    assert usercache.write("checked", "deadbeef", b"ok")
    assert victim.read_text(encoding="utf-8") == "the attacker's choice"
    assert not (folder / "deadbeef").is_symlink() and usercache.read("checked", "deadbeef") == b"ok"


@pytest.mark.parametrize("kind", ["fifo", "folder", "big"])
def test_an_entry_that_is_not_a_small_regular_file_is_absent(cache, kind):
    assert usercache.write("checked", "warm", b"ok")
    path = cache / "checked" / "x"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        path.write_bytes(b"\0" * 2048)
    assert usercache.read("checked", "x", max_bytes=1024) is None  # returns at once: a FIFO is never waited on


def test_a_full_disk_leaves_no_temporary_file(cache, monkeypatch):
    assert usercache.write("checked", "warm", b"ok")
    real = os.fdopen

    class Full:
        def __init__(self, fd, mode):
            self.fh = real(fd, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(usercache.os, "fdopen", Full)
    for i in range(6):
        assert not usercache.write("compiled", f"e{i}.bin", b"x" * 100)
    monkeypatch.undo()
    assert sorted(p.name for p in (cache / "compiled").iterdir()) == []


def test_a_key_others_can_read_is_not_used(cache, tmp_path):
    assert usercache.write("checked", "a", b"ok")
    key = tmp_path / "config" / "cache.key"
    os.chmod(key, 0o644)
    usercache.reset()
    assert usercache.read("checked", "a") is None
    assert any(str(key) in n for n in usercache.notes())


def test_entries_are_read_whole_up_to_their_bound_and_tags_are_hmac_sha256(cache, tmp_path):
    import hmac

    for size in (0, 1, 1023, 1024):
        data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
        assert usercache.write("checked", f"s{size}", data)
        assert usercache.read("checked", f"s{size}", max_bytes=1024) == data
    assert usercache.write("checked", "over", b"y" * 1025)
    assert usercache.read("checked", "over", max_bytes=1024) is None  # over the bound: never read
    key = (tmp_path / "config" / "cache.key").read_bytes()
    blob = (cache / "checked" / "s1").read_bytes()
    assert blob[:32] == hmac.new(key, b"checked/s1\0" + blob[32:], "sha256").digest()
    grown = cache / "checked" / "s1023"
    with open(grown, "ab") as fh:  # bytes appended after the tag was made: the tag no longer matches
        fh.write(b"z")
    assert usercache.read("checked", "s1023", max_bytes=1024) is None


def test_a_cache_folder_under_missing_folders_is_made_private(tmp_path, monkeypatch):
    deep = tmp_path / "not" / "there" / "cache"
    monkeypatch.setenv("DVHT_CACHE", str(deep))
    monkeypatch.setenv("DVHT_CACHE_KEY", str(tmp_path / "config" / "cache.key"))
    usercache.reset()
    assert usercache.read("checked", "absent") is None and usercache.write("checked", "a", b"ok")
    assert usercache.read("checked", "a") == b"ok" and usercache.notes() == []
    for folder in (deep, deep / "checked"):
        assert stat.S_IMODE(os.lstat(folder).st_mode) == 0o700 and stat.S_ISDIR(os.lstat(folder).st_mode)
    usercache.reset()
