"""The array itself (``array``) and connections between arrays
(``array/connection``): connecting array A to B by B's management address
and connection key makes each appear in the other's connection list."""

import os

from tools.lab.flasharray import array as array_mod
from tools.lab.flasharray import errors
from tools.lab.flasharray import peer
from tools.lab.flasharray import util

SPACE_CAPACITY = 1 << 40


def _view(array, name, conn):
    return {"array_name": name, "id": conn["id"],
            "management_address": conn["management_address"],
            "replication_address": conn.get("replication_address") or
            conn["management_address"].rpartition(":")[0],
            "connected": array.is_online(name),
            "type": list(conn["type"]),
            "throttled": bool(conn.get("throttle")),
            "version": array_mod.PURITY_VERSION}


def _find(array, name_or_address):
    for name, conn in array.state["connections"].items():
        if name_or_address in (name, conn["management_address"]):
            return name, conn
    raise errors.ArrayError(
        "Array connection %s does not exist." % name_or_address,
        name_or_address)


def get_array(array, params):
    if util.flag(params, "connection_key"):
        return {"connection_key": array.connection_key}
    if util.flag(params, "space"):
        with array.lock:
            live = array.sync_volumes()
            used = sum(st.st_blocks * 512 for st in live.values())
        snaps = sum(os.stat(os.path.join(dp, f)).st_blocks * 512
                    for dp, _, fs in os.walk(array.files.root)
                    if os.path.basename(dp) == ".snapshots" for f in fs)
        return {"hostname": array.name, "capacity": SPACE_CAPACITY,
                "volumes": used, "snapshots": snaps, "shared_space": 0,
                "system": 0, "total": used + snaps, "data_reduction": 1.0,
                "thin_provisioning": 0.0, "total_reduction": 1.0,
                "parity": 1.0}
    if params.get("action") == "monitor":
        return [{"time": util.iso(util.now()), "writes_per_sec": 0,
                 "reads_per_sec": 0, "input_per_sec": 0,
                 "output_per_sec": 0, "usec_per_read_op": 0,
                 "usec_per_write_op": 0, "queue_depth": 0}]
    return {"array_name": array.name, "id": array.id,
            "revision": "flasharray-emulator",
            "version": array_mod.PURITY_VERSION}


def list_connections(array, params):
    with array.lock:
        return [_view(array, n, c)
                for n, c in sorted(array.state["connections"].items())]


def connect_array(array, params):
    address = params.get("management_address")
    key = params.get("connection_key")
    if not address or not key:
        raise errors.ArrayError(
            "Missing management_address or connection_key.",
            "management_address")
    types = util.name_list(params, "type") or ["replication"]
    with array.lock:
        for name, conn in array.state["connections"].items():
            if conn["management_address"] == address:
                raise errors.AlreadyExists("Array connection", address)
    client = peer.PeerClient(address, key)
    try:
        remote = client.call("POST", "/_peer/connection", {
            "name": array.name, "id": array.id,
            "management_address": array.address,
            "key": array.connection_key, "type": types})
    except errors.PeerError as exc:
        raise errors.ArrayError(exc.message(), address)
    except OSError as exc:
        raise errors.ArrayError(
            "Unable to reach array at %s: %s." % (address, exc), address)
    with array.lock:
        conn = {"id": remote["id"], "management_address": address,
                "key": key, "type": types,
                "replication_address": params.get("replication_address"),
                "connected_at": util.now()}
        array.state["connections"][remote["name"]] = conn
        array.links[remote["name"]] = True
        array.save()
        return _view(array, remote["name"], conn)


def _in_use(array, name):
    for pod_name, pod in array.state["pods"].items():
        if any(a["name"] == name for a in pod["arrays"]) and len(
                pod["arrays"]) > 1:
            raise errors.ArrayError(
                "Array connection to %s is in use by stretched pod %s." % (
                    name, pod_name), name)


def disconnect_array(array, params, address):
    with array.lock:
        name, conn = _find(array, address)
        _in_use(array, name)
        client = array.peer(name, timeout=3)
        del array.state["connections"][name]
        array.links.pop(name, None)
        array.save()
    try:
        client.call("DELETE", "/_peer/connection", {"name": array.name})
    except (errors.PeerError, OSError):
        pass
    return {"name": name}


def throttle_array(array, params, address):
    with array.lock:
        name, conn = _find(array, address)
        conn["throttle"] = {k: v for k, v in params.items()
                            if k in ("default_limit", "window_limit",
                                     "window")}
        array.save()
        return _view(array, name, conn)


# -- peer side ---------------------------------------------------------------
def peer_connect(array, params):
    with array.lock:
        name = params["name"]
        if name == array.name:
            raise errors.ArrayError("Cannot connect an array to itself.",
                                    name)
        if name in array.state["connections"]:
            raise errors.AlreadyExists("Array connection", name)
        array.state["connections"][name] = {
            "id": params["id"],
            "management_address": params["management_address"],
            "key": params["key"], "type": params.get("type") or [
                "replication"],
            "replication_address": None, "connected_at": util.now()}
        array.links[name] = True
        array.save()
        return {"name": array.name, "id": array.id,
                "version": array_mod.PURITY_VERSION}


def peer_disconnect(array, params):
    with array.lock:
        name = params.get("name")
        if name in array.state["connections"]:
            del array.state["connections"][name]
            array.links.pop(name, None)
            array.save()
        return {"name": name}


def peer_ping(array, params):
    return {"name": array.name, "id": array.id}


ROUTES = [
    ("GET", "array", get_array),
    ("GET", "array/connection", list_connections),
    ("POST", "array/connection", connect_array),
    ("DELETE", "array/connection/{address}", disconnect_array),
    ("PUT", "array/connection/{address}", throttle_array),
]

PEER_ROUTES = [
    ("POST", "connection", peer_connect),
    ("DELETE", "connection", peer_disconnect),
    ("GET", "ping", peer_ping),
]
