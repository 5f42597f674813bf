"""``"local": true``: a change made on this site alone (microversion 1.5).

Only the changes that say how a group is recovered take the flag: the
recovery plan, the resource mappings and the replication policy.  While
the peer site is unreachable, such a change is made on this site alone
and the group holds local-only changes (``protector.common.local_changes``)
until sync-force; while the peer answers, the flag changes nothing.
Their answers, the groups and the sync status show ``local_changes`` from
1.5 on.
"""

from protector.api import microversion
from protector.common import exception
from protector.common import local_changes
from protector.db import api as db

VERSION = (1, 5)
FIELD = 'local'
# The sync status fields of microversion 1.5.
SYNC_STATUS_FIELDS = ('local_changes', 'remote_local_changes')


def check(req, schema, value):
    """Refuse the flag where it means nothing, or before 1.5."""
    if not isinstance(value, dict) or FIELD not in value:
        return
    if FIELD not in schema.get('properties', {}):
        raise exception.BadRequest(
            "Invalid field 'local': only changes of the recovery plan (PUT "
            ".../plan, plan-import), the resource mappings (PUT "
            ".../mappings, mapping-set) and the replication policy (POST "
            "or PUT .../policy, policy-create and policy-set) can be made "
            "on this site alone; remove 'local' from this request.")
    if microversion.of(req) < VERSION:
        raise exception.BadRequest(
            "Invalid field 'local': it needs \"%s: %s %s\" or newer."
            % (microversion.HEADER, microversion.SERVICE_TYPE,
               microversion.as_string(VERSION)))


def requested(body):
    return body.get(FIELD, False)


def answer(req, body, ctx, group_id):
    """Add the group's local-only changes to a change's answer (1.5)."""
    if microversion.of(req) >= VERSION:
        body['local_changes'] = local_changes.marker(
            db.group_get(ctx, group_id))
    return body


def sync_status(req, result):
    """A sync status as the request's microversion shows it."""
    if microversion.of(req) < VERSION:
        for field in SYNC_STATUS_FIELDS:
            result.pop(field, None)
    return result
