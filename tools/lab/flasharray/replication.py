"""Asynchronous replication of protection group snapshots.

Source side: a background thread sends each snapshot to each target in
chunks of the snapshot files' data ranges, at most
``replication_bandwidth`` bytes per second, retrying a bounded number of
times while the target cannot be reached.

Target side: the snapshot ``<source>:<group>.<suffix>`` exists from the
first byte on, with honest transfer fields (``progress`` is the share of the
source's data ranges received, ``completed`` stays empty until every byte
is in place); its volume snapshots ``<source>:<group>.<suffix>.<volume>``
appear only once the transfer is complete.
"""

import logging
import os
import queue
import threading
import time
import uuid

from tools.lab.flasharray import errors
from tools.lab.flasharray import peer
from tools.lab.flasharray import pgroups
from tools.lab.flasharray import sparse
from tools.lab.flasharray import util

LOG = logging.getLogger(__name__)
MAX_ATTEMPTS = 30
RETRY_DELAY = 2.0
SAVE_EVERY = 1.0


class Replicator(object):
    """Sends protection group snapshots to target arrays."""

    def __init__(self, array, stop):
        self.array = array
        self.stop = stop
        self.queue = queue.Queue()
        self.thread = threading.Thread(target=self._run, daemon=True,
                                       name="replicator-%s" % array.name)
        self._last_save = 0.0

    def start(self):
        with self.array.lock:
            for name, snap in sorted(
                    self.array.state["pgroup_snapshots"].items(),
                    key=lambda i: i[1]["created"]):
                for target, t in snap.get("replication", {}).items():
                    if t["status"] in ("queued", "running", "retrying"):
                        self.queue.put((name, target))
        self.thread.start()

    def check_allowed(self, group, target):
        """Refuse now if ``target`` has not allowed the group.

        An unreachable target is left to the retries.
        """
        remote = "%s:%s" % (self.array.name, group)
        try:
            answer = self.array.peer(target, timeout=5).call(
                "GET", "/_peer/pgroups/%s" % peer.quote(remote))
        except errors.PeerError as exc:
            raise errors.ArrayError(exc.message(), target)
        except OSError:
            return
        if not answer.get("allowed"):
            raise errors.ArrayError(
                "Replication of protection group %s to array %s is not "
                "allowed: %s has not allowed %s." % (
                    group, target, target, remote), remote)

    def submit(self, snap_name, target):
        with self.array.lock:
            snap = self.array.state["pgroup_snapshots"][snap_name]
            snap["replication"][target] = {
                "status": "queued", "started": None, "completed": None,
                "progress": 0.0, "data_transferred": 0, "error": None}
            self.array.save()
        self.queue.put((snap_name, target))

    def _run(self):
        while not self.stop.is_set():
            try:
                snap_name, target = self.queue.get(timeout=0.5)
            except queue.Empty:
                continue
            try:
                self._replicate(snap_name, target)
            except Exception:
                LOG.exception("array %s: replication of %s to %s failed",
                              self.array.name, snap_name, target)
                self._mark(snap_name, target, status="failed",
                           error="internal error", save=True)

    def _replicate(self, snap_name, target):
        for attempt in range(1, MAX_ATTEMPTS + 1):
            if self.stop.is_set():
                return
            try:
                self._send(snap_name, target)
                return
            except errors.PeerError as exc:
                if exc.status < 500:
                    LOG.warning("array %s: %s refused %s: %s",
                                self.array.name, target, snap_name,
                                exc.message())
                    self._mark(snap_name, target, status="refused",
                               error=exc.message(), save=True)
                    return
                error = exc.message()
            except (OSError, errors.ArrayError) as exc:
                error = str(exc)
            LOG.info("array %s: sending %s to %s failed (attempt %d): %s",
                     self.array.name, snap_name, target, attempt, error)
            self._mark(snap_name, target, status="retrying", error=error,
                       save=True)
            self.stop.wait(RETRY_DELAY)
        self._mark(snap_name, target, status="failed", error=error,
                   save=True)

    def _mark(self, snap_name, target, save=False, **fields):
        with self.array.lock:
            snap = self.array.state["pgroup_snapshots"].get(snap_name)
            if snap is None or target not in snap.get("replication", {}):
                return
            snap["replication"][target].update(fields)
            now = time.monotonic()
            if save or now - self._last_save >= SAVE_EVERY:
                self._last_save = now
                self.array.save()

    def _send(self, snap_name, target):
        array = self.array
        with array.lock:
            snap = array.state["pgroup_snapshots"].get(snap_name)
            if snap is None or snap.get("destroyed_at"):
                return
            files = []
            for vol_snap in snap["volumes"]:
                meta = array.state["snapshots"][vol_snap]
                files.append((meta["source"],
                              array.files.snapshot_path(vol_snap),
                              meta["size"]))
            remote = "%s:%s" % (array.name, snap_name)
            body = {"group": "%s:%s" % (array.name, snap["source"]),
                    "snapshot": remote, "created": snap["created"],
                    "volumes": [{"name": v, "size": s} for v, _, s in files]}
            client = array.peer(target, timeout=30)
        total = 0
        for _, path, size in files:
            with open(path, "rb") as f:
                total += sum(n for _, n in sparse.data_extents(f.fileno(),
                                                               size))
        body["total"] = total
        started = util.now()
        self._mark(snap_name, target, status="running", started=started,
                   progress=0.0, data_transferred=0, error=None, save=True)
        client.call("POST", "/_peer/transfers", body)
        processed = sent = 0
        clock = time.monotonic()
        bandwidth = array.config.replication_bandwidth
        chunk = array.config.chunk_size
        for volume, path, size in files:
            url = "/_peer/transfers/%s/%s" % (peer.quote(remote),
                                              peer.quote(volume))
            with open(path, "rb") as f:
                for start, length in list(sparse.data_extents(f.fileno(),
                                                              size)):
                    for offset in range(start, start + length, chunk):
                        if self.stop.is_set():
                            raise OSError("emulator stopping")
                        data = os.pread(f.fileno(),
                                        min(chunk, start + length - offset),
                                        offset)
                        processed += len(data)
                        if sparse.is_zero(data):
                            continue
                        client.call("PUT", url, data=data, params={
                            "offset": offset, "processed": processed})
                        sent += len(data)
                        self._mark(snap_name, target,
                                   progress=_progress(processed, total),
                                   data_transferred=sent)
                        if bandwidth:
                            ahead = sent / bandwidth - (time.monotonic() -
                                                        clock)
                            if ahead > 0:
                                self.stop.wait(ahead)
        client.call("POST", "/_peer/transfers/%s/complete" % peer.quote(
            remote), {"processed": processed})
        self._mark(snap_name, target, status="done", progress=1.0,
                   completed=util.now(), data_transferred=sent, save=True)
        LOG.info("array %s: sent %s to %s (%d bytes)", array.name,
                 snap_name, target, sent)


