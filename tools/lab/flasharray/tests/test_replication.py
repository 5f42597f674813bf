"""Array connections, protection groups and asynchronous replication
between two emulators, driven by the real client."""

import os
import time
import uuid

import purestorage
import pytest

from tools.lab.flasharray.tests.fixtures import error_of
from tools.lab.flasharray.tests.fixtures import read
from tools.lab.flasharray.tests.fixtures import wait_for
from tools.lab.flasharray.tests.fixtures import write

MIB = 1 << 20


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def protected_volume(a, client, size=16 * MIB, data=None):
    """A volume on A with known bytes at known places, the rest holes."""
    vol = "volume-%s" % uuid.uuid4()
    client.create_volume(vol, size)
    data = data if data is not None else os.urandom(MIB)
    write(a.path(vol), 0, b"head of the volume")
    write(a.path(vol), 5 * MIB + 123, data)
    write(a.path(vol), size - 4096, b"tail" * 1024)
    return vol


def allowed_group(a, b, ca, cb, vols):
    pg = unique("pg")
    ca.create_pgroup(pg, vollist=vols, targetlist=[b.name])
    cb.set_pgroup("%s:%s" % (a.name, pg), allowed=True)
    wait_for(lambda: ca.get_pgroup(pg)["targets"][0]["allowed"],
             what="source to learn the target allowed the group")
    return pg


def wait_replicated(cb, name, timeout=60):
    def done():
        snaps = [s for s in cb.get_pgroup(name.rsplit(".", 1)[0], snap=True,
                                          transfer=True)
                 if s["name"] == name]
        return snaps and snaps[0]["completed"] and snaps[0]
    return wait_for(done, timeout=timeout, what="transfer of %s" % name)


def test_connected_arrays_list_each_other(pair):
    a, b = pair
    ca, cb = a.client(), b.client()
    [conn] = ca.list_array_connections()
    assert conn["array_name"] == b.name
    assert conn["management_address"] == b.address
    assert conn["connected"] is True
    assert conn["type"] == ["replication"]
    assert [c["array_name"] for c in cb.list_array_connections()] == [a.name]
    key = cb.get(connection_key=True)["connection_key"]
    with pytest.raises(purestorage.PureHTTPError) as exc:
        ca.connect_array(b.address, key, ["replication"])
    assert "already exists" in error_of(exc)["msg"]


def test_wrong_connection_key_is_refused(emulators):
    a, b = emulators("array-x"), emulators("array-y")
    with pytest.raises(purestorage.PureHTTPError) as exc:
        a.client().connect_array(b.address, "wrong-key", ["replication"])
    assert exc.value.code == 400
    assert a.client().list_array_connections() == []
    key = b.client().get(connection_key=True)["connection_key"]
    a.client().connect_array(b.address, key, ["replication"])
    assert a.client().disconnect_array(b.address) == {"name": b.name}
    assert a.client().list_array_connections() == []
    wait_for(lambda: b.client().list_array_connections() == [],
             what="disconnection on the other side")


def test_target_refuses_until_it_allows_the_group(pair):
    a, b = pair
    ca, cb = a.client(), b.client()
    vol = protected_volume(a, ca, size=MIB)
    pg = unique("pg")
    view = ca.create_pgroup(pg, vollist=[vol], targetlist=[b.name])
    assert view["targets"] == [{"name": b.name, "allowed": False}]
    remote = "%s:%s" % (a.name, pg)
    on_b = cb.get_pgroup(remote)
    assert on_b["source"] == a.name
    assert on_b["targets"] == [{"name": b.name, "allowed": False}]

    with pytest.raises(purestorage.PureHTTPError) as exc:
        ca.create_pgroup_snapshot(pg, suffix="now", replicate_now=True)
    assert exc.value.code == 400
    assert error_of(exc)["ctx"] == remote
    assert "not allowed" in error_of(exc)["msg"]
    assert ca.get_pgroup(pg, snap=True) == []
    assert cb.get_pgroup(remote, snap=True) == []

    cb.set_pgroup(remote, allowed=True)
    with pytest.raises(purestorage.PureHTTPError) as exc:
        cb.set_pgroup(remote, allowed=True)
    assert "already allowed on" in error_of(exc)["msg"]
    wait_for(lambda: ca.get_pgroup(pg)["targets"][0]["allowed"],
             what="allowed on the source")
    ca.create_pgroup_snapshot(pg, suffix="now", replicate_now=True)
    wait_replicated(cb, remote + ".now")

    cb.set_pgroup(remote, allowed=False)
    wait_for(lambda: not ca.get_pgroup(pg)["targets"][0]["allowed"],
             what="disallowed on the source")
    with pytest.raises(purestorage.PureHTTPError):
        ca.create_pgroup_snapshot(pg, suffix="again", replicate_now=True)


