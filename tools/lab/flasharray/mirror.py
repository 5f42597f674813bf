"""Keeps the two copies of a stretched pod's volumes identical.

Changes made through the emulator (the REST API, or writes to
``/_emulator/volume/<name>``) are mirrored to the other array before the
request returns.  Cinder writes to the volume files directly, which no
array could see; so the mirror also polls each pod volume file's mtime and
size every ``mirror_interval`` seconds and sends the 1 MiB chunks whose
content changed.  Writes landing on both arrays within one poll interval
can conflict: the last mirrored chunk wins.

While the other array cannot be reached, local changes are recorded as
"offline changes".  When it answers again, the array with offline changes
pushes its copy (a resync: chunks that differ, found by comparing chunk
digests); if both have some, the pod's first array wins.
"""

import hashlib
import logging
import os
import threading

from tools.lab.flasharray import errors
from tools.lab.flasharray import peer
from tools.lab.flasharray import pods
from tools.lab.flasharray import sparse
from tools.lab.flasharray import util

LOG = logging.getLogger(__name__)


def digest(data):
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Mirror(object):

    def __init__(self, array, stop):
        self.array = array
        self.stop = stop
        self.chunk = array.config.chunk_size
        self.lock = threading.Lock()
        # volume -> {chunk index: digest} for non-zero chunks
        self.hashes = {}
        # volume -> [mtime_ns, size] when last hashed
        self.baselines = {}
        self.thread = threading.Thread(target=self._run, daemon=True,
                                       name="mirror-%s" % array.name)

    # -- hashing -------------------------------------------------------------
    def _hash_file(self, path):
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            table = {str(off // self.chunk): digest(data)
                     for off, data in sparse.chunks(f.fileno(), st.st_size,
                                                    self.chunk)}
        return table, [st.st_mtime_ns, st.st_size]

    def _rehash(self, name):
        """Rehash a volume; return the chunk indexes that changed."""
        table, baseline = self._hash_file(self.array.files.path(name))
        old = self.hashes.get(name, {})
        changed = sorted({int(i) for i in set(old) | set(table)
                          if old.get(i) != table.get(i)})
        self.hashes[name] = table
        self.baselines[name] = baseline
        return changed, baseline[1]

    def rebaseline(self, name):
        with self.lock:
            try:
                self._rehash(name)
            except FileNotFoundError:
                self.hashes.pop(name, None)
                self.baselines.pop(name, None)

    # -- lifecycle -----------------------------------------------------------
    def start(self):
        """Hash the stretched pods' volumes and start polling.

        Volumes that changed while the emulator was not running are noted
        as offline changes.
        """
        array = self.array
        with array.lock:
            live = array.sync_volumes()
            for pod_name, p in array.state["pods"].items():
                if p.get("destroyed_at") or len(p["arrays"]) < 2:
                    continue
                names = pods.pod_volumes(array, pod_name, live)
                if set(p["baselines"]) - set(names):
                    p["offline_changes"] = True
                for name in names:
                    self._rehash(name)
                    if p["baselines"].get(name) != self.baselines[name]:
                        p["offline_changes"] = True
                p["baselines"] = {n: self.baselines[n] for n in names}
                if p["offline_changes"]:
                    LOG.info("array %s: pod %s changed while stopped",
                             array.name, pod_name)
            array.save()
        self.thread.start()

    def _run(self):
        while not self.stop.wait(self.array.config.mirror_interval):
            try:
                self.poll()
            except Exception:
                LOG.exception("array %s: mirror poll failed",
                              self.array.name)

    def _stretched(self):
        """[(pod name, peers, resync_to, resync_from, volumes)]."""
        array = self.array
        with array.lock:
            live = array.sync_volumes()
            return [(name, pods.peers(array, p), list(p["resync_to"]),
                     p["resync_from"], pods.pod_volumes(array, name, live))
                    for name, p in array.state["pods"].items()
                    if not p.get("destroyed_at") and len(p["arrays"]) > 1]

    def poll(self):
        for name, peers, resync_to, resync_from, names in self._stretched():
            if resync_from:
                continue
            for member in resync_to:
                if self.array.is_online(member):
                    self.resync(name, member)
            for vol in names:
                try:
                    st = os.stat(self.array.files.path(vol))
                except FileNotFoundError:
                    continue
                if vol not in self.baselines:
                    # A file created in the pod outside the API.
                    self.volume_changed("create", vol, size=st.st_size)
                    continue
                if self.baselines.get(vol) == [st.st_mtime_ns, st.st_size]:
                    continue
                with self.lock:
                    changed, size = self._rehash(vol)
                for member in peers:
                    self._push(name, member, vol, changed, size)
            for vol in [v for v in list(self.baselines)
                        if util.pod_of(v) == name and v not in names]:
                # A file removed outside the API.
                self.volume_changed("destroy", vol)
        self._persist_baselines()

    def _persist_baselines(self):
        with self.array.lock:
            dirty = False
            for name, p in self.array.state["pods"].items():
                if len(p["arrays"]) < 2 or p.get("destroyed_at"):
                    continue
                new = {v: b for v, b in self.baselines.items()
                       if util.pod_of(v) == name}
                if new != p["baselines"]:
                    p["baselines"] = new
                    dirty = True
            if dirty:
                self.array.save()

    def _offline_change(self, pod_name, member, exc=None):
        array = self.array
        if exc is not None:
            LOG.warning("array %s: cannot mirror pod %s to %s: %s",
                        array.name, pod_name, member, exc)
            array.links[member] = False
        with array.lock:
            p = array.state["pods"].get(pod_name)
            if p is not None and not p["offline_changes"]:
                p["offline_changes"] = True
                array.save()

    def _send_chunks(self, client, pod_name, vol, indexes, size):
        url = "/_peer/pods/%s/data/%s" % (peer.quote(pod_name),
                                          peer.quote(vol))
        with open(self.array.files.path(vol), "rb") as f:
            for index in indexes:
                offset = index * self.chunk
                data = os.pread(f.fileno(), self.chunk, offset) if (
                    offset < size) else b""
                client.call("PUT", url, data=data,
                            params={"offset": offset, "size": size})
        if not indexes:
            client.call("PUT", url, data=b"", params={"offset": 0,
                                                      "size": size})

    def _push(self, pod_name, member, vol, indexes, size):
        if not self.array.is_online(member):
            self._offline_change(pod_name, member)
            return
        try:
            client = self.array.peer(member)
            self._send_chunks(client, pod_name, vol, indexes, size)
        except (errors.PeerError, errors.ArrayError, OSError) as exc:
            self._offline_change(pod_name, member, exc)

    # -- changes made through the emulator -----------------------------------
    def volume_changed(self, op, name, size=None, new=None):
        """Mirror a change made through this array's API."""
        pod_name = util.pod_of(name)
        if pod_name is None:
            return
        with self.array.lock:
            p = self.array.state["pods"].get(pod_name)
            if p is None or len(p["arrays"]) < 2:
                return
            members = pods.peers(self.array, p)
            meta = self.array.state["volumes"].get(new or name)
            serial = meta["serial"] if meta else None
        target = new or name
        if op in ("destroy", "eradicate"):
            with self.lock:
                self.hashes.pop(name, None)
                self.baselines.pop(name, None)
            changed = []
        else:
            with self.lock:
                if op == "rename":
                    self.hashes.pop(name, None)
                    self.baselines.pop(name, None)
                changed, size = self._rehash(target)
        for member in members:
            if not self.array.is_online(member):
                self._offline_change(pod_name, member)
                continue
            try:
                client = self.array.peer(member)
                client.call("POST", "/_peer/pods/%s/op" % peer.quote(
                    pod_name), {"op": op, "name": name, "size": size,
                                "new": new, "serial": serial})
                if op in ("create", "overwrite", "recover"):
                    self._send_chunks(client, pod_name, target, changed,
                                      size)
            except (errors.PeerError, errors.ArrayError, OSError) as exc:
                self._offline_change(pod_name, member, exc)

    def write(self, name, offset, data):
        """Write through the emulator.

        The local file first, then the other array, before returning.
        """
        path = self.array.files.path(name)
        with self.lock:
            sparse.write_at(path, offset, data)
            self._rehash(name)
            size = self.baselines[name][1]
        pod_name = util.pod_of(name)
        if pod_name is None:
            return
        with self.array.lock:
            p = self.array.state["pods"].get(pod_name)
            members = pods.peers(self.array, p) if p else []
        for member in members:
            if not self.array.is_online(member):
                self._offline_change(pod_name, member)
                continue
            try:
                self.array.peer(member).call(
                    "PUT", "/_peer/pods/%s/data/%s" % (
                        peer.quote(pod_name), peer.quote(name)),
                    data=data, params={"offset": offset, "size": size})
            except (errors.PeerError, errors.ArrayError, OSError) as exc:
                self._offline_change(pod_name, member, exc)

    # -- receiving -----------------------------------------------------------
    def receive(self, name, offset, data, size):
        with self.lock:
            sparse.write_at(self.array.files.path(name), offset, data, size)
            self._rehash(name)

    # -- resync --------------------------------------------------------------
    def on_peer_online(self, member):
        """Decide, pod by pod, whether this array pushes its copy."""
        array = self.array
        with array.lock:
            shared = [(n, p["offline_changes"], p["arrays"][0]["name"])
                      for n, p in array.state["pods"].items()
                      if not p.get("destroyed_at") and len(p["arrays"]) > 1
                      and member in pods.peers(array, p)]
        for name, mine, first in shared:
            try:
                theirs = array.peer(member, timeout=5).call(
                    "GET", "/_peer/pods/%s" % peer.quote(name))
            except (errors.PeerError, OSError) as exc:
                LOG.warning("array %s: pod %s status from %s: %s",
                            array.name, name, member, exc)
                continue
            if not theirs["exists"]:
                push = True
            elif mine and theirs["offline_changes"]:
                push = first == array.name
            else:
                push = mine
            if push:
                with array.lock:
                    p = array.state["pods"][name]
                    if member not in p["resync_to"]:
                        p["resync_to"].append(member)
                        array.save()
                LOG.info("array %s: will resync pod %s to %s", array.name,
                         name, member)

    def resync(self, pod_name, member):
        array = self.array
        with array.lock:
            p = array.state["pods"][pod_name]
            live = array.sync_volumes()
            sizes = {v: live[v].st_size
                     for v in pods.pod_volumes(array, pod_name, live)}
            serials = {v: array.state["volumes"][v]["serial"]
                       for v in sizes}
            arrays = p["arrays"]
        try:
            client = array.peer(member, timeout=60)
            answer = client.call("POST", "/_peer/pods/%s/resync-begin" %
                                 peer.quote(pod_name), {
                                     "source": array.name, "arrays": arrays,
                                     "volumes": sizes,
                                     "serials": serials})
            sent = 0
            for vol, size in sorted(sizes.items()):
                with self.lock:
                    self._rehash(vol)
                    local = dict(self.hashes[vol])
                remote = answer["hashes"].get(vol, {})
                indexes = sorted({int(i) for i in set(local) | set(remote)
                                  if local.get(i) != remote.get(i)})
                self._send_chunks(client, pod_name, vol, indexes, size)
                sent += len(indexes)
            client.call("POST", "/_peer/pods/%s/resync-end" %
                        peer.quote(pod_name), {})
        except (errors.PeerError, errors.ArrayError, OSError) as exc:
            LOG.warning("array %s: resync of pod %s to %s failed: %s",
                        array.name, pod_name, member, exc)
            array.links[member] = False
            return
        with array.lock:
            p = array.state["pods"][pod_name]
            if member in p["resync_to"]:
                p["resync_to"].remove(member)
            p["offline_changes"] = False
            array.save()
        LOG.info("array %s: resynced pod %s to %s (%d chunks)", array.name,
                 pod_name, member, sent)


# -- peer side --------------------------------------------------------------
def peer_data(array, params, name, volume, data):
    if util.pod_of(volume) != name:
        raise errors.ArrayError(
            "Volume %s is not in pod %s." % (volume, name), volume)
    with array.lock:
        pods.pod(array, name)
        array.live_volume(volume)
    array.mirror.receive(volume, util.integer(params, "offset"), data,
                         util.integer(params, "size"))
    return {"name": volume}


def peer_resync_begin(array, params, name):
    with array.lock:
        p = array.state["pods"].get(name)
        if p is None or p.get("destroyed_at"):
            p = pods.new_pod(params["arrays"])
            array.state["pods"][name] = p
        p["resync_from"] = params["source"]
        live = array.sync_volumes()
        wanted = params["volumes"]
        for vol in pods.pod_volumes(array, name, live):
            if vol not in wanted:
                pods.apply_op(array, "destroy", vol)
        for vol, size in wanted.items():
            pods.apply_op(array, "create", vol, size=size,
                          serial=params.get("serials", {}).get(vol))
        array.save()
    hashes = {}
    for vol in wanted:
        array.mirror.rebaseline(vol)
        hashes[vol] = array.mirror.hashes.get(vol, {})
    return {"hashes": hashes}


def peer_resync_end(array, params, name):
    with array.lock:
        p = pods.pod(array, name)
        p["resync_from"] = None
        p["offline_changes"] = False
        names = pods.pod_volumes(array, name, array.sync_volumes())
        array.save()
    for vol in names:
        array.mirror.rebaseline(vol)
    return {"name": name}


PEER_ROUTES = [
    ("PUT", "pods/{name}/data/{volume}", peer_data, "raw"),
    ("POST", "pods/{name}/resync-begin", peer_resync_begin),
    ("POST", "pods/{name}/resync-end", peer_resync_end),
]
