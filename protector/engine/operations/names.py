"""Deterministic names and markers of what an operation creates.

Every resource an operation makes carries its operation in its name or
metadata, so that a task run again (after an engine restart, or by
cleanup) finds what an earlier run made instead of making it twice, and
never mistakes someone else's resource for its own.
"""

import re

from protector.drivers.storage import base as storage_base

OPERATION_KEY = 'protector_operation_id'
MEMBER_KEY = 'protector_member_id'
GROUP_KEY = 'protector_group_id'
_OUR_SUFFIX = re.compile(r'-op[0-9a-f]{8}$')


def short(operation_id):
    """Eight hex digits that stand for the operation in names."""
    return operation_id.replace('-', '')[:8]


def snapshot_suffix(operation_id):
    """Suffix of the replicate-now snapshot of an operation."""
    return 'op-%s' % operation_id


def array_copy(operation_id, source_array_name):
    """Array volume copied out of a recovery point for an operation."""
    return storage_base.derived_volume_name('op%s' % short(operation_id),
                                            source_array_name)


def volume(operation_id, spec_volume, server_name):
    """Cinder name of a volume managed on the target.

    The original name with the operation's suffix (a previous suffix is
    dropped, so names do not grow with each failover); the suffix lets an
    interrupted operation find the volume again.
    """
    base = spec_volume.get('name') or '%s-%s' % (
        server_name, (spec_volume.get('device') or 'disk').split('/')[-1])
    return '%s-op%s' % (_OUR_SUFFIX.sub('', base), short(operation_id))


def port_prefix(operation_id, member_id):
    return 'protector-op%s-%s-' % (short(operation_id), member_id[:8])


def port(operation_id, member_id, index):
    return '%s%d' % (port_prefix(operation_id, member_id), index)


def isolated_network(operation_id, source_network):
    return 'protector-test-op%s-%s' % (short(operation_id),
                                       source_network[:36])


def server_group(operation_id, name):
    return '%s-op%s' % (_OUR_SUFFIX.sub('', name), short(operation_id))


def markers(operation_id, member_id, group_id):
    """Server metadata naming the operation and member it was made for."""
    return {OPERATION_KEY: operation_id, MEMBER_KEY: member_id,
            GROUP_KEY: group_id}


def without_markers(metadata):
    """Server metadata as the tenant set it (our markers removed)."""
    return {k: v for k, v in (metadata or {}).items()
            if not k.startswith('protector_')}
