"""Small helpers shared by the resource modules."""

import re
import time

from tools.lab.flasharray import errors

_SIZE = re.compile(r"^(\d+)([SKMGTP]?)$", re.IGNORECASE)
_UNITS = {"": 1, "S": 512, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30,
          "T": 1 << 40, "P": 1 << 50}
MAX_SIZE = 4 << 50
NAME = r"[A-Za-z0-9][A-Za-z0-9_-]{0,62}"
_OBJECT_NAME = re.compile(r"^(?:%s::)?%s$" % (NAME, NAME))
_SUFFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")


def now():
    return time.time()


def iso(t):
    if t is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def flag(params, key, default=False):
    value = params.get(key, default)
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)


def name_list(params, key):
    """A list parameter, given as a JSON list or a comma separated string."""
    value = params.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return [v for v in value.split(",") if v]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    raise errors.ArrayError("Invalid value for %s." % key, key)


def integer(params, key, minimum=0):
    try:
        value = int(params[key])
    except (TypeError, ValueError):
        raise errors.ArrayError("Invalid value for %s." % key, key)
    if value < minimum:
        raise errors.ArrayError("Invalid value for %s." % key, key)
    return value


def parse_size(value):
    """Bytes from an int (a multiple of 512) or a string such as "10G"."""
    if isinstance(value, bool):
        raise errors.ArrayError("Invalid volume size.", "size")
    if isinstance(value, int):
        size = value
    else:
        match = _SIZE.match(str(value).strip())
        if not match:
            raise errors.ArrayError("Invalid volume size.", "size")
        size = int(match.group(1)) * _UNITS[match.group(2).upper()]
    if size <= 0 or size % 512:
        raise errors.ArrayError(
            "Volume size must be a multiple of 512 bytes.", "size")
    if size > MAX_SIZE:
        raise errors.ArrayError("Volume size exceeds the maximum.", "size")
    return size


def check_name(kind, name):
    if not _OBJECT_NAME.match(name):
        raise errors.ArrayError("%s name is invalid." % kind, name)


def check_suffix(suffix):
    if not _SUFFIX.match(suffix):
        raise errors.ArrayError("Snapshot suffix is invalid.", suffix)


def is_object_name(name):
    return bool(_OBJECT_NAME.match(name))


def pod_of(name):
    """The pod a volume or protection group name belongs to, or None."""
    if "::" in name:
        return name.split("::", 1)[0]
    return None
