"""Fast checks of the emulator's building blocks (no processes)."""

import os

import pytest

from tools.lab.flasharray import errors
from tools.lab.flasharray import schedule
from tools.lab.flasharray import sparse
from tools.lab.flasharray import util

DAY = 86400


def test_retention_keeps_all_then_per_day_then_none():
    now = 100 * DAY
    snaps = [("recent-%d" % i, now - i * 600) for i in range(6)]
    # Three a day for the two days after the first one.
    snaps += [("day1-%d" % i, now - DAY - 3600 * (i + 1)) for i in range(4)]
    snaps += [("day2-%d" % i, now - 2 * DAY - 3600 * (i + 1))
              for i in range(2)]
    snaps += [("old", now - 10 * DAY)]
    doomed = schedule.expired(snaps, now, all_for=DAY, per_day=3, days=2)
    assert sorted(doomed) == ["day1-3", "old"]


def test_sizes():
    assert util.parse_size("1G") == 1 << 30
    assert util.parse_size(4096) == 4096
    for bad in (1000, "12Q", -512, True, 0):
        with pytest.raises(errors.ArrayError):
            util.parse_size(bad)


def test_names():
    assert util.is_object_name("volume-8e1b5a1c-5f44-4b1c-9a9e-0a1b2c3d4e5f")
    assert util.is_object_name("pod1::vol1")
    for bad in ("a.b", "a:b", "-a", "", "x" * 64, "a::b::c"):
        assert not util.is_object_name(bad)


def test_sparse_copy_keeps_holes_and_bytes(tmp_path):
    src, dst = str(tmp_path / "src"), str(tmp_path / "dst")
    with open(src, "wb") as f:
        f.truncate(64 << 20)
        f.seek(10 << 20)
        f.write(os.urandom(123457))
    assert sparse.copy_into(src, dst, create=True) == 64 << 20
    with open(src, "rb") as f1, open(dst, "rb") as f2:
        assert f1.read() == f2.read()
    assert os.stat(dst).st_blocks * 512 < 1 << 20
    # Overwrite in place: same inode, new content, old data gone.
    inode = os.stat(dst).st_ino
    with open(src, "r+b") as f:
        f.truncate(1 << 20)
    sparse.copy_into(src, dst)
    assert os.stat(dst).st_ino == inode
    with open(dst, "rb") as f:
        assert f.read() == bytes(1 << 20)
