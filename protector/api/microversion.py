"""Microversions: ``OpenStack-API-Version: protector X.Y``.

History (keep in step with doc/source/contributor/microversions.rst):

* 1.0 - sites, tenant mappings, protection groups, members, replication
  policies, resource mappings, recovery plans, operations (read), metadata
  sync.
* 1.1 - DR operations: ``POST .../protection-groups/{pg}/action``
  (failover, failback, test_failover, test_cleanup, sync),
  ``POST .../operations/{id}/cancel`` and ``.../cleanup``,
  ``GET .../protection-groups/{pg}/recovery-points`` and
  ``.../consistency-group``.  Below 1.1 these paths answer 404.
* 1.2 - Protection health: ``GET .../protection-groups/{pg}/health`` and
  ``.../health/history``, ``GET /v1/admin/health``; groups show
  ``rpo_grade`` and ``failover_ready``; ``GET
  /v1/admin/sync/protection-groups`` lists every copy's version and digest.
* 1.3 - Operations show ``engine``: the protector-engine (host, pid) that
  runs the operation or ran it last, how many times an engine claimed it
  and when last.
* 1.4 - Recovery plans in the whole Acura format: ports as an object,
  ``config_drive``, ``hostname``, ``rclocal_script``,
  ``custom_image_metadata``, port ``routing_allowed``, ``gateway_ip``,
  ``dns_nameservers`` and ``mtu``, subnet ``gateway_ip``,
  ``dns_nameservers`` and ``mtu``, the Acura keys protector keeps without
  applying them, and ports on a subnet only the recovery site knows; an
  import answers ``warnings``.  Below 1.4 a plan that uses any of them is
  refused.
* 1.5 - Changes made on one site alone: ``"local": true`` in the bodies of
  ``PUT .../plan``, ``PUT .../mappings``, ``POST`` and ``PUT .../policy``
  (and their answers show ``local_changes``); groups show
  ``local_changes``; sync-status and sync-force answer ``local_changes``
  and ``remote_local_changes``; so does the peer's ``GET
  /v1/admin/sync/protection-groups/{id}`` (``local_changes``).
"""

import re

from protector.common import exception

SERVICE_TYPE = 'protector'
HEADER = 'OpenStack-API-Version'
MIN_VERSION = (1, 0)
MAX_VERSION = (1, 5)

_VERSION_RE = re.compile(r'^(0|[1-9]\d*)\.(0|[1-9]\d*)$')


def as_string(version):
    return '%d.%d' % version


def from_headers(headers):
    """The version the request asks for; absent means the minimum."""
    value = headers.get(HEADER)
    if not value:
        return MIN_VERSION
    requested = None
    for item in value.split(','):
        parts = item.strip().split()
        if len(parts) == 2 and parts[0].lower() == SERVICE_TYPE:
            requested = parts[1]
    if requested is None:
        return MIN_VERSION
    if requested == 'latest':
        return MAX_VERSION
    match = _VERSION_RE.match(requested)
    if not match:
        raise exception.BadRequest(
            "Invalid %s header '%s': expected 'protector X.Y', for "
            "example 'protector %s'."
            % (HEADER, exception.excerpt(value), as_string(MAX_VERSION)))
    version = (int(match.group(1)), int(match.group(2)))
    if not MIN_VERSION <= version <= MAX_VERSION:
        raise exception.NotAcceptable(
            reason='Version %s is not supported by this site: it serves '
                   'protector %s to %s.' % (exception.excerpt(requested),
                                            as_string(MIN_VERSION),
                                            as_string(MAX_VERSION)))
    return version


def of(req):
    """The version of a request (the Microversion middleware read it)."""
    return req.environ.get('protector.api_version', MIN_VERSION)


def require(req, version):
    """Answer 404, as for an unknown path, below ``version``."""
    if of(req) < version:
        raise exception.NotFound(
            kind='Resource', ident='%s (it needs "%s: %s %s" or newer)' % (
                exception.excerpt(req.path, 200), HEADER, SERVICE_TYPE,
                as_string(version)))
