"""The emulated array: its configuration, persistent state, volume files and
the lock that serialises every change to them."""

import dataclasses
import os
import secrets
import threading
import uuid

from tools.lab.flasharray import errors
from tools.lab.flasharray import files
from tools.lab.flasharray import peer
from tools.lab.flasharray import sparse
from tools.lab.flasharray import state
from tools.lab.flasharray import util

PURITY_VERSION = "5.3.0"
MAX_SESSIONS = 256


@dataclasses.dataclass
class Config(object):
    name: str
    volumes_dir: str
    state_dir: str
    host: str = "127.0.0.1"
    port: int = 8443
    api_token: str = None
    username: str = "pureuser"
    password: str = "pureuser"
    chunk_size: int = sparse.CHUNK
    replication_bandwidth: int = 0
    mirror_interval: float = 0.5
    heartbeat_interval: float = 1.0
    scheduler_interval: float = 1.0
    destroyed_retention: int = 86400


class Array(object):

    def __init__(self, config):
        if not util.is_object_name(config.name) or "::" in config.name:
            raise ValueError("invalid array name %r" % config.name)
        self.config = config
        self.lock = threading.RLock()
        os.makedirs(config.state_dir, exist_ok=True)
        self.files = files.VolumeFiles(config.volumes_dir)
        self._state_file = state.StateFile(config.state_dir)
        self.state = self._state_file.load() or state.fresh(config.name)
        if self.state["array"]["name"] != config.name:
            raise RuntimeError(
                "state in %s belongs to array %s, not %s" % (
                    config.state_dir, self.state["array"]["name"],
                    config.name))
        self.address = "%s:%s" % (config.host, config.port)
        self.sessions = {}
        # peer name -> True (answers) / False (does not); set by heartbeat
        self.links = {}
        # set by the emulator: replication.Replicator and pods.Mirror
        self.replicator = None
        self.mirror = None
        self.api_token = self._ensure_token(config.api_token)
        self.save()

    # -- identity ------------------------------------------------------------
    @property
    def name(self):
        return self.state["array"]["name"]

    @property
    def id(self):
        return self.state["array"]["id"]

    @property
    def connection_key(self):
        return self.state["array"]["connection_key"]

    def save(self):
        with self.lock:
            self._state_file.save(self.state)

    # -- authentication ------------------------------------------------------
    def _ensure_token(self, token):
        tokens = self.state["api_tokens"]
        if token and token not in tokens:
            tokens[token] = {"username": self.config.username,
                             "created": util.now()}
        if not tokens:
            tokens[str(uuid.uuid4())] = {"username": self.config.username,
                                         "created": util.now()}
        if token:
            return token
        return sorted(tokens, key=lambda t: tokens[t]["created"])[0]

    def token_user(self, token):
        entry = self.state["api_tokens"].get(token or "")
        return entry["username"] if entry else None

    def start_session(self, username):
        with self.lock:
            if len(self.sessions) >= MAX_SESSIONS:
                oldest = min(self.sessions, key=lambda s: self.sessions[s][1])
                del self.sessions[oldest]
            session = secrets.token_urlsafe(24)
            self.sessions[session] = (username, util.now())
            return session

    def session_user(self, session):
        entry = self.sessions.get(session or "")
        return entry[0] if entry else None

    def end_session(self, session):
        with self.lock:
            self.sessions.pop(session, None)

    # -- volumes -------------------------------------------------------------
    def new_serial(self):
        with self.lock:
            self.state["serial_counter"] += 1
            prefix = self.id.replace("-", "")[:16].upper()
            return "%s%08X" % (prefix, self.state["serial_counter"])

    def sync_volumes(self):
        """Bring volume metadata in line with the files.

        Returns the live volume files as {name: os.stat_result}.
        """
        with self.lock:
            live = self.files.live()
            volumes = self.state["volumes"]
            for name, st in live.items():
                meta = volumes.get(name)
                if meta is None or meta.get("destroyed_at"):
                    if meta is not None:
                        # A file appeared under a destroyed volume's name.
                        continue
                    volumes[name] = {"serial": self.new_serial(),
                                     "created": st.st_mtime,
                                     "source": None,
                                     "destroyed_at": None}
            for name in list(volumes):
                meta = volumes[name]
                if not meta.get("destroyed_at") and name not in live:
                    # Removed or renamed outside the API (e.g. by Cinder).
                    del volumes[name]
                    self.forget_volume(name)
            return live

    def forget_volume(self, name):
        """Drop a volume that no longer exists from every reference."""
        for host in self.state["hosts"].values():
            host["connections"].pop(name, None)
        for group in self.state["pgroups"].values():
            if name in group["volumes"]:
                group["volumes"].remove(name)

    def live_volume(self, name, live=None):
        """Metadata of a live volume, or the error a real array gives."""
        live = self.sync_volumes() if live is None else live
        meta = self.state["volumes"].get(name)
        if meta is None:
            raise errors.NotFound("Volume", name)
        if meta.get("destroyed_at") or name not in live:
            raise errors.Destroyed("Volume", name)
        return meta

    def snapshot(self, name, pending=False):
        meta = self.state["snapshots"].get(name)
        if meta is None:
            raise errors.ArrayError("No such volume or snapshot.", name)
        if meta.get("destroyed_at") and not pending:
            raise errors.Destroyed("Snapshot", name)
        return meta

    def source_path(self, name):
        """Path and source volume of a volume or snapshot to copy from."""
        if name in self.state["snapshots"]:
            meta = self.snapshot(name)
            return self.files.snapshot_path(name), meta["source"]
        self.live_volume(name)
        return self.files.path(name), name

    def time_remaining(self, destroyed_at):
        if not destroyed_at:
            return None
        left = destroyed_at + self.config.destroyed_retention - util.now()
        return max(0, int(left))

    # -- connected arrays ----------------------------------------------------
    def connection(self, name):
        conn = self.state["connections"].get(name)
        if conn is None:
            raise errors.ArrayError("Array %s is not connected." % name, name)
        return conn

    def peer(self, name, timeout=10):
        conn = self.connection(name)
        return peer.PeerClient(conn["management_address"], conn["key"],
                               timeout=timeout)

    def is_online(self, name):
        return self.links.get(name, False)
