"""Pods (REST ``pod`` endpoints) and their stretching across two connected
arrays.

A pod's volumes are named ``<pod>::<volume>``.  Stretching a pod to a
connected array creates the pod there and copies its volumes over (status
``resyncing`` until done); from then on every change through either array's
API, and every change to the volume files, is mirrored to the other array
(see mirror.py).  Promotion and demotion apply to pods on one array only; a
demoted pod's volume files are made read-only.
"""

import logging
import os
import stat

from tools.lab.flasharray import errors
from tools.lab.flasharray import peer
from tools.lab.flasharray import util
from tools.lab.flasharray import volumes as vols

LOG = logging.getLogger(__name__)


def new_pod(array_entries, failover_preference=None):
    return {"arrays": array_entries, "created": util.now(),
            "destroyed_at": None, "promotion": "promoted",
            "failover_preference": failover_preference or [],
            "resync_to": [], "resync_from": None, "offline_changes": False,
            "baselines": {}, "demoted_modes": {}}


def pod(array, name, pending=False):
    p = array.state["pods"].get(name)
    if p is None:
        raise errors.NotFound("Pod", name)
    if p.get("destroyed_at") and not pending:
        raise errors.Destroyed("Pod", name)
    return p


def peers(array, p):
    return [a["name"] for a in p["arrays"] if a["name"] != array.name]


def pod_volumes(array, name, live):
    prefix = name + "::"
    return sorted(v for v in live if v.startswith(prefix))


def member_status(array, p, member):
    if member == array.name:
        return "resyncing" if p["resync_from"] else "online"
    if not array.is_online(member):
        return "offline"
    if member in p["resync_to"]:
        return "resyncing"
    return "online"


def pod_view(array, name, p):
    view = {"name": name, "source": None,
            "arrays": [{"name": a["name"], "array_id": a["id"],
                        "status": member_status(array, p, a["name"]),
                        "frozen_at": None, "mediator_status": "online"}
                       for a in p["arrays"]],
            "failover_preference": list(p["failover_preference"]),
            "promotion_status": p["promotion"],
            "requested_promotion_state": p["promotion"]}
    if p.get("destroyed_at"):
        view["time_remaining"] = array.time_remaining(p["destroyed_at"])
    return view


def _set_writable(array, name, p, writable):
    live = array.sync_volumes()
    for vol in pod_volumes(array, name, live):
        path = array.files.path(vol)
        if writable:
            mode = p["demoted_modes"].pop(vol, None)
            if mode is not None:
                os.chmod(path, mode)
        else:
            mode = stat.S_IMODE(os.stat(path).st_mode)
            p["demoted_modes"][vol] = mode
            os.chmod(path, mode & ~0o222)


# -- REST handlers ----------------------------------------------------------
def list_pods(array, params, name=None):
    pending_only = util.flag(params, "pending_only")
    pending = pending_only or util.flag(params, "pending")
    names = [name] if name else util.name_list(params, "names")
    with array.lock:
        result = []
        for pod_name, p in sorted(array.state["pods"].items()):
            destroyed = bool(p.get("destroyed_at"))
            if names and pod_name not in names:
                continue
            if (destroyed and not pending) or (
                    pending_only and not destroyed):
                if name and destroyed:
                    raise errors.Destroyed("Pod", name)
                continue
            result.append(pod_view(array, pod_name, p))
        for n in names or ():
            if n not in array.state["pods"]:
                raise errors.NotFound("Pod", n)
        return result


def get_pod(array, params, name):
    return list_pods(array, params, name)[0]


def create_pod(array, params, name):
    if not util.is_object_name(name) or "::" in name:
        raise errors.ArrayError("Pod name is invalid.", name)
    if "source" in params:
        raise errors.ArrayError("Pod clones are not supported by the "
                                "emulator.", name)
    with array.lock:
        existing = array.state["pods"].get(name)
        if existing is not None:
            if existing.get("destroyed_at"):
                raise errors.Destroyed("Pod", name)
            raise errors.AlreadyExists("Pod", name)
        p = new_pod([{"name": array.name, "id": array.id}],
                    util.name_list(params, "failover_preference"))
        array.state["pods"][name] = p
        array.save()
        return pod_view(array, name, p)