def test_replicate_now_copies_the_bytes_with_honest_progress(pair):
    a, b = pair
    ca, cb = a.client(), b.client()
    vols = [protected_volume(a, ca, data=os.urandom(6 * MIB)),
            protected_volume(a, ca, size=4 * MIB)]
    pg = allowed_group(a, b, ca, cb, vols)
    remote = "%s:%s" % (a.name, pg)

    snap = ca.create_pgroup_snapshot(pg, suffix="r1", replicate_now=True)
    assert snap["name"] == pg + ".r1" and snap["source"] == pg
    # A's local snapshot is a copy of each volume as it was.
    for vol in vols:
        assert read(a.snapshot_path("%s.r1.%s" % (pg, vol))) == read(
            a.path(vol))

    seen = []
    while True:
        restorable = [v for v in cb.list_volumes(snap=True)
                      if v["name"].startswith(remote + ".r1")]
        transfers = cb.get_pgroup(remote, snap=True, transfer=True)
        if not transfers:
            # The target lists the snapshot once its transfer starts.
            assert restorable == []
            time.sleep(0.05)
            continue
        [t] = transfers
        seen.append(t)
        if t["completed"]:
            break
        # Until the last byte arrives nothing can be restored from it.
        assert t["progress"] < 1
        assert restorable == []
        time.sleep(0.1)
    assert t["name"] == remote + ".r1"
    assert t["source"] == remote
    assert t["progress"] == 1.0
    assert t["started"] and t["created"] == snap["created"]
    progress = [s["progress"] for s in seen]
    assert progress == sorted(progress)
    assert any(0 < p < 1 for p in progress), progress
    # The data ranges only (7 MiB and a few blocks), not the holes.
    assert 7 * MIB <= t["data_transferred"] < 8 * MIB

    on_b = cb.get_volume(remote + ".r1", snap=True, pgroup=True)
    assert sorted(s["name"] for s in on_b) == sorted(
        "%s.r1.%s" % (remote, v) for v in vols)
    for vol in vols:
        replica = b.snapshot_path("%s.r1.%s" % (remote, vol))
        assert read(replica) == read(a.path(vol))
        assert os.stat(replica).st_blocks * 512 < os.stat(replica).st_size

    source_view = ca.get_pgroup(pg, snap=True, transfer=True)[0]
    assert source_view["progress"] == 1.0 and source_view["completed"]


def test_copy_the_replicated_snapshot_into_a_volume_on_b(pair):
    a, b = pair
    ca, cb = a.client(), b.client()
    vol = protected_volume(a, ca, size=8 * MIB)
    pg = allowed_group(a, b, ca, cb, [vol])
    ca.create_pgroup_snapshot(pg, suffix="dr", replicate_now=True)
    remote_snap = "%s:%s.dr.%s" % (a.name, pg, vol)
    wait_replicated(cb, "%s:%s.dr" % (a.name, pg))
    expected = read(a.path(vol))

    # As a failover does: the replicated snapshot becomes a volume on B,
    # a file in B's directory that Cinder can manage.
    restored = "volume-%s" % uuid.uuid4()
    view = cb.copy_volume(remote_snap, restored)
    assert view["name"] == restored and view["size"] == 8 * MIB
    assert read(b.path(restored)) == expected
    assert restored in [v["name"] for v in cb.list_volumes()]

    with pytest.raises(purestorage.PureHTTPError) as exc:
        cb.copy_volume(remote_snap, restored)
    assert "already exists" in error_of(exc)["msg"]
    write(b.path(restored), 0, b"changed on B")
    cb.copy_volume(remote_snap, restored, overwrite=True)
    assert read(b.path(restored)) == expected

    # Writes on A after the snapshot do not reach B's copy.
    write(a.path(vol), 0, b"changed on A")
    assert read(b.snapshot_path(remote_snap)) == expected


