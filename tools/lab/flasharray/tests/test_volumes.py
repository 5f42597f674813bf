"""Volumes and snapshots are files; checked with the real client."""

import os
import uuid

import purestorage
import pytest

from tools.lab.flasharray.tests import fixtures
from tools.lab.flasharray.tests.fixtures import error_of
from tools.lab.flasharray.tests.fixtures import read
from tools.lab.flasharray.tests.fixtures import write

MIB = 1 << 20


@pytest.fixture(scope="module")
def array(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("vols"))
    emulator = fixtures.EmulatorProcess(root, "array-a").start()
    yield emulator
    emulator.stop()


@pytest.fixture(scope="module")
def client(array):
    return array.client()


def name():
    return "volume-%s" % uuid.uuid4()


def test_created_volume_is_a_sparse_file_of_that_size(array, client):
    vol = name()
    view = client.create_volume(vol, "1G")
    assert view["size"] == 1 << 30
    assert len(view["serial"]) == 24
    st = os.stat(array.path(vol))
    assert st.st_size == 1 << 30
    assert st.st_blocks * 512 < MIB
    assert client.get_volume(vol)["size"] == 1 << 30


def test_a_file_in_the_directory_is_a_volume(array, client):
    vol = name()
    with open(array.path(vol), "wb") as f:
        f.truncate(2 * MIB)
    assert client.get_volume(vol)["size"] == 2 * MIB
    assert vol in [v["name"] for v in client.list_volumes()]
    os.unlink(array.path(vol))
    with pytest.raises(purestorage.PureHTTPError) as exc:
        client.get_volume(vol)
    assert error_of(exc) == {"pure_err_key": "err.friendly",
                             "pure_err_code": 1, "code": 0, "ctx": vol,
                             "msg": "Volume does not exist."}


def test_files_without_a_volume_name_are_ignored(array, client):
    with open(array.path("volume-x.info"), "w") as f:
        f.write("{}")
    assert "volume-x.info" not in [v["name"] for v in client.list_volumes()]


def test_snapshot_and_copy_without_and_with_overwrite(array, client):
    vol, copy = name(), name()
    client.create_volume(vol, 4 * MIB)
    write(array.path(vol), MIB, b"first" * 1000)
    snap = client.create_snapshot(vol, suffix="s1")
    assert snap["name"] == vol + ".s1" and snap["source"] == vol
    assert read(array.snapshot_path(vol + ".s1")) == read(array.path(vol))
    write(array.path(vol), MIB, b"later" * 1000)
    assert [s["name"] for s in client.get_volume(vol, snap=True)] == [
        vol + ".s1"]

    view = client.copy_volume(vol + ".s1", copy)
    assert view["source"] == vol
    assert read(array.path(copy)) == read(array.snapshot_path(vol + ".s1"))

    with pytest.raises(purestorage.PureHTTPError) as exc:
        client.copy_volume(vol, copy)
    assert exc.value.code == 400
    assert "already exists" in error_of(exc)["msg"]

    inode = os.stat(array.path(copy)).st_ino
    client.copy_volume(vol, copy, overwrite=True)
    assert read(array.path(copy)) == read(array.path(vol))
    assert os.stat(array.path(copy)).st_ino == inode


def test_snapshots_of_several_volumes_at_once(client):
    vols = [name(), name()]
    for vol in vols:
        client.create_volume(vol, MIB)
    snaps = client.create_snapshots(vols, suffix="together")
    assert sorted(s["name"] for s in snaps) == sorted(
        v + ".together" for v in vols)
    with pytest.raises(purestorage.PureHTTPError) as exc:
        client.create_snapshot(vols[0], suffix="together")
    assert "already exists" in error_of(exc)["msg"]


def test_rename_moves_the_file_and_its_snapshots(array, client):
    vol, new = name(), name()
    client.create_volume(vol, MIB)
    write(array.path(vol), 0, b"renamed")
    client.create_snapshot(vol, suffix="s1")
    assert client.rename_volume(vol, new) == {"name": new}
    assert not os.path.exists(array.path(vol))
    assert read(array.path(new))[:7] == b"renamed"
    assert [s["name"] for s in client.get_volume(new, snap=True)] == [
        new + ".s1"]


