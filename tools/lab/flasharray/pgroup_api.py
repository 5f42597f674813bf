"""REST handlers of protection groups (``pgroup`` endpoints).

The model (groups, their snapshots, naming) is in pgroups.py.
"""

import logging

from tools.lab.flasharray import errors
from tools.lab.flasharray import peer
from tools.lab.flasharray import pgroups
from tools.lab.flasharray import util
from tools.lab.flasharray import volumes as vols

LOG = logging.getLogger(__name__)


def list_pgroups(array, params, name=None):
    pending_only = util.flag(params, "pending_only")
    pending = pending_only or util.flag(params, "pending")
    names = util.name_list(params, "names")
    if name is not None:
        names = [name]
    with array.lock:
        if util.flag(params, "snap"):
            transfer = util.flag(params, "transfer")
            result = []
            for snap_name, snap in sorted(
                    array.state["pgroup_snapshots"].items()):
                destroyed = bool(snap.get("destroyed_at"))
                if (destroyed and not pending) or (
                        pending_only and not destroyed):
                    continue
                if names and snap["source"] not in names and (
                        snap_name not in names):
                    continue
                result.append(pgroups.snapshot_view(array, snap_name, snap,
                                                    transfer))
            if names:
                for n in names:
                    if n not in array.state["pgroups"] and (
                            n not in array.state["pgroup_snapshots"]):
                        raise errors.NotFound("Protection group", n)
            return result
        result = []
        for group_name, g in sorted(array.state["pgroups"].items()):
            destroyed = bool(g.get("destroyed_at"))
            if names and group_name not in names:
                continue
            if (destroyed and not pending) or (
                    pending_only and not destroyed):
                if name is not None and destroyed:
                    raise errors.Destroyed("Protection group", name)
                continue
            if util.flag(params, "schedule"):
                view = dict(g["schedule"], name=group_name)
            elif util.flag(params, "retention"):
                view = dict(g["retention"], name=group_name)
            else:
                view = pgroups.group_view(array, group_name, g)
            result.append(view)
        if names:
            for n in names:
                if n not in array.state["pgroups"]:
                    raise errors.NotFound("Protection group", n)
        return result


def get_pgroup(array, params, name):
    if "." in name and not util.flag(params, "snap"):
        with array.lock:
            snap = array.state["pgroup_snapshots"].get(name)
            if snap is None:
                raise errors.NotFound("Protection group snapshot", name)
            return pgroups.snapshot_view(array, name, snap,
                                         util.flag(params, "transfer"))
    result = list_pgroups(array, params, name)
    if util.flag(params, "snap"):
        return result
    return result[0]


def _check_volumes(array, names, live):
    for vol in names:
        array.live_volume(vol, live)


def _check_hosts(array, names):
    for host in names:
        if host not in array.state["hosts"]:
            raise errors.NotFound("Host", host)


def _plan_members(array, name, g, params, live):
    """New volume/host/target lists a request asks for; nothing applied."""
    plan = {"volumes": list(g["volumes"]), "hosts": list(g["hosts"]),
            "targets": [t["name"] for t in g["targets"]]}
    kinds = (("volumes", "vol", "Volume"), ("hosts", "host", "Host"),
             ("targets", "target", "Array"))
    for key, word, label in kinds:
        replace = util.name_list(params, word + "list")
        add = util.name_list(params, "add" + word + "list") or []
        remove = util.name_list(params, "rem" + word + "list") or []
        if replace is not None:
            plan[key] = list(dict.fromkeys(replace))
        for item in add:
            if item in plan[key]:
                if key == "targets":
                    raise errors.ArrayError(
                        "Protection group %s already includes target array "
                        "%s." % (name, item), item)
                raise errors.ArrayError(
                    "%s %s already belongs to protection group %s." % (
                        label, item, name), item)
            plan[key].append(item)
        for item in remove:
            if item not in plan[key]:
                raise errors.ArrayError(
                    "%s %s could not be found in protection group %s." % (
                        label, item, name), item)
            plan[key].remove(item)
    if util.name_list(params, "hgrouplist") or util.name_list(
            params, "addhgrouplist"):
        raise errors.ArrayError(
            "Host groups are not supported by the emulator.", name)
    new_vols = [v for v in plan["volumes"] if v not in g["volumes"]]
    _check_volumes(array, new_vols, live)
    _check_hosts(array, [h for h in plan["hosts"] if h not in g["hosts"]])
    if plan["volumes"] and plan["hosts"]:
        raise errors.ArrayError(
            "A protection group protects either volumes or hosts, not both.",
            name)
    for vol in new_vols:
        if util.pod_of(vol) != util.pod_of(name):
            raise errors.ArrayError(
                "Volume %s and protection group %s are not in the same "
                "container." % (vol, name), vol)
    for target in plan["targets"]:
        if target not in [t["name"] for t in g["targets"]]:
            array.connection(target)
    return plan


