"""Pods stretched across two emulators keep both copies identical."""

import os
import stat

import purestorage
import pytest
import requests

from tools.lab.flasharray.tests.fixtures import error_of
from tools.lab.flasharray.tests.fixtures import read
from tools.lab.flasharray.tests.fixtures import wait_for
from tools.lab.flasharray.tests.fixtures import write

MIB = 1 << 20


@pytest.fixture
def stretched(emulators):
    """A pod on A with a volume holding data, stretched to B."""
    a, b = emulators("array-a"), emulators("array-b")
    ca, cb = a.client(), b.client()
    key = cb.get(connection_key=True)["connection_key"]
    ca.connect_array(b.address, key, ["sync-replication"])
    ca.create_pod("pod1")
    ca.create_volume("pod1::vol1", 8 * MIB)
    write(a.path("pod1::vol1"), 3 * MIB, os.urandom(MIB))
    view = ca.add_pod("pod1", b.name)
    assert [x["name"] for x in view["arrays"]] == [a.name, b.name]
    wait_for(lambda: statuses(cb) == ["online", "online"] and statuses(
        ca) == ["online", "online"], what="the pod to be in sync")
    return a, b, ca, cb


def statuses(client, pod="pod1"):
    try:
        return [x["status"] for x in client.get_pod(pod)["arrays"]]
    except purestorage.PureHTTPError:
        return None


def same(a, b, vol):
    pa, pb = a.path(vol), b.path(vol)
    return (os.path.exists(pa) and os.path.exists(pb) and
            read(pa) == read(pb))


def emulator_write(array, vol, offset, data):
    answer = requests.put(
        "https://%s/_emulator/volume/%s" % (array.address, vol),
        params={"offset": offset}, data=data,
        headers={"api-token": array.token}, verify=array.info["cert"])
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_stretching_copies_the_volumes(stretched):
    a, b, ca, cb = stretched
    assert same(a, b, "pod1::vol1")
    vol_a, vol_b = ca.get_volume("pod1::vol1"), cb.get_volume("pod1::vol1")
    assert vol_a["serial"] == vol_b["serial"]
    pod_b = cb.get_pod("pod1")
    assert [x["array_id"] for x in pod_b["arrays"]] == [
        a.info["id"], b.info["id"]]
    assert pod_b["promotion_status"] == "promoted"


def test_writes_through_the_emulator_are_mirrored_before_returning(
        stretched):
    a, b, ca, cb = stretched
    data = os.urandom(300000)
    assert emulator_write(a, "pod1::vol1", 5 * MIB + 7, data)[
        "length"] == len(data)
    assert read(b.path("pod1::vol1"))[5 * MIB + 7:][:len(data)] == data
    assert same(a, b, "pod1::vol1")
    emulator_write(b, "pod1::vol1", 0, b"written on B")
    assert read(a.path("pod1::vol1"))[:12] == b"written on B"


def test_direct_file_writes_are_mirrored_within_a_poll(stretched):
    a, b, ca, cb = stretched
    write(a.path("pod1::vol1"), 7 * MIB, b"Cinder wrote on A" * 100)
    wait_for(lambda: same(a, b, "pod1::vol1"), timeout=10,
             what="A's write on B")
    write(b.path("pod1::vol1"), 100, b"and then on B" * 100)
    wait_for(lambda: same(a, b, "pod1::vol1"), timeout=10,
             what="B's write on A")


def test_volume_changes_on_either_array_reach_the_other(stretched):
    a, b, ca, cb = stretched
    cb.create_volume("pod1::vol2", 2 * MIB)
    assert ca.get_volume("pod1::vol2")["serial"] == cb.get_volume(
        "pod1::vol2")["serial"]
    ca.extend_volume("pod1::vol2", 4 * MIB)
    assert os.stat(b.path("pod1::vol2")).st_size == 4 * MIB
    ca.create_volume("source", 2 * MIB)
    write(a.path("source"), 0, os.urandom(MIB))
    ca.copy_volume("source", "pod1::vol3")
    assert same(a, b, "pod1::vol3")
    ca.destroy_volume("pod1::vol2")
    assert not os.path.exists(b.path("pod1::vol2"))
    assert "pod1::vol2" in [v["name"] for v in cb.list_volumes(
        pending_only=True)]


