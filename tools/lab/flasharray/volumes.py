"""Volumes and snapshots: the files, their metadata and their views.

A volume is the file ``<volumes-dir>/<name>``; a snapshot is a plain copy in
``.snapshots/<volume>.<suffix>``; a destroyed volume waits for eradication
in ``.destroyed/<name>``.  The REST handlers are in volume_api.py.
"""

import os
import uuid

from tools.lab.flasharray import errors
from tools.lab.flasharray import sparse
from tools.lab.flasharray import util


# -- views ------------------------------------------------------------------
def volume_view(array, name, meta, size, space=False):
    view = {"name": name, "size": size, "serial": meta["serial"],
            "created": util.iso(meta["created"]), "source": meta["source"]}
    if meta.get("destroyed_at"):
        view["time_remaining"] = array.time_remaining(meta["destroyed_at"])
    if space:
        path = (array.files.destroyed_path(name) if meta.get("destroyed_at")
                else array.files.path(name))
        used = os.stat(path).st_blocks * 512
        view.update({"volumes": used, "snapshots": 0, "total": used,
                     "data_reduction": 1.0,
                     "thin_provisioning": round(1 - used / size, 3)
                     if size else 0.0,
                     "shared_space": 0, "system": 0})
    return view


def snapshot_view(array, name, meta):
    view = {"name": name, "size": meta["size"], "serial": meta["serial"],
            "created": util.iso(meta["created"]), "source": meta["source"]}
    if meta.get("destroyed_at"):
        view["time_remaining"] = array.time_remaining(meta["destroyed_at"])
    return view


# -- building blocks (called with array.lock held) --------------------------
def check_pod_writable(array, name):
    pod_name = util.pod_of(name)
    if pod_name is None:
        return None
    pod = array.state["pods"].get(pod_name)
    if pod is None:
        raise errors.NotFound("Pod", pod_name)
    if pod.get("destroyed_at"):
        raise errors.Destroyed("Pod", pod_name)
    if pod.get("promotion") == "demoted":
        raise errors.ArrayError("Pod %s is demoted." % pod_name, pod_name)
    return pod


def check_name_free(array, name, live):
    meta = array.state["volumes"].get(name)
    if meta is not None and meta.get("destroyed_at"):
        raise errors.Destroyed("Volume", name)
    if meta is not None or name in live:
        raise errors.AlreadyExists("Volume", name)


def create(array, name, size=None, source_path=None, source=None):
    """Create a new volume file, empty or as a copy of ``source_path``."""
    tmp = os.path.join(array.files.incoming_dir("new-" + uuid.uuid4().hex))
    try:
        if source_path is not None:
            size = sparse.copy_into(source_path, tmp, create=True)
        else:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            os.ftruncate(fd, size)
            os.close(fd)
        os.link(tmp, array.files.path(name))
    except FileExistsError:
        raise errors.AlreadyExists("Volume", name)
    finally:
        array.files.remove(tmp)
    meta = {"serial": array.new_serial(), "created": util.now(),
            "source": source, "destroyed_at": None}
    array.state["volumes"][name] = meta
    return meta, size


def destroy(array, name):
    meta = array.live_volume(name)
    for host_name, host in array.state["hosts"].items():
        if name in host["connections"]:
            raise errors.ArrayError(
                "Volume %s is connected to host %s; disconnect it before "
                "destroying the volume." % (name, host_name), name)
    os.rename(array.files.path(name), array.files.destroyed_path(name))
    meta["destroyed_at"] = util.now()
    for snap_name, snap in array.state["snapshots"].items():
        if snap["source"] == name and not snap.get("destroyed_at"):
            snap["destroyed_at"] = meta["destroyed_at"]
            snap["destroyed_with_volume"] = True
    return meta


def recover(array, name):
    meta = array.state["volumes"].get(name)
    if meta is None:
        raise errors.NotFound("Volume", name)
    if not meta.get("destroyed_at"):
        return meta
    if array.files.exists(name):
        raise errors.AlreadyExists("Volume", name)
    os.rename(array.files.destroyed_path(name), array.files.path(name))
    meta["destroyed_at"] = None
    for snap in array.state["snapshots"].values():
        if snap["source"] == name and snap.pop("destroyed_with_volume",
                                               False):
            snap["destroyed_at"] = None
    return meta


def eradicate(array, name):
    meta = array.state["volumes"].get(name)
    if meta is None:
        raise errors.NotFound("Volume", name)
    if not meta.get("destroyed_at"):
        raise errors.ArrayError(
            "Volume %s must be destroyed before it can be eradicated." % name,
            name)
    array.files.remove(array.files.destroyed_path(name))
    del array.state["volumes"][name]
    for snap_name in list(array.state["snapshots"]):
        snap = array.state["snapshots"][snap_name]
        if snap["source"] == name and snap.get("destroyed_with_volume"):
            eradicate_snapshot(array, snap_name)
    array.forget_volume(name)


def eradicate_snapshot(array, name):
    array.files.remove(array.files.snapshot_path(name))
    array.state["snapshots"].pop(name, None)


def rename(array, old, new):
    live = array.sync_volumes()
    meta = array.live_volume(old, live)
    util.check_name("Volume", new)
    check_name_free(array, new, live)
    os.rename(array.files.path(old), array.files.path(new))
    array.state["volumes"][new] = array.state["volumes"].pop(old)
    snapshots = array.state["snapshots"]
    for snap_name in list(snapshots):
        snap = snapshots[snap_name]
        if snap["source"] == old and snap_name.startswith(old + "."):
            new_snap = new + snap_name[len(old):]
            os.rename(array.files.snapshot_path(snap_name),
                      array.files.snapshot_path(new_snap))
            snap["source"] = new
            snapshots[new_snap] = snapshots.pop(snap_name)
    for host in array.state["hosts"].values():
        if old in host["connections"]:
            host["connections"][new] = host["connections"].pop(old)
    for group in array.state["pgroups"].values():
        if old in group["volumes"]:
            group["volumes"][group["volumes"].index(old)] = new
    return meta


def resize(array, name, size, truncate=False):
    array.live_volume(name)
    path = array.files.path(name)
    current = os.stat(path).st_size
    if size < current and not truncate:
        raise errors.ArrayError(
            "Implicit truncation not permitted; set truncate to shrink "
            "volume %s." % name, name)
    os.truncate(path, size)
    return size


def snapshot(array, volume, suffix):
    name = "%s.%s" % (volume, suffix)
    if name in array.state["snapshots"]:
        raise errors.AlreadyExists("Snapshot", name)
    size = sparse.copy_into(array.files.path(volume),
                            array.files.snapshot_path(name), create=True)
    meta = {"source": volume, "serial": array.new_serial(),
            "created": util.now(), "size": size, "pgroup_snapshot": None,
            "destroyed_at": None}
    array.state["snapshots"][name] = meta
    return name, meta


def next_suffix(array):
    array.state["serial_counter"] += 1
    return str(array.state["serial_counter"])


def mirror_change(array, op, name, **info):
    """Tell the pod mirror about a change made through the API."""
    if array.mirror is not None:
        array.mirror.volume_changed(op, name, **info)