def test_membership_errors_have_the_real_shape(pair):
    a, b = pair
    ca = a.client()
    vol = protected_volume(a, ca, size=MIB)
    pg = unique("pg")
    ca.create_pgroup(pg, vollist=[vol])
    with pytest.raises(purestorage.PureHTTPError) as exc:
        ca.create_pgroup(pg)
    assert error_of(exc) == {"pure_err_key": "err.friendly",
                             "pure_err_code": 1, "code": 0, "ctx": pg,
                             "msg": "Protection group already exists."}
    with pytest.raises(purestorage.PureHTTPError) as exc:
        ca.set_pgroup(pg, addvollist=[vol])
    assert "already belongs to" in error_of(exc)["msg"]
    with pytest.raises(purestorage.PureHTTPError) as exc:
        ca.set_pgroup(pg, remvollist=["volume-unknown"])
    assert "could not be found" in error_of(exc)["msg"]
    with pytest.raises(purestorage.PureHTTPError) as exc:
        ca.set_pgroup(pg, addvollist=["volume-unknown"])
    assert error_of(exc)["msg"] == "Volume does not exist."
    ca.set_pgroup(pg, addtargetlist=[b.name])
    with pytest.raises(purestorage.PureHTTPError) as exc:
        ca.set_pgroup(pg, addtargetlist=[b.name])
    assert "already includes" in error_of(exc)["msg"]
    with pytest.raises(purestorage.PureHTTPError) as exc:
        ca.set_pgroup(pg, addtargetlist=["no-such-array"])
    assert error_of(exc)["ctx"] == "no-such-array"
    with pytest.raises(purestorage.PureHTTPError) as exc:
        ca.get_pgroup(unique("missing"))
    assert error_of(exc)["msg"] == "Protection group does not exist."
    ca.remove_volume(vol, pg)
    assert ca.get_pgroup(pg)["volumes"] is None
    ca.add_volume(vol, pg)
    assert ca.get_pgroup(pg)["volumes"] == [vol]


def test_schedule_and_retention_settings(pair):
    a, b = pair
    ca, cb = a.client(), b.client()
    pg = unique("pg")
    ca.create_pgroup(pg, targetlist=[b.name])
    ca.set_pgroup(pg, target_all_for=14400, target_per_day=3, target_days=7,
                  all_for=3600, per_day=2, days=3)
    ca.set_pgroup(pg, replicate_frequency=3600, snap_frequency=600)
    ca.enable_pgroup_replication(pg)
    schedule = ca.get_pgroup(pg, schedule=True)
    assert schedule["replicate_enabled"] is True
    assert schedule["replicate_frequency"] == 3600
    assert schedule["snap_frequency"] == 600
    assert schedule["snap_enabled"] is False
    retention = ca.get_pgroup(pg, retention=True)
    assert (retention["all_for"], retention["per_day"], retention["days"]) \
        == (3600, 2, 3)
    assert (retention["target_all_for"], retention["target_per_day"],
            retention["target_days"]) == (14400, 3, 7)
    on_b = cb.get_pgroup("%s:%s" % (a.name, pg), retention=True)
    assert on_b["target_all_for"] == 14400
    with pytest.raises(purestorage.PureHTTPError):
        ca.set_pgroup(pg, replicate_frequency="often")


def test_scheduled_replication_reaches_the_target(pair):
    a, b = pair
    ca, cb = a.client(), b.client()
    vol = protected_volume(a, ca, size=MIB)
    pg = allowed_group(a, b, ca, cb, [vol])
    ca.set_pgroup(pg, replicate_frequency=1)
    ca.enable_pgroup_replication(pg)
    remote = "%s:%s" % (a.name, pg)
    snap = wait_for(lambda: [s for s in cb.get_pgroup(remote, snap=True,
                                                      transfer=True)
                             if s["completed"]],
                    what="a scheduled replication")[0]
    ca.disable_pgroup_replication(pg)
    vol_snap = "%s.%s" % (snap["name"], vol)
    assert read(b.snapshot_path(vol_snap)) == read(a.path(vol))