def test_the_other_array_catches_up_after_a_restart(stretched):
    a, b, ca, cb = stretched
    b.stop()
    wait_for(lambda: statuses(ca) == ["online", "offline"],
             what="A to see B offline")
    write(a.path("pod1::vol1"), MIB, b"while B was down" * 1000)
    ca.create_volume("pod1::vol4", MIB)
    wait_for(lambda: ca.get_pod("pod1") and os.path.getsize(
        a.path("pod1::vol4")) == MIB, what="local change")
    b.start()
    wait_for(lambda: statuses(ca) == ["online", "online"] and same(
        a, b, "pod1::vol1") and same(a, b, "pod1::vol4"), timeout=20,
        what="resync after B came back")


def test_changes_made_while_the_emulator_was_down_are_pushed(stretched):
    a, b, ca, cb = stretched
    a.stop()
    # Cinder keeps writing to A's file while A's emulator is down.
    write(a.path("pod1::vol1"), 2 * MIB, b"written while stopped" * 100)
    a.start()
    wait_for(lambda: same(a, b, "pod1::vol1"), timeout=20,
             what="A's offline change on B")


def test_pod_errors_have_the_real_shape(stretched):
    a, b, ca, cb = stretched
    with pytest.raises(purestorage.PureHTTPError) as exc:
        ca.create_pod("pod1")
    assert error_of(exc) == {"pure_err_key": "err.friendly",
                             "pure_err_code": 1, "code": 0, "ctx": "pod1",
                             "msg": "Pod already exists."}
    with pytest.raises(purestorage.PureHTTPError) as exc:
        ca.get_pod("nopod")
    assert error_of(exc)["msg"] == "Pod does not exist."
    with pytest.raises(purestorage.PureHTTPError) as exc:
        ca.add_pod("pod1", b.name)
    assert "already exists" in error_of(exc)["msg"]
    with pytest.raises(purestorage.PureHTTPError) as exc:
        ca.create_volume("nopod::vol", MIB)
    assert error_of(exc)["ctx"] == "nopod"
    with pytest.raises(purestorage.PureHTTPError):
        ca.destroy_pod("pod1")  # stretched
    with pytest.raises(purestorage.PureHTTPError):
        ca.demote_pod("pod1")  # stretched


def test_unstretch_then_demote_promote_destroy(stretched):
    a, b, ca, cb = stretched
    view = ca.remove_pod("pod1", b.name)
    assert [x["name"] for x in view["arrays"]] == [a.name]
    wait_for(lambda: not os.path.exists(b.path("pod1::vol1")),
             what="B's copy to go")
    assert "pod1" not in [p["name"] for p in cb.list_pods()]

    view = ca.demote_pod("pod1")
    assert view["promotion_status"] == "demoted"
    assert not os.stat(a.path("pod1::vol1")).st_mode & stat.S_IWUSR
    with pytest.raises(purestorage.PureHTTPError) as exc:
        ca.create_volume("pod1::vol9", MIB)
    assert "demoted" in error_of(exc)["msg"]
    assert ca.promote_pod("pod1")["promotion_status"] == "promoted"
    assert os.stat(a.path("pod1::vol1")).st_mode & stat.S_IWUSR

    ca.destroy_pod("pod1")
    assert not os.path.exists(a.path("pod1::vol1"))
    ca.recover_pod("pod1")
    assert os.path.exists(a.path("pod1::vol1"))
    ca.destroy_pod("pod1")
    ca.eradicate_pod("pod1")
    assert "pod1" not in [p["name"] for p in ca.list_pods(pending=True)]
