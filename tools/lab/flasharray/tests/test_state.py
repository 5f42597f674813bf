"""A restarted emulator keeps what a real array keeps."""

import os

import requests

from tools.lab.flasharray.tests.fixtures import read
from tools.lab.flasharray.tests.fixtures import wait_for
from tools.lab.flasharray.tests.fixtures import write


def test_restart_keeps_connections_groups_and_snapshots(emulators):
    a, b = emulators("array-a"), emulators("array-b")
    ca, cb = a.client(), b.client()
    key = cb.get(connection_key=True)["connection_key"]
    ca.connect_array(b.address, key, ["replication"])
    serial = ca.create_volume("vol1", 1 << 20)["serial"]
    write(a.path("vol1"), 0, os.urandom(4096))
    ca.create_host("h1", iqnlist=["iqn.2026-01.lab:h1"])
    ca.connect_host("h1", "vol1")
    ca.create_pgroup("pg1", vollist=["vol1"], targetlist=[b.name])
    ca.set_pgroup("pg1", replicate_frequency=7200)
    cb.set_pgroup("%s:pg1" % a.name, allowed=True)
    wait_for(lambda: ca.get_pgroup("pg1")["targets"][0]["allowed"],
             what="allowed")
    ca.create_pgroup_snapshot("pg1", suffix="s1", replicate_now=True)
    remote = "%s:pg1" % a.name
    wait_for(lambda: [s for s in cb.get_pgroup(remote, snap=True,
                                               transfer=True)
                      if s["completed"]], what="replication")
    ca.create_pod("pod1")

    a.stop()
    b.stop()
    a.start()
    b.start()
    ca, cb = a.client(), b.client()
    assert ca.get_volume("vol1")["serial"] == serial
    assert ca.list_host_connections("h1")[0]["vol"] == "vol1"
    assert ca.get_pgroup("pg1")["targets"] == [{"name": b.name,
                                                "allowed": True}]
    assert ca.get_pgroup("pg1", schedule=True)["replicate_frequency"] == 7200
    assert [s["name"] for s in ca.get_pgroup("pg1", snap=True)] == [
        "pg1.s1"]
    [replica] = cb.get_pgroup("%s:pg1" % a.name, snap=True, transfer=True)
    assert replica["progress"] == 1.0
    assert read(b.snapshot_path("%s:pg1.s1.vol1" % a.name)) == read(
        a.path("vol1"))
    assert [p["name"] for p in ca.list_pods()] == ["pod1"]
    wait_for(lambda: ca.list_array_connections()[0]["connected"],
             what="the connection to come back")


def test_reset_leaves_a_clean_array(emulators):
    a = emulators("array-a")
    ca = a.client()
    ca.create_volume("kept", 1 << 20)
    ca.create_volume("gone", 1 << 20)
    ca.destroy_volume("gone")
    ca.create_snapshot("kept", suffix="s1")
    ca.create_host("h1", iqnlist=["iqn.2026-01.lab:h1"])
    ca.connect_host("h1", "kept")
    ca.create_pgroup("pg1", vollist=["kept"])
    ca.create_pgroup_snapshot("pg1", suffix="p1")
    ca.create_pod("pod1")
    ca.create_volume("pod1::v", 1 << 20)
    answer = requests.post("https://%s/_emulator/reset" % a.address,
                           headers={"api-token": a.token},
                           verify=a.info["cert"])
    assert answer.status_code == 200, answer.text
    assert [v["name"] for v in ca.list_volumes(pending=True)] == ["kept"]
    assert ca.list_volumes(snap=True, pending=True) == []
    assert ca.list_hosts() == []
    assert ca.list_pgroups(pending=True) == []
    assert ca.list_pods(pending=True) == []
    assert os.listdir(os.path.join(a.volumes_dir, ".snapshots")) == []
    assert not os.path.exists(a.path("pod1::v"))
    requests.post("https://%s/_emulator/reset" % a.address,
                  headers={"api-token": a.token}, json={"volumes": True},
                  verify=a.info["cert"])
    assert ca.list_volumes(pending=True) == []
    assert not os.path.exists(a.path("kept"))
