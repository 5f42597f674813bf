"""Hosts and connections as far as a Cinder attach needs them."""

import purestorage
import pytest

from tools.lab.flasharray.tests.fixtures import error_of

IQN = "iqn.1993-08.org.debian:01:lab%d"


@pytest.fixture
def client(emulators):
    return emulators("array-a").client()


def test_host_lifecycle_and_connections(client):
    client.create_volume("vol1", 1 << 20)
    host = client.create_host("compute1", iqnlist=[IQN % 1])
    assert host["iqn"] == [IQN % 1] and host["wwn"] == []
    assert [h["name"] for h in client.list_hosts()] == ["compute1"]

    connection = client.connect_host("compute1", "vol1")
    assert connection == {"name": "compute1", "vol": "vol1", "lun": 1}
    assert client.list_host_connections("compute1") == [
        {"name": "compute1", "vol": "vol1", "lun": 1, "hgroup": None}]
    assert client.list_volume_private_connections("vol1")[0][
        "host"] == "compute1"

    with pytest.raises(purestorage.PureHTTPError) as exc:
        client.connect_host("compute1", "vol1")
    assert "already exists" in error_of(exc)["msg"]
    with pytest.raises(purestorage.PureHTTPError) as exc:
        client.destroy_volume("vol1")
    assert error_of(exc)["ctx"] == "vol1"
    with pytest.raises(purestorage.PureHTTPError) as exc:
        client.delete_host("compute1")
    assert "cannot be deleted due to existing connections" in error_of(
        exc)["msg"]

    assert client.disconnect_host("compute1", "vol1") == {
        "name": "compute1", "vol": "vol1"}
    with pytest.raises(purestorage.PureHTTPError) as exc:
        client.disconnect_host("compute1", "vol1")
    assert "is not connected" in error_of(exc)["msg"]
    client.delete_host("compute1")
    with pytest.raises(purestorage.PureHTTPError) as exc:
        client.disconnect_host("compute1", "vol1")
    assert error_of(exc)["msg"] == "Host does not exist."


def test_duplicate_host_and_iqn_in_use(client):
    client.create_host("h1", iqnlist=[IQN % 1])
    with pytest.raises(purestorage.PureHTTPError) as exc:
        client.create_host("h1")
    assert error_of(exc) == {"pure_err_key": "err.friendly",
                             "pure_err_code": 1, "code": 0, "ctx": "h1",
                             "msg": "Host already exists."}
    with pytest.raises(purestorage.PureHTTPError) as exc:
        client.create_host("h2", iqnlist=[IQN % 1])
    assert "already in use" in error_of(exc)["msg"]
    client.set_host("h1", addiqnlist=[IQN % 2])
    assert client.get_host("h1")["iqn"] == [IQN % 1, IQN % 2]


def test_luns_are_allocated_per_host(client):
    client.create_host("h1", wwnlist=["21000024ff000001"])
    for i in range(3):
        client.create_volume("v%d" % i, 1 << 20)
    luns = [client.connect_host("h1", "v%d" % i)["lun"] for i in range(3)]
    assert luns == [1, 2, 3]
    client.disconnect_host("h1", "v1")
    assert client.connect_host("h1", "v1", lun=10)["lun"] == 10


def test_iscsi_ports(client):
    ports = client.list_ports()
    assert ports and ports[0]["iqn"].startswith("iqn.2010-06.com.purestorage")
    assert ports[0]["portal"].endswith(":3260")