def _progress(processed, total):
    if not total:
        return 0.0
    return min(processed / total, 0.999)


# -- target side: groups replicated here ------------------------------------
def _source_of(array, remote_name):
    source, sep, group = remote_name.partition(":")
    if not sep or not group:
        raise errors.ArrayError("Invalid replicated name.", remote_name)
    array.connection(source)
    return source, group


def peer_upsert_group(array, params, name):
    with array.lock:
        source, _ = _source_of(array, name)
        g = array.state["pgroups"].get(name)
        if g is None:
            g = pgroups.new_group(source, "target")
            g["targets"] = [{"name": array.name, "allowed": False}]
            array.state["pgroups"][name] = g
        g["destroyed_at"] = None
        g.pop("source_removed", None)
        if params.get("retention"):
            g["retention"].update(params["retention"])
        array.save()
        return {"allowed": g["targets"][0]["allowed"]}


def peer_get_group(array, params, name):
    with array.lock:
        g = array.state["pgroups"].get(name)
        if g is None or g.get("destroyed_at") or g["kind"] != "target":
            return {"exists": False, "allowed": False}
        return {"exists": True, "allowed": g["targets"][0]["allowed"]}


def peer_remove_group(array, params, name):
    with array.lock:
        g = array.state["pgroups"].get(name)
        if g is not None and g["kind"] == "target":
            if any(s["source"] == name for s in
                   array.state["pgroup_snapshots"].values()):
                # Keep the replicated snapshots: they are what a failover
                # recovers from.
                g["source_removed"] = True
            else:
                del array.state["pgroups"][name]
            array.save()
        return {"name": name}


def peer_allowed(array, params, name):
    """The target tells the source its ``allowed`` changed."""
    with array.lock:
        g = array.state["pgroups"].get(name)
        if g is not None:
            for t in g["targets"]:
                if t["name"] == params.get("target"):
                    t["allowed"] = bool(params.get("allowed"))
            array.save()
        return {"name": name}


