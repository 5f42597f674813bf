"""The array's clock-driven work: scheduled protection group snapshots and
replication, retention of group snapshots (source and target settings), and
eradication of objects destroyed longer ago than the retention time."""

import logging
import threading

from tools.lab.flasharray import pgroups
from tools.lab.flasharray import util
from tools.lab.flasharray import volumes as vols

LOG = logging.getLogger(__name__)
DAY = 86400


def expired(snapshots, now, all_for, per_day, days):
    """Names to destroy among ``snapshots`` [(name, created)].

    All are kept for ``all_for`` seconds, then ``per_day`` a day (the
    newest of each day) for ``days`` days, then none.
    """
    doomed = []
    kept_per_day = {}
    for name, created in sorted(snapshots, key=lambda s: -s[1]):
        age = now - created
        if age < all_for:
            continue
        day = int((age - all_for) // DAY)
        if day >= days or kept_per_day.get(day, 0) >= per_day:
            doomed.append(name)
        else:
            kept_per_day[day] = kept_per_day.get(day, 0) + 1
    return doomed


def apply_retention(array, now=None):
    """Destroy group snapshots past retention (lock held); return count."""
    now = util.now() if now is None else now
    count = 0
    snaps = array.state["pgroup_snapshots"]
    for group_name, g in array.state["pgroups"].items():
        r = g["retention"]
        if g["kind"] == "local":
            candidates = [(n, s["created"]) for n, s in snaps.items()
                          if s["source"] == group_name and s.get("scheduled")
                          and not s.get("destroyed_at")]
            limits = (r["all_for"], r["per_day"], r["days"])
        else:
            candidates = [(n, s["created"]) for n, s in snaps.items()
                          if s["source"] == group_name
                          and s["transfer"]["completed"]
                          and not s.get("destroyed_at")]
            limits = (r["target_all_for"], r["target_per_day"],
                      r["target_days"])
        for name in expired(candidates, now, *limits):
            LOG.info("array %s: retention destroys %s", array.name, name)
            pgroups.destroy_snapshot(array, name)
            count += 1
    return count


def eradicate_expired(array, now=None):
    """Eradicate what was destroyed longer ago than the retention time."""
    now = util.now() if now is None else now
    limit = now - array.config.destroyed_retention

    def old(meta):
        return meta.get("destroyed_at") and meta["destroyed_at"] <= limit

    count = 0
    for name in [n for n, s in array.state["pgroup_snapshots"].items()
                 if old(s)]:
        pgroups.eradicate_snapshot(array, name)
        count += 1
    for name in [n for n, s in array.state["snapshots"].items() if old(s)]:
        vols.eradicate_snapshot(array, name)
        count += 1
    for name in [n for n, v in array.state["volumes"].items() if old(v)]:
        vols.eradicate(array, name)
        count += 1
    for name in [n for n, g in array.state["pgroups"].items() if old(g)]:
        del array.state["pgroups"][name]
        count += 1
    for name in [n for n, p in array.state["pods"].items() if old(p)]:
        del array.state["pods"][name]
        count += 1
    return count


def due_snapshots(array, now=None):
    """Take the scheduled snapshots that are due (lock held).

    Returns [(snapshot, [targets to replicate it to])].
    """
    now = util.now() if now is None else now
    due = []
    for name, g in array.state["pgroups"].items():
        if g["kind"] != "local" or g.get("destroyed_at"):
            continue
        s = g["schedule"]
        if s["snap_enabled"] and now - g["last_snap"] >= s["snap_frequency"]:
            g["last_snap"] = now
            snap = pgroups.take_snapshot(array, name, vols.next_suffix(array),
                                         scheduled=True)
            due.append((snap, []))
        if (s["replicate_enabled"] and g["targets"] and
                now - g["last_replicate"] >= s["replicate_frequency"]):
            g["last_replicate"] = now
            snap = pgroups.take_snapshot(array, name, vols.next_suffix(array),
                                         scheduled=True)
            due.append((snap, [t["name"] for t in g["targets"]
                               if t["allowed"]]))
    return due


class Scheduler(object):

    def __init__(self, array, stop):
        self.array = array
        self.stop = stop
        self.thread = threading.Thread(target=self._run, daemon=True,
                                       name="scheduler-%s" % array.name)

    def start(self):
        self.thread.start()

    def _run(self):
        while not self.stop.wait(self.array.config.scheduler_interval):
            try:
                self.tick()
            except Exception:
                LOG.exception("array %s: scheduler tick failed",
                              self.array.name)

    def tick(self):
        with self.array.lock:
            due = due_snapshots(self.array)
            changed = apply_retention(self.array)
            changed += eradicate_expired(self.array)
            if due or changed:
                self.array.save()
        for snap, targets in due:
            for target in targets:
                self.array.replicator.submit(snap, target)