def _settings(params):
    changed = {}
    for key in list(pgroups.SCHEDULE) + list(pgroups.RETENTION):
        if key not in params:
            continue
        if key in pgroups.INT_SETTINGS:
            changed[key] = util.integer(params, key,
                                        minimum=1 if "frequency" in key
                                        else 0)
        elif key.endswith("_enabled"):
            changed[key] = util.flag(params, key)
        else:
            changed[key] = params[key]
    return changed


def _register_targets(array, name, g, targets):
    """Make each new target array create its ``<this>:<group>``.

    Returns {target: allowed}.
    """
    allowed = {}
    for target in targets:
        try:
            answer = array.peer(target).call(
                "PUT", "/_peer/pgroups/%s" % peer.quote(
                    "%s:%s" % (array.name, name)),
                {"retention": g["retention"] if g else pgroups.RETENTION})
        except errors.PeerError as exc:
            raise errors.ArrayError(exc.message(), target)
        except OSError as exc:
            raise errors.ArrayError(
                "Unable to reach target array %s: %s." % (target, exc),
                target)
        allowed[target] = bool(answer.get("allowed"))
    return allowed


def _notify_targets(array, name, targets, method, body=None):
    for target in targets:
        try:
            array.peer(target, timeout=3).call(
                method, "/_peer/pgroups/%s" % peer.quote(
                    "%s:%s" % (array.name, name)), body or {})
        except (errors.PeerError, errors.ArrayError, OSError) as exc:
            LOG.warning("array %s: could not tell %s about %s: %s",
                        array.name, target, name, exc)


def create_pgroup(array, params, name):
    util.check_name("Protection group", name)
    with array.lock:
        existing = array.state["pgroups"].get(name)
        if existing is not None:
            if existing.get("destroyed_at"):
                raise errors.Destroyed("Protection group", name)
            raise errors.AlreadyExists("Protection group", name)
        if util.pod_of(name):
            vols.check_pod_writable(array, name)
        live = array.sync_volumes()
        g = pgroups.new_group(array.name, "local")
        plan = _plan_members(array, name, g, params, live)
    allowed = _register_targets(array, name, None, plan["targets"])
    with array.lock:
        if name in array.state["pgroups"]:
            raise errors.AlreadyExists("Protection group", name)
        g["volumes"], g["hosts"] = plan["volumes"], plan["hosts"]
        g["targets"] = [{"name": t, "allowed": allowed[t]}
                        for t in plan["targets"]]
        array.state["pgroups"][name] = g
        array.save()
        return pgroups.group_view(array, name, g)


