"""Protection groups and their snapshots: records, views and naming.

A group made here lists volumes (or hosts, whose connected volumes it then
protects) and target arrays.  A group replicated here from array A appears
as ``A:<group>``; it accepts replication only once ``allowed`` is set on
it.  Snapshots of a group are named ``<group>.<suffix>``; the snapshot of
volume V in it is ``<group>.<suffix>.V`` (``A:<group>.<suffix>.V`` once
replicated to another array).  The REST handlers are in pgroup_api.py.
"""

import logging

from tools.lab.flasharray import errors
from tools.lab.flasharray import sparse
from tools.lab.flasharray import util
from tools.lab.flasharray import volumes as vols

LOG = logging.getLogger(__name__)

SCHEDULE = {"snap_enabled": False, "snap_frequency": 3600, "snap_at": None,
            "replicate_enabled": False, "replicate_frequency": 14400,
            "replicate_at": None, "replicate_blackout": None}
RETENTION = {"all_for": 86400, "per_day": 4, "days": 7,
             "target_all_for": 86400, "target_per_day": 4, "target_days": 7}
INT_SETTINGS = ("snap_frequency", "replicate_frequency", "all_for",
                "per_day", "days", "target_all_for", "target_per_day",
                "target_days")


def new_group(source, kind):
    return {"source": source, "kind": kind, "volumes": [], "hosts": [],
            "hgroups": [], "targets": [], "created": util.now(),
            "destroyed_at": None, "schedule": dict(SCHEDULE),
            "retention": dict(RETENTION), "last_snap": util.now(),
            "last_replicate": util.now()}


def group(array, name, pending=False):
    g = array.state["pgroups"].get(name)
    if g is None:
        raise errors.NotFound("Protection group", name)
    if g.get("destroyed_at") and not pending:
        raise errors.Destroyed("Protection group", name)
    return g


def local_group(array, name):
    g = group(array, name)
    if g["kind"] != "local":
        raise errors.ArrayError(
            "Protection group %s is replicated from array %s and cannot be "
            "changed here." % (name, g["source"]), name)
    return g


def group_view(array, name, g):
    view = {"name": name, "source": g["source"],
            "hgroups": list(g["hgroups"]) or None,
            "hosts": list(g["hosts"]) or None,
            "volumes": list(g["volumes"]) or None,
            "targets": [dict(t) for t in g["targets"]] or None}
    if g.get("destroyed_at"):
        view["time_remaining"] = array.time_remaining(g["destroyed_at"])
    return view


def members(array, g, live):
    names = [v for v in g["volumes"] if v in live]
    for host_name in g["hosts"]:
        host = array.state["hosts"].get(host_name)
        for vol in sorted(host["connections"]) if host else ():
            if vol in live and vol not in names:
                names.append(vol)
    return names


def snapshot_view(array, name, snap, transfer=False):
    view = {"name": name, "source": snap["source"],
            "created": util.iso(snap["created"])}
    if snap.get("destroyed_at"):
        view["time_remaining"] = array.time_remaining(snap["destroyed_at"])
    if transfer:
        t = transfer_state(snap)
        view.update({"started": util.iso(t["started"]),
                     "completed": util.iso(t["completed"]),
                     "progress": t["progress"],
                     "data_transferred": t["data_transferred"],
                     "physical_bytes_written": t["data_transferred"]})
    return view


def transfer_state(snap):
    """Transfer fields of a snapshot as this array knows them.

    On a target: the bytes received; on the source: the slowest target.
    """
    if snap["kind"] == "replica":
        return snap["transfer"]
    outgoing = list(snap.get("replication", {}).values())
    if not outgoing:
        return {"started": None, "completed": None, "progress": None,
                "data_transferred": 0}
    slowest = min(outgoing, key=lambda t: t["progress"] or 0.0)
    completed = (max(t["completed"] for t in outgoing)
                 if all(t["completed"] for t in outgoing) else None)
    return {"started": min(t["started"] or util.now() for t in outgoing),
            "completed": completed, "progress": slowest["progress"],
            "data_transferred": sum(t["data_transferred"]
                                    for t in outgoing)}


def take_snapshot(array, name, suffix, scheduled=False):
    """Snapshot every member volume of local group ``name`` (lock held)."""
    g = local_group(array, name)
    live = array.sync_volumes()
    snap_name = "%s.%s" % (name, suffix)
    if snap_name in array.state["pgroup_snapshots"]:
        raise errors.AlreadyExists("Protection group snapshot", snap_name)
    created = util.now()
    volume_snaps = []
    for vol in members(array, g, live):
        vol_snap = "%s.%s" % (snap_name, vol)
        sparse.copy_into(array.files.path(vol),
                         array.files.snapshot_path(vol_snap), create=True)
        array.state["snapshots"][vol_snap] = {
            "source": vol, "serial": array.new_serial(), "created": created,
            "size": array.files.size(array.files.path(vol)),
            "pgroup_snapshot": snap_name, "destroyed_at": None}
        volume_snaps.append(vol_snap)
    array.state["pgroup_snapshots"][snap_name] = {
        "source": name, "kind": "local", "created": created,
        "destroyed_at": None, "volumes": volume_snaps,
        "scheduled": scheduled, "replication": {}}
    LOG.info("array %s: snapshot %s of %d volume(s)", array.name, snap_name,
             len(volume_snaps))
    return snap_name


def destroy_snapshot(array, name, when=None):
    snap = array.state["pgroup_snapshots"][name]
    snap["destroyed_at"] = when or util.now()
    for vol_snap in snap["volumes"]:
        meta = array.state["snapshots"].get(vol_snap)
        if meta and not meta.get("destroyed_at"):
            meta["destroyed_at"] = snap["destroyed_at"]


def eradicate_snapshot(array, name):
    snap = array.state["pgroup_snapshots"].pop(name)
    for vol_snap in snap["volumes"]:
        vols.eradicate_snapshot(array, vol_snap)
    if snap["kind"] == "replica" and not snap["transfer"]["completed"]:
        array.files.remove_tree(array.files.incoming_dir(
            snap["transfer"]["id"]))


def snapshots_of(array, name):
    return [n for n, s in array.state["pgroup_snapshots"].items()
            if s["source"] == name]