def set_pod(array, params, name):
    with array.lock:
        if params.get("action") == "recover":
            p = pod(array, name, pending=True)
            when = p["destroyed_at"]
            p["destroyed_at"] = None
            for vol, meta in array.state["volumes"].items():
                if util.pod_of(vol) == name and meta.get(
                        "destroyed_at") == when:
                    vols.recover(array, vol)
            array.save()
            return pod_view(array, name, p)
        p = pod(array, name)
        if "failover_preference" in params:
            p["failover_preference"] = util.name_list(
                params, "failover_preference") or []
        state = params.get("requested_promotion_state")
        if state is not None:
            if state not in ("promoted", "demoted"):
                raise errors.ArrayError("Invalid promotion state.", state)
            if len(p["arrays"]) > 1:
                raise errors.ArrayError(
                    "Pod %s is stretched; only a pod on one array can be "
                    "promoted or demoted." % name, name)
            if state != p["promotion"]:
                _set_writable(array, name, p, state == "promoted")
                p["promotion"] = state
        if "name" in params:
            _rename(array, name, p, str(params["name"]))
            name = str(params["name"])
        array.save()
        return pod_view(array, name, p)


def _rename(array, name, p, new):
    if not util.is_object_name(new) or "::" in new:
        raise errors.ArrayError("Pod name is invalid.", new)
    if len(p["arrays"]) > 1:
        raise errors.ArrayError("The emulator cannot rename a stretched "
                                "pod.", name)
    if new in array.state["pods"]:
        raise errors.AlreadyExists("Pod", new)
    for vol in pod_volumes(array, name, array.sync_volumes()):
        vols.rename(array, vol, new + vol[len(name):])
    array.state["pods"][new] = array.state["pods"].pop(name)


def delete_pod(array, params, name):
    with array.lock:
        p = pod(array, name, pending=True)
        if util.flag(params, "eradicate"):
            if not p.get("destroyed_at"):
                raise errors.ArrayError(
                    "Pod %s must be destroyed before it can be eradicated." %
                    name, name)
            for vol, meta in list(array.state["volumes"].items()):
                if util.pod_of(vol) == name and meta.get("destroyed_at"):
                    vols.eradicate(array, vol)
            del array.state["pods"][name]
        else:
            if p.get("destroyed_at"):
                raise errors.Destroyed("Pod", name)
            if len(p["arrays"]) > 1:
                raise errors.ArrayError(
                    "Pod %s is stretched; remove the other array before "
                    "destroying it." % name, name)
            destroy_local_copy(array, name, p)
        array.save()
        return {"name": name}


def destroy_local_copy(array, name, p):
    """Destroy the pod on this array with its volumes (lock held)."""
    p["destroyed_at"] = util.now()
    for vol in pod_volumes(array, name, array.sync_volumes()):
        for host in array.state["hosts"].values():
            host["connections"].pop(vol, None)
        mode = p["demoted_modes"].pop(vol, None)
        if mode is not None:
            os.chmod(array.files.path(vol), mode)
        vols.destroy(array, vol)
        array.state["volumes"][vol]["destroyed_at"] = p["destroyed_at"]
    p["baselines"] = {}


def add_array(array, params, name, member):
    """POST pod/<pod>/array/<array>: stretch the pod to a connected array."""
    with array.lock:
        p = pod(array, name)
        if any(a["name"] == member for a in p["arrays"]):
            raise errors.ArrayError(
                "Array %s already exists in pod %s." % (member, name),
                member)
        if len(p["arrays"]) >= 2:
            raise errors.ArrayError(
                "The emulator stretches a pod across two arrays at most.",
                name)
        if p["promotion"] != "promoted":
            raise errors.ArrayError("Pod %s is demoted." % name, name)
        conn = array.connection(member)
        client = array.peer(member)
        arrays = p["arrays"] + [{"name": member, "id": conn["id"]}]
    try:
        client.call("POST", "/_peer/pods/%s/stretch" % peer.quote(name), {
            "source": array.name, "arrays": arrays,
            "failover_preference": p["failover_preference"]})
    except errors.PeerError as exc:
        raise errors.ArrayError(exc.message(), member)
    except OSError as exc:
        raise errors.ArrayError("Unable to reach array %s: %s." % (
            member, exc), member)
    with array.lock:
        p["arrays"] = arrays
        p["resync_to"].append(member)
        array.save()
        LOG.info("array %s: pod %s stretched to %s", array.name, name,
                 member)
        return pod_view(array, name, p)