def test_destroy_recover_eradicate_groups_and_snapshots(pair):
    a, b = pair
    ca = a.client()
    vol = protected_volume(a, ca, size=MIB)
    pg = unique("pg")
    ca.create_pgroup(pg, vollist=[vol])
    ca.create_pgroup_snapshot(pg, suffix="s1")
    ca.destroy_pgroup(pg + ".s1")
    assert ca.get_pgroup(pg, snap=True) == []
    assert [s["name"] for s in ca.get_pgroup(pg, snap=True, pending=True)] \
        == [pg + ".s1"]
    ca.recover_pgroup(pg + ".s1")
    assert [s["name"] for s in ca.get_pgroup(pg, snap=True)] == [pg + ".s1"]

    ca.destroy_pgroup(pg)
    with pytest.raises(purestorage.PureHTTPError) as exc:
        ca.create_pgroup(pg)
    assert "has been destroyed" in error_of(exc)["msg"]
    assert pg in [g["name"] for g in ca.list_pgroups(pending_only=True)]
    ca.recover_pgroup(pg)
    assert [s["name"] for s in ca.get_pgroup(pg, snap=True)] == [pg + ".s1"]
    ca.destroy_pgroup(pg)
    ca.eradicate_pgroup(pg)
    assert pg not in [g["name"] for g in ca.list_pgroups(pending=True)]
    assert not os.path.exists(a.snapshot_path("%s.s1.%s" % (pg, vol)))
    ca.create_pgroup(pg)


def test_a_protected_host_protects_its_connected_volumes(pair):
    a, b = pair
    ca = a.client()
    vol = protected_volume(a, ca, size=MIB)
    host = unique("host")
    ca.create_host(host, iqnlist=["iqn.2026-01.lab:%s" % host])
    ca.connect_host(host, vol)
    pg = unique("pg")
    ca.create_pgroup(pg, hostlist=[host])
    ca.create_pgroup_snapshot(pg, suffix="h")
    assert [s["name"] for s in ca.get_volume(pg + ".h", snap=True,
                                             pgroup=True)] == [
        "%s.h.%s" % (pg, vol)]


def test_transfer_survives_a_target_restart(pair):
    a, b = pair
    ca, cb = a.client(), b.client()
    vol = protected_volume(a, ca, size=16 * MIB,
                           data=os.urandom(8 * MIB))
    pg = allowed_group(a, b, ca, cb, [vol])
    remote = "%s:%s" % (a.name, pg)
    ca.create_pgroup_snapshot(pg, suffix="r", replicate_now=True)
    wait_for(lambda: [s for s in cb.get_pgroup(remote, snap=True,
                                               transfer=True)
                      if s["progress"] > 0], what="the transfer to start")
    b.stop()
    b.start()
    snap = wait_replicated(b.client(), remote + ".r")
    assert snap["progress"] == 1.0
    assert read(b.snapshot_path("%s.r.%s" % (remote, vol))) == read(
        a.path(vol))


def test_the_source_lists_what_it_could_not_send(pair):
    # What the health watch reads on the source: one listing of every
    # snapshot with the state of its sending.
    a, b = pair
    ca, cb = a.client(), b.client()
    vol = protected_volume(a, ca, size=4 * MIB)
    pg = allowed_group(a, b, ca, cb, [vol])
    remote = "%s:%s" % (a.name, pg)

    def on_a():
        return {s["name"]: s for s in ca.list_pgroups(snap=True,
                                                      transfer=True)
                if s["source"] == pg}

    ca.create_pgroup_snapshot(pg, suffix="sent", replicate_now=True)
    wait_for(lambda: on_a()[pg + ".sent"]["completed"],
             what="A to see its snapshot sent")
    b.stop()
    try:
        ca.create_pgroup_snapshot(pg, suffix="held", replicate_now=True)
        held = on_a()[pg + ".held"]
        assert (held["completed"], held["progress"]) == (None, 0.0)
        assert on_a()[pg + ".sent"]["progress"] == 1.0
    finally:
        b.start()
    wait_replicated(b.client(), remote + ".held")
    wait_for(lambda: on_a()[pg + ".held"]["completed"],
             what="A to send the snapshot once B is back")
