"""Endpoints of the emulator itself, not of REST 1.x.

They live under ``/_emulator/`` and take a REST session or an
``api-token`` header:

``PUT /_emulator/volume/<name>?offset=N``
    Write the request body into the volume at ``offset``, through the
    emulator: a volume of a stretched pod is written on the other array too
    before the answer.

``POST /_emulator/reset`` (``{"volumes": true}`` to include volumes)
    What ``labctl reset`` needs: eradicate every protection group and
    group snapshot, snapshot, host, pod (with its volumes) and destroyed
    volume of this array; with ``volumes``, every volume file too.  Array
    connections stay.  Reset both arrays of a stretched pod.
"""

import json
import os

from tools.lab.flasharray import util
from tools.lab.flasharray import volumes


def write(array, params, name, data):
    with array.lock:
        array.live_volume(name)
        volumes.check_pod_writable(array, name)
    array.mirror.write(name, util.integer(params, "offset"), data)
    return {"name": name, "offset": int(params["offset"]),
            "length": len(data)}


def reset(array, params, data):
    body = json.loads(data) if data else {}
    with array.lock:
        state = array.state
        counts = {"pgroups": len(state["pgroups"]),
                  "pgroup_snapshots": len(state["pgroup_snapshots"]),
                  "snapshots": len(state["snapshots"]),
                  "hosts": len(state["hosts"]), "pods": len(state["pods"])}
        for name, snap in list(state["pgroup_snapshots"].items()):
            if snap["kind"] == "replica":
                array.files.remove_tree(array.files.incoming_dir(
                    snap["transfer"]["id"]))
        for name in list(state["snapshots"]):
            volumes.eradicate_snapshot(array, name)
        state["pgroup_snapshots"].clear()
        state["pgroups"].clear()
        state["hosts"].clear()
        live = array.sync_volumes()
        for name in live:
            if util.pod_of(name) or body.get("volumes"):
                pod = state["pods"].get(util.pod_of(name) or "", {})
                mode = pod.get("demoted_modes", {}).get(name)
                if mode is not None:
                    os.chmod(array.files.path(name), mode)
                volumes.destroy(array, name)
        state["pods"].clear()
        removed = 0
        for name, meta in list(state["volumes"].items()):
            if meta.get("destroyed_at"):
                volumes.eradicate(array, name)
                removed += 1
        counts["volumes_eradicated"] = removed
        array.save()
    if array.mirror is not None:
        with array.mirror.lock:
            array.mirror.hashes.clear()
            array.mirror.baselines.clear()
    return counts


ROUTES = [
    ("PUT", "volume/{name}", write, "raw"),
    ("POST", "reset", reset, "raw"),
]
