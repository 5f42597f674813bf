"""The array's persistent state: one JSON file, rewritten atomically after
every change, so a restarted emulator keeps its tokens, connections,
protection groups, pods and snapshot metadata."""

import json
import os
import uuid

from tools.lab.flasharray import util

FORMAT = 1


def fresh(name):
    return {
        "format": FORMAT,
        "array": {"name": name, "id": str(uuid.uuid4()),
                  "connection_key": str(uuid.uuid4()),
                  "created": util.now()},
        "api_tokens": {},
        "serial_counter": 0,
        # name -> {serial, created, source, destroyed_at}
        "volumes": {},
        # name -> {source, serial, created, size, pgroup_snapshot,
        #          destroyed_at}; the bytes are in .snapshots/<name>
        "snapshots": {},
        # name -> {iqn, wwn, nqn, personality, connections: {vol: lun}}
        "hosts": {},
        # name -> see pgroups.py (local groups and groups replicated
        # here from a connected array, named <array>:<group>)
        "pgroups": {},
        # <group>.<suffix> -> see pgroups.py and replication.py
        "pgroup_snapshots": {},
        # peer array name -> {id, management_address, key, type, ...}
        "connections": {},
        # name -> see pods.py
        "pods": {},
    }


class StateFile(object):

    def __init__(self, directory):
        self.path = os.path.join(directory, "state.json")

    def load(self):
        try:
            with open(self.path) as f:
                data = json.load(f)
        except FileNotFoundError:
            return None
        if data.get("format") != FORMAT:
            raise RuntimeError("unknown state format in %s" % self.path)
        return data

    def save(self, data):
        tmp = self.path + ".tmp"
        # It holds the API tokens and connection keys.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
