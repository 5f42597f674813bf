"""Hosts and host-volume connections, as far as a Cinder attach needs them,
plus the array's (fake) iSCSI port list."""

from tools.lab.flasharray import errors
from tools.lab.flasharray import util

MAX_LUN = 16383


def _host(array, name):
    host = array.state["hosts"].get(name)
    if host is None:
        raise errors.NotFound("Host", name)
    return host


def _view(name, host):
    return {"name": name, "iqn": list(host["iqn"]), "wwn": list(host["wwn"]),
            "nqn": list(host["nqn"]), "hgroup": None,
            "personality": host.get("personality")}


def _check_ports_free(array, name, kind, ports):
    for other_name, other in array.state["hosts"].items():
        if other_name == name:
            continue
        for port in ports:
            if port in other[kind]:
                raise errors.ArrayError(
                    "The %s %s is already in use by host %s." % (
                        kind.upper(), port, other_name), port)


def _apply_ports(array, name, host, params):
    for kind in ("iqn", "wwn", "nqn"):
        replace = util.name_list(params, kind + "list")
        add = util.name_list(params, "add" + kind + "list")
        remove = util.name_list(params, "rem" + kind + "list")
        if replace is not None:
            _check_ports_free(array, name, kind, replace)
            host[kind] = list(dict.fromkeys(replace))
        if add:
            _check_ports_free(array, name, kind, add)
            host[kind] = list(dict.fromkeys(host[kind] + add))
        if remove:
            for port in remove:
                if port not in host[kind]:
                    raise errors.ArrayError(
                        "The %s %s does not belong to host %s." % (
                            kind.upper(), port, name), port)
            host[kind] = [p for p in host[kind] if p not in remove]


def list_hosts(array, params):
    names = util.name_list(params, "names")
    with array.lock:
        return [_view(n, h) for n, h in sorted(array.state["hosts"].items())
                if not names or n in names]


def get_host(array, params, name):
    with array.lock:
        return _view(name, _host(array, name))


def create_host(array, params, name):
    util.check_name("Host", name)
    with array.lock:
        if name in array.state["hosts"]:
            raise errors.AlreadyExists("Host", name)
        host = {"iqn": [], "wwn": [], "nqn": [],
                "personality": params.get("personality"), "connections": {}}
        _apply_ports(array, name, host, params)
        array.state["hosts"][name] = host
        array.save()
        return _view(name, host)


def set_host(array, params, name):
    with array.lock:
        host = _host(array, name)
        if "name" in params:
            new = str(params["name"])
            util.check_name("Host", new)
            if new in array.state["hosts"]:
                raise errors.AlreadyExists("Host", new)
            array.state["hosts"][new] = array.state["hosts"].pop(name)
            for group in array.state["pgroups"].values():
                if name in group["hosts"]:
                    group["hosts"][group["hosts"].index(name)] = new
            name = new
        if "personality" in params:
            host["personality"] = params["personality"]
        _apply_ports(array, name, host, params)
        array.save()
        return _view(name, host)


def delete_host(array, params, name):
    with array.lock:
        host = _host(array, name)
        if host["connections"]:
            raise errors.ArrayError(
                "Host %s cannot be deleted due to existing connections." %
                name, name)
        del array.state["hosts"][name]
        for group in array.state["pgroups"].values():
            if name in group["hosts"]:
                group["hosts"].remove(name)
        array.save()
        return {"name": name}


def connect(array, params, name, volume):
    with array.lock:
        host = _host(array, name)
        array.live_volume(volume)
        if volume in host["connections"]:
            raise errors.ArrayError(
                "Connection between host %s and volume %s already exists." %
                (name, volume), volume)
        used = set(host["connections"].values())
        if "lun" in params:
            lun = util.integer(params, "lun", minimum=1)
            if lun in used or lun > MAX_LUN:
                raise errors.ArrayError("LUN %d is already in use." % lun,
                                        str(lun))
        else:
            lun = next(n for n in range(1, MAX_LUN + 2) if n not in used)
            if lun > MAX_LUN:
                raise errors.ArrayError("No free LUN on host %s." % name,
                                        name)
        host["connections"][volume] = lun
        array.save()
        return {"name": name, "vol": volume, "lun": lun}


def disconnect(array, params, name, volume):
    with array.lock:
        host = _host(array, name)
        if volume not in host["connections"]:
            raise errors.ArrayError(
                "Volume %s is not connected to host %s." % (volume, name),
                volume)
        del host["connections"][volume]
        array.save()
        return {"name": name, "vol": volume}


def host_connections(array, params, name):
    with array.lock:
        host = _host(array, name)
        return [{"name": name, "vol": vol, "lun": lun, "hgroup": None}
                for vol, lun in sorted(host["connections"].items())]


def list_ports(array, params):
    target = "iqn.2010-06.com.purestorage:flasharray.%s" % (
        array.id.replace("-", "")[:16])
    return [{"name": "CT0.ETH4", "iqn": target, "wwn": None, "nqn": None,
             "portal": "%s:3260" % array.config.host, "failover": None}]


def list_hgroups(array, params):
    return []


ROUTES = [
    ("GET", "host", list_hosts),
    ("GET", "host/{name}", get_host),
    ("POST", "host/{name}", create_host),
    ("PUT", "host/{name}", set_host),
    ("DELETE", "host/{name}", delete_host),
    ("GET", "host/{name}/volume", host_connections),
    ("POST", "host/{name}/volume/{volume}", connect),
    ("DELETE", "host/{name}/volume/{volume}", disconnect),
    ("GET", "port", list_ports),
    ("GET", "hgroup", list_hgroups),
]
