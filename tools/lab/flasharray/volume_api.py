"""REST handlers of volumes and snapshots (``volume`` endpoints).

The volume files and their metadata are handled in volumes.py.
"""

import os

from tools.lab.flasharray import errors
from tools.lab.flasharray import sparse
from tools.lab.flasharray import util
from tools.lab.flasharray import volumes as vols


# -- REST handlers ----------------------------------------------------------
def list_volumes(array, params):
    snap = util.flag(params, "snap")
    pending_only = util.flag(params, "pending_only")
    pending = pending_only or util.flag(params, "pending")
    names = util.name_list(params, "names")
    space = util.flag(params, "space")
    with array.lock:
        live = array.sync_volumes()
        result = []
        if snap:
            for name, meta in array.state["snapshots"].items():
                destroyed = bool(meta.get("destroyed_at"))
                if (destroyed and not pending) or (
                        pending_only and not destroyed):
                    continue
                if names and name not in names and meta["source"] not in names:
                    continue
                result.append(vols.snapshot_view(array, name, meta))
        else:
            for name, meta in array.state["volumes"].items():
                destroyed = bool(meta.get("destroyed_at"))
                if (destroyed and not pending) or (
                        pending_only and not destroyed):
                    continue
                if names and name not in names:
                    continue
                if destroyed:
                    size = os.stat(array.files.destroyed_path(name)).st_size
                else:
                    size = live[name].st_size
                result.append(vols.volume_view(array, name, meta, size, space))
    if names:
        known = {v["name"] for v in result} | {v["source"] for v in result}
        for name in names:
            if name not in known:
                raise errors.NotFound("Volume", name)
    return sorted(result, key=lambda v: v["name"])


def get_volume(array, params, name):
    snap = util.flag(params, "snap")
    pending = (util.flag(params, "pending") or
               util.flag(params, "pending_only"))
    with array.lock:
        if snap and util.flag(params, "pgroup"):
            group_snap = array.state["pgroup_snapshots"].get(name)
            if group_snap is None:
                raise errors.NotFound("Protection group snapshot", name)
            return [vols.snapshot_view(array, n, array.state["snapshots"][n])
                    for n in group_snap["volumes"]
                    if n in array.state["snapshots"]]
        if "." in name:
            return vols.snapshot_view(array, name,
                                      array.snapshot(name, pending))
        if snap:
            if name not in array.state["volumes"]:
                raise errors.NotFound("Volume", name)
            return sorted(
                (vols.snapshot_view(array, n, m)
                 for n, m in array.state["snapshots"].items()
                 if m["source"] == name and (pending or
                                             not m.get("destroyed_at"))),
                key=lambda v: v["name"])
        live = array.sync_volumes()
        meta = array.state["volumes"].get(name)
        if meta is None:
            raise errors.NotFound("Volume", name)
        if meta.get("destroyed_at"):
            if not pending:
                raise errors.Destroyed("Volume", name)
            size = os.stat(array.files.destroyed_path(name)).st_size
        else:
            size = live[name].st_size
        return vols.volume_view(array, name, meta, size,
                                util.flag(params, "space"))


def create_volume(array, params, name):
    """POST volume/<name>: a new volume, empty or a copy.

    A new volume of ``size``, or a copy of ``source`` (a volume or
    snapshot), over an existing one when ``overwrite`` is set.
    """
    if util.flag(params, "protocol_endpoint"):
        raise errors.ArrayError(
            "Protocol endpoints are not supported by the emulator.", name)
    util.check_name("Volume", name)
    overwrite = util.flag(params, "overwrite")
    with array.lock:
        live = array.sync_volumes()
        vols.check_pod_writable(array, name)
        if "source" in params:
            source_path, source = array.source_path(str(params["source"]))
            if overwrite and name in live:
                meta = array.live_volume(name, live)
                size = sparse.copy_into(source_path, array.files.path(name))
                meta["source"] = source
                op = "overwrite"
            else:
                vols.check_name_free(array, name, live)
                meta, size = vols.create(array, name,
                                         source_path=source_path,
                                         source=source)
                op = "create"
        elif "size" in params:
            size = util.parse_size(params["size"])
            vols.check_name_free(array, name, live)
            meta, size = vols.create(array, name, size=size)
            op = "create"
        else:
            raise errors.ArrayError("Missing size or source.", name)
        view = vols.volume_view(array, name, meta, size)
        array.save()
    vols.mirror_change(array, op, name, size=size)
    return view