def test_extend_and_truncate(array, client):
    vol = name()
    client.create_volume(vol, MIB)
    client.extend_volume(vol, 2 * MIB)
    assert os.stat(array.path(vol)).st_size == 2 * MIB
    with pytest.raises(purestorage.PureHTTPError):
        client.set_volume(vol, size=MIB)
    client.truncate_volume(vol, MIB)
    assert os.stat(array.path(vol)).st_size == MIB


def test_destroy_recover_eradicate(array, client):
    vol = name()
    client.create_volume(vol, MIB)
    write(array.path(vol), 0, b"keep me")
    client.create_snapshot(vol, suffix="s1")
    assert client.destroy_volume(vol) == {"name": vol}
    assert not os.path.exists(array.path(vol))
    assert vol not in [v["name"] for v in client.list_volumes()]
    pending = {v["name"]: v for v in client.list_volumes(pending_only=True)}
    assert 0 < pending[vol]["time_remaining"] <= 86400
    with pytest.raises(purestorage.PureHTTPError) as exc:
        client.get_volume(vol)
    assert "has been destroyed" in error_of(exc)["msg"]
    with pytest.raises(purestorage.PureHTTPError) as exc:
        client.create_volume(vol, MIB)
    assert "has been destroyed" in error_of(exc)["msg"]

    client.recover_volume(vol)
    assert read(array.path(vol))[:7] == b"keep me"
    assert [s["name"] for s in client.get_volume(vol, snap=True)] == [
        vol + ".s1"]

    with pytest.raises(purestorage.PureHTTPError):
        client.eradicate_volume(vol)  # not destroyed
    client.destroy_volume(vol)
    client.eradicate_volume(vol)
    assert vol not in [v["name"] for v in client.list_volumes(pending=True)]
    assert not os.path.exists(array.snapshot_path(vol + ".s1"))
    client.create_volume(vol, MIB)  # the name is free again


def test_destroy_and_eradicate_a_snapshot(array, client):
    vol = name()
    client.create_volume(vol, MIB)
    client.create_snapshot(vol, suffix="s1")
    client.destroy_volume(vol + ".s1")
    with pytest.raises(purestorage.PureHTTPError) as exc:
        client.destroy_volume(vol + ".s1")
    assert "has been destroyed" in error_of(exc)["msg"]
    client.eradicate_volume(vol + ".s1")
    assert not os.path.exists(array.snapshot_path(vol + ".s1"))
    with pytest.raises(purestorage.PureHTTPError) as exc:
        client.destroy_volume(vol + ".s1")
    assert error_of(exc)["msg"] == "No such volume or snapshot."


def test_duplicate_and_invalid_names_and_sizes(client):
    vol = name()
    client.create_volume(vol, MIB)
    with pytest.raises(purestorage.PureHTTPError) as exc:
        client.create_volume(vol, MIB)
    assert exc.value.code == 400
    assert error_of(exc)["ctx"] == vol
    assert error_of(exc)["msg"] == "Volume already exists."
    with pytest.raises(purestorage.PureHTTPError) as exc:
        client.create_volume("bad.name", MIB)
    assert error_of(exc)["ctx"] == "bad.name"
    with pytest.raises(purestorage.PureHTTPError) as exc:
        client.create_volume(name(), 1000)
    assert error_of(exc)["ctx"] == "size"
    with pytest.raises(purestorage.PureHTTPError) as exc:
        client.copy_volume("no-such-volume", name())
    assert "does not exist" in error_of(exc)["msg"]


def test_space_and_pending_listing(client):
    vol = name()
    client.create_volume(vol, 8 * MIB)
    view = client.get_volume(vol, space=True)
    assert view["size"] == 8 * MIB and "total" in view
    space = client.get(space=True)
    assert space["capacity"] > 0 and "total" in space