def receive_start(array, params):
    group_name = params["group"]
    name = params["snapshot"]
    with array.lock:
        _source_of(array, group_name)
        g = array.state["pgroups"].get(group_name)
        if g is None or g["kind"] != "target":
            raise errors.NotFound("Protection group", group_name)
        if g.get("destroyed_at"):
            raise errors.Destroyed("Protection group", group_name)
        if not g["targets"][0]["allowed"]:
            raise errors.ArrayError(
                "Protection group %s is not allowed on %s; replication "
                "refused." % (group_name, array.name), group_name)
        snaps = array.state["pgroup_snapshots"]
        old = snaps.get(name)
        if old is not None:
            if old["transfer"]["completed"]:
                raise errors.AlreadyExists("Protection group snapshot", name)
            array.files.remove_tree(array.files.incoming_dir(
                old["transfer"]["id"]))
        transfer_id = uuid.uuid4().hex
        directory = array.files.incoming_dir(transfer_id)
        os.makedirs(directory)
        sizes = {}
        for vol in params["volumes"]:
            path = os.path.join(directory, peer.quote(vol["name"]))
            with open(path, "wb") as f:
                f.truncate(int(vol["size"]))
            sizes[vol["name"]] = int(vol["size"])
        snaps[name] = {
            "source": group_name, "kind": "replica",
            "created": float(params["created"]), "destroyed_at": None,
            "volumes": [],
            "transfer": {"id": transfer_id, "started": util.now(),
                         "completed": None, "progress": 0.0,
                         "data_transferred": 0,
                         "total": int(params["total"]), "files": sizes}}
        array.save()
        LOG.info("array %s: receiving %s (%d bytes of data)", array.name,
                 name, int(params["total"]))
        return {"name": name}


def _incoming(array, name):
    snap = array.state["pgroup_snapshots"].get(name)
    if snap is None or snap["kind"] != "replica":
        raise errors.NotFound("Protection group snapshot", name)
    if snap.get("destroyed_at"):
        raise errors.Destroyed("Protection group snapshot", name)
    if snap["transfer"]["completed"]:
        raise errors.ArrayError("Transfer of %s is complete." % name, name)
    return snap


def receive_chunk(array, params, name, volume, data):
    offset = util.integer(params, "offset")
    with array.lock:
        snap = _incoming(array, name)
        transfer = snap["transfer"]
        size = transfer["files"].get(volume)
        if size is None or offset + len(data) > size:
            raise errors.ArrayError("Chunk outside volume %s." % volume,
                                    volume)
        path = os.path.join(array.files.incoming_dir(transfer["id"]),
                            peer.quote(volume))
    fd = os.open(path, os.O_WRONLY)
    try:
        os.pwrite(fd, data, offset)
    finally:
        os.close(fd)
    with array.lock:
        transfer["data_transferred"] += len(data)
        transfer["progress"] = _progress(
            util.integer(params, "processed"), transfer["total"])
    return {"name": name}


def receive_complete(array, params, name):
    with array.lock:
        snap = _incoming(array, name)
        transfer = snap["transfer"]
        directory = array.files.incoming_dir(transfer["id"])
        source = name.partition(":")[0]
        for volume, size in sorted(transfer["files"].items()):
            path = os.path.join(directory, peer.quote(volume))
            os.truncate(path, size)
            with open(path, "rb") as f:
                os.fsync(f.fileno())
            vol_snap = "%s.%s" % (name, volume)
            os.rename(path, array.files.snapshot_path(vol_snap))
            array.state["snapshots"][vol_snap] = {
                "source": "%s:%s" % (source, volume),
                "serial": array.new_serial(), "created": snap["created"],
                "size": size, "pgroup_snapshot": name, "destroyed_at": None}
            snap["volumes"].append(vol_snap)
        array.files.remove_tree(directory)
        transfer["completed"] = util.now()
        transfer["progress"] = 1.0
        array.save()
    LOG.info("array %s: received %s", array.name, name)
    return {"name": name}


PEER_ROUTES = [
    ("GET", "pgroups/{name}", peer_get_group),
    ("PUT", "pgroups/{name}", peer_upsert_group),
    ("DELETE", "pgroups/{name}", peer_remove_group),
    ("POST", "pgroups/{name}/allowed", peer_allowed),
    ("POST", "transfers", receive_start),
    ("PUT", "transfers/{name}/{volume}", receive_chunk, "raw"),
    ("POST", "transfers/{name}/complete", receive_complete),
]