def create_snapshots(array, params):
    """POST volume with snap=true: snapshots of the ``source`` volumes."""
    if not util.flag(params, "snap"):
        raise errors.ArrayError("Missing parameter snap.", "snap")
    sources = util.name_list(params, "source") or []
    if not sources:
        raise errors.ArrayError("Missing parameter source.", "source")
    with array.lock:
        live = array.sync_volumes()
        for volume in sources:
            array.live_volume(volume, live)
        suffix = params.get("suffix") or vols.next_suffix(array)
        util.check_suffix(str(suffix))
        for volume in sources:
            if "%s.%s" % (volume, suffix) in array.state["snapshots"]:
                raise errors.AlreadyExists("Snapshot",
                                           "%s.%s" % (volume, suffix))
        result = []
        for volume in sources:
            name, meta = vols.snapshot(array, volume, suffix)
            result.append(vols.snapshot_view(array, name, meta))
        array.save()
    return result


def set_volume(array, params, name):
    """PUT volume/<name>: rename, resize, recover, or move to a pod."""
    with array.lock:
        if params.get("action") == "recover":
            if "." in name:
                meta = array.snapshot(name, pending=True)
                meta["destroyed_at"] = None
                meta.pop("destroyed_with_volume", None)
                array.save()
                return {"name": name}
            vols.check_pod_writable(array, name)
            vols.recover(array, name)
            array.save()
            op, info, result = "recover", {}, {"name": name}
        elif "name" in params:
            new = str(params["name"])
            if util.pod_of(new) != util.pod_of(name):
                raise errors.ArrayError(
                    "Use container to move a volume between pods.", new)
            vols.check_pod_writable(array, name)
            vols.rename(array, name, new)
            array.save()
            op, info, result = "rename", {"new": new}, {"name": new}
        elif "size" in params:
            vols.check_pod_writable(array, name)
            size = vols.resize(array, name, util.parse_size(params["size"]),
                               util.flag(params, "truncate"))
            array.save()
            op, info = "resize", {"size": size}
            result = {"name": name, "size": size}
        elif "container" in params:
            return move(array, name, str(params["container"] or ""))
        else:
            raise errors.ArrayError("No volume attribute to set.", name)
    vols.mirror_change(array, op, name, **info)
    return result


def move(array, name, container):
    """Move a volume into a pod (``container``) or out of one ("")."""
    base = name.split("::", 1)[-1]
    new = "%s::%s" % (container, base) if container else base
    with array.lock:
        old_pod = util.pod_of(name)
        if old_pod and len(array.state["pods"].get(old_pod, {}).get(
                "arrays", [])) > 1:
            raise errors.ArrayError(
                "Cannot move a volume out of stretched pod %s." % old_pod,
                name)
        if container:
            vols.check_pod_writable(array, new)
        vols.rename(array, name, new)
        size = os.stat(array.files.path(new)).st_size
        array.save()
    vols.mirror_change(array, "create", new, size=size)
    return {"name": new}


def delete_volume(array, params, name):
    """DELETE volume/<name>: destroy, or eradicate when ``eradicate``."""
    with array.lock:
        if "." in name:
            meta = array.snapshot(name, pending=True)
            if util.flag(params, "eradicate"):
                if not meta.get("destroyed_at"):
                    raise errors.ArrayError(
                        "Snapshot %s must be destroyed before it can be "
                        "eradicated." % name, name)
                vols.eradicate_snapshot(array, name)
            else:
                if meta.get("destroyed_at"):
                    raise errors.Destroyed("Snapshot", name)
                meta["destroyed_at"] = util.now()
            array.save()
            return {"name": name}
        if util.flag(params, "eradicate"):
            vols.eradicate(array, name)
            op = "eradicate"
        else:
            vols.check_pod_writable(array, name)
            vols.destroy(array, name)
            op = "destroy"
        array.save()
    vols.mirror_change(array, op, name)
    return {"name": name}


def volume_hosts(array, params, name):
    with array.lock:
        array.live_volume(name)
        return [{"name": name, "host": host_name,
                 "lun": host["connections"][name], "hgroup": None}
                for host_name, host in sorted(array.state["hosts"].items())
                if name in host["connections"]]


ROUTES = [
    ("GET", "volume", list_volumes),
    ("POST", "volume", create_snapshots),
    ("GET", "volume/{name}", get_volume),
    ("POST", "volume/{name}", create_volume),
    ("PUT", "volume/{name}", set_volume),
    ("DELETE", "volume/{name}", delete_volume),
    ("GET", "volume/{name}/host", volume_hosts),
]