def set_pgroup(array, params, name):
    if params.get("action") == "recover":
        return _recover(array, name)
    if "allowed" in params:
        return _set_allowed(array, name, util.flag(params, "allowed"))
    if "name" in params:
        return _rename(array, name, str(params["name"]))
    with array.lock:
        g = pgroups.local_group(array, name)
        live = array.sync_volumes()
        plan = _plan_members(array, name, g, params, live)
        settings = _settings(params)
        old_targets = [t["name"] for t in g["targets"]]
    added = [t for t in plan["targets"] if t not in old_targets]
    removed = [t for t in old_targets if t not in plan["targets"]]
    allowed = _register_targets(array, name, g, added)
    with array.lock:
        g["volumes"], g["hosts"] = plan["volumes"], plan["hosts"]
        g["targets"] = [t for t in g["targets"] if t["name"] not in removed]
        g["targets"] += [{"name": t, "allowed": allowed[t]} for t in added]
        for key, value in settings.items():
            section = "schedule" if key in pgroups.SCHEDULE else "retention"
            if key == "snap_enabled" and value and not g[section][key]:
                g["last_snap"] = util.now()
            if key == "replicate_enabled" and value and not g[section][key]:
                g["last_replicate"] = util.now()
            g[section][key] = value
        view = pgroups.group_view(array, name, g)
        view.update(settings)
        retention = dict(g["retention"])
        targets = [t["name"] for t in g["targets"] if t["name"] not in added]
        array.save()
    _notify_targets(array, name, removed, "DELETE")
    if any(k.startswith("target_") for k in settings):
        _notify_targets(array, name, targets, "PUT",
                        {"retention": retention})
    return view


def _rename(array, name, new):
    util.check_name("Protection group", new)
    with array.lock:
        g = pgroups.local_group(array, name)
        if g["targets"]:
            raise errors.ArrayError(
                "The emulator cannot rename protection group %s while it "
                "has targets." % name, name)
        if new in array.state["pgroups"]:
            raise errors.AlreadyExists("Protection group", new)
        array.state["pgroups"][new] = array.state["pgroups"].pop(name)
        snaps = array.state["pgroup_snapshots"]
        for snap_name in pgroups.snapshots_of(array, name):
            snap = snaps.pop(snap_name)
            snap["source"] = new
            snaps[new + snap_name[len(name):]] = snap
        array.save()
        return {"name": new}


def _set_allowed(array, name, allowed):
    with array.lock:
        g = pgroups.group(array, name)
        if g["kind"] != "target":
            raise errors.ArrayError(
                "Protection group %s is not replicated to this array." %
                name, name)
        entry = g["targets"][0]
        if allowed and entry["allowed"]:
            raise errors.ArrayError(
                "Protection group %s is already allowed on %s." % (
                    name, array.name), name)
        entry["allowed"] = allowed
        source, _, source_group = name.partition(":")
        array.save()
        view = pgroups.group_view(array, name, g)
    try:
        array.peer(source, timeout=3).call(
            "POST", "/_peer/pgroups/%s/allowed" % peer.quote(source_group),
            {"target": array.name, "allowed": allowed})
    except (errors.PeerError, errors.ArrayError, OSError) as exc:
        LOG.warning("array %s: could not tell %s that %s is %sallowed: %s",
                    array.name, source, name, "" if allowed else "dis", exc)
    return view


def _recover(array, name):
    with array.lock:
        if name in array.state["pgroup_snapshots"]:
            snap = array.state["pgroup_snapshots"][name]
            when = snap.get("destroyed_at")
            snap["destroyed_at"] = None
            for vol_snap in snap["volumes"]:
                meta = array.state["snapshots"].get(vol_snap)
                if meta and meta.get("destroyed_at") == when:
                    meta["destroyed_at"] = None
            array.save()
            return {"name": name}
        g = pgroups.group(array, name, pending=True)
        when = g.get("destroyed_at")
        g["destroyed_at"] = None
        for snap_name in pgroups.snapshots_of(array, name):
            if array.state["pgroup_snapshots"][snap_name][
                    "destroyed_at"] == when:
                _recover(array, snap_name)
        array.save()
        return {"name": name}


def delete_pgroup(array, params, name):
    eradicate = util.flag(params, "eradicate")
    notify = []
    with array.lock:
        snaps = array.state["pgroup_snapshots"]
        if name in snaps:
            if eradicate:
                if not snaps[name].get("destroyed_at"):
                    raise errors.ArrayError(
                        "Protection group snapshot %s must be destroyed "
                        "before it can be eradicated." % name, name)
                pgroups.eradicate_snapshot(array, name)
            else:
                if snaps[name].get("destroyed_at"):
                    raise errors.Destroyed("Protection group snapshot", name)
                pgroups.destroy_snapshot(array, name)
            array.save()
            return {"name": name}
        g = pgroups.group(array, name, pending=True)
        if eradicate:
            if not g.get("destroyed_at"):
                raise errors.ArrayError(
                    "Protection group %s must be destroyed before it can be "
                    "eradicated." % name, name)
            for snap_name in pgroups.snapshots_of(array, name):
                pgroups.eradicate_snapshot(array, snap_name)
            del array.state["pgroups"][name]
            if g["kind"] == "local":
                notify = [t["name"] for t in g["targets"]]
        else:
            if g.get("destroyed_at"):
                raise errors.Destroyed("Protection group", name)
            g["destroyed_at"] = util.now()
            for snap_name in pgroups.snapshots_of(array, name):
                if not snaps[snap_name].get("destroyed_at"):
                    pgroups.destroy_snapshot(array, snap_name,
                                             g["destroyed_at"])
        array.save()
    _notify_targets(array, name, notify, "DELETE")
    return {"name": name}