def remove_array(array, params, name, member):
    """DELETE pod/<pod>/array/<array>: unstretch."""
    with array.lock:
        p = pod(array, name)
        if not any(a["name"] == member for a in p["arrays"]):
            raise errors.ArrayError(
                "Array %s is not a member of pod %s." % (member, name),
                member)
        if len(p["arrays"]) < 2:
            raise errors.ArrayError(
                "Pod %s is not stretched." % name, name)
        other = [a for a in peers(array, p)][0]
        client = array.peer(other, timeout=5)
    try:
        client.call("POST", "/_peer/pods/%s/unstretch" % peer.quote(name),
                    {"remove": member})
    except (errors.PeerError, OSError) as exc:
        if not util.flag(params, "with_unknown"):
            raise errors.ArrayError(
                "Unable to reach array %s (%s); use with_unknown to remove "
                "it anyway." % (other, exc), other)
    with array.lock:
        _drop_member(array, name, p, member)
        array.save()
        return pod_view(array, name, p)


def _drop_member(array, name, p, member):
    if member == array.name:
        destroy_local_copy(array, name, p)
    p["arrays"] = [a for a in p["arrays"] if a["name"] != member]
    if member == array.name:
        p["arrays"] = [{"name": array.name, "id": array.id}]
    if member in p["resync_to"]:
        p["resync_to"].remove(member)
    if p["resync_from"] == member:
        p["resync_from"] = None
    p["offline_changes"] = False


# -- peer side --------------------------------------------------------------
def peer_stretch(array, params, name):
    with array.lock:
        existing = array.state["pods"].get(name)
        if existing is not None and not existing.get("destroyed_at"):
            raise errors.AlreadyExists("Pod", name)
        p = new_pod(params["arrays"], params.get("failover_preference"))
        p["resync_from"] = params["source"]
        array.state["pods"][name] = p
        array.save()
        return {"name": name}


def peer_unstretch(array, params, name):
    with array.lock:
        p = pod(array, name)
        _drop_member(array, name, p, params["remove"])
        array.save()
        return {"name": name}


def peer_pod_status(array, params, name):
    with array.lock:
        p = array.state["pods"].get(name)
        if p is None or p.get("destroyed_at"):
            return {"exists": False, "offline_changes": False}
        return {"exists": True, "offline_changes": p["offline_changes"],
                "resync_from": p["resync_from"]}


def apply_op(array, op, name, size=None, new=None, serial=None):
    """Apply a volume change mirrored from the other array (lock held)."""
    live = array.sync_volumes()
    if op in ("create", "overwrite"):
        if name in live:
            os.truncate(array.files.path(name), size)
        else:
            meta = array.state["volumes"].get(name)
            if meta is not None and meta.get("destroyed_at"):
                vols.eradicate(array, name)
            vols.create(array, name, size=size)
        if serial:
            # A stretched volume has one serial on both arrays.
            array.state["volumes"][name]["serial"] = serial
    elif op == "resize":
        os.truncate(array.files.path(name), size)
    elif op == "destroy" and name in live:
        for host in array.state["hosts"].values():
            host["connections"].pop(name, None)
        vols.destroy(array, name)
    elif op == "recover":
        vols.recover(array, name)
    elif op == "eradicate" and name in array.state["volumes"]:
        vols.eradicate(array, name)
    elif op == "rename":
        vols.rename(array, name, new)
    array.save()


def peer_op(array, params, name):
    with array.lock:
        pod(array, name)
        apply_op(array, params["op"], params["name"], params.get("size"),
                 params.get("new"), params.get("serial"))
    if array.mirror is not None:
        target = params.get("new") or params["name"]
        array.mirror.rebaseline(target)
    return {"name": params["name"]}


ROUTES = [
    ("GET", "pod", list_pods),
    ("GET", "pod/{name}", get_pod),
    ("POST", "pod/{name}", create_pod),
    ("PUT", "pod/{name}", set_pod),
    ("DELETE", "pod/{name}", delete_pod),
    ("POST", "pod/{name}/array/{member}", add_array),
    ("DELETE", "pod/{name}/array/{member}", remove_array),
]

PEER_ROUTES = [
    ("POST", "pods/{name}/stretch", peer_stretch),
    ("POST", "pods/{name}/unstretch", peer_unstretch),
    ("GET", "pods/{name}", peer_pod_status),
    ("POST", "pods/{name}/op", peer_op),
]