def create_pgroup_snapshots(array, params):
    """POST pgroup: snapshot groups (``snap``) or send snapshots.

    With ``replicate_now`` the new snapshots go to the targets at once;
    ``action=send`` sends existing snapshots.
    """
    if params.get("action") == "send":
        names = util.name_list(params, "name") or []
        sources = None
    else:
        if not util.flag(params, "snap"):
            raise errors.ArrayError("Missing parameter snap.", "snap")
        sources = util.name_list(params, "source") or []
        if not sources:
            raise errors.ArrayError("Missing parameter source.", "source")
    replicate = util.flag(params, "replicate_now") or util.flag(
        params, "replicate") or sources is None
    with array.lock:
        if sources is None:
            for n in names:
                if n not in array.state["pgroup_snapshots"]:
                    raise errors.NotFound("Protection group snapshot", n)
            groups = [array.state["pgroup_snapshots"][n]["source"]
                      for n in names]
        else:
            groups = sources
        targets = {}
        for n in groups:
            g = pgroups.local_group(array, n)
            targets[n] = [t["name"] for t in g["targets"]]
        if sources is not None:
            suffix = str(params.get("suffix") or vols.next_suffix(array))
            util.check_suffix(suffix)
            for n in sources:
                if "%s.%s" % (n, suffix) in array.state["pgroup_snapshots"]:
                    raise errors.AlreadyExists("Protection group snapshot",
                                               "%s.%s" % (n, suffix))
    if replicate:
        for n in groups:
            for target in targets[n]:
                array.replicator.check_allowed(n, target)
    with array.lock:
        if sources is not None:
            retained = util.flag(params, "apply_retention")
            names = [pgroups.take_snapshot(array, n, suffix,
                                           scheduled=retained)
                     for n in sources]
        snaps = array.state["pgroup_snapshots"]
        result = [pgroups.snapshot_view(array, n, snaps[n]) for n in names]
        array.save()
    if replicate:
        for n, g_name in zip(names, groups):
            for target in targets[g_name]:
                array.replicator.submit(n, target)
    return result


def add_volume(array, params, volume, pgroup):
    return _membership(array, volume, pgroup, "addvollist")


def remove_volume(array, params, volume, pgroup):
    return _membership(array, volume, pgroup, "remvollist")


def add_host(array, params, host, pgroup):
    return _membership(array, host, pgroup, "addhostlist")


def remove_host(array, params, host, pgroup):
    return _membership(array, host, pgroup, "remhostlist")


def _membership(array, member, pgroup, key):
    set_pgroup(array, {key: [member]}, pgroup)
    return {"name": member, "protection_group": pgroup}


ROUTES = [
    ("GET", "pgroup", list_pgroups),
    ("POST", "pgroup", create_pgroup_snapshots),
    ("GET", "pgroup/{name}", get_pgroup),
    ("POST", "pgroup/{name}", create_pgroup),
    ("PUT", "pgroup/{name}", set_pgroup),
    ("DELETE", "pgroup/{name}", delete_pgroup),
    ("POST", "volume/{volume}/pgroup/{pgroup}", add_volume),
    ("DELETE", "volume/{volume}/pgroup/{pgroup}", remove_volume),
    ("POST", "host/{host}/pgroup/{pgroup}", add_host),
    ("DELETE", "host/{host}/pgroup/{pgroup}", remove_host),
]
