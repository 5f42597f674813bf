"""The shape of a member as the engine reads it: captured spec, plan
entry and overrides.

A cloud driver captures the spec (``CloudDriver.get_server_spec``), a
recovery plan import sets the rank, boot condition and overrides, and the
peer site's metadata document carries all of them.  The peer's API checks
a document against these schemas before storing it, and an operation
checks every member again before it starts, so a malformed member is
refused naming the member and the field, instead of failing halfway.
Fields a newer driver may add are allowed; the fields the engine reads
must have their type.
"""

import jsonschema

from protector.common import exception
from protector.common import plan_format

_TEXT = {'type': 'string'}
_OPTIONAL_TEXT = {'type': ['string', 'null']}
_OPTIONAL_SIZE = {'type': ['integer', 'null']}
_REFERENCE = {'type': 'object', 'properties': {'id': _OPTIONAL_TEXT,
                                               'name': _OPTIONAL_TEXT}}

FLAVOR = {'type': 'object', 'properties': {
    'id': _OPTIONAL_TEXT, 'name': _OPTIONAL_TEXT, 'vcpus': _OPTIONAL_SIZE,
    'ram': _OPTIONAL_SIZE, 'disk': _OPTIONAL_SIZE}}
FIXED_IP = {'type': 'object', 'properties': {
    'subnet_id': _OPTIONAL_TEXT, 'ip_address': _OPTIONAL_TEXT,
    'cidr': _OPTIONAL_TEXT}}
PORT = {'type': 'object', 'properties': {
    'port_id': _OPTIONAL_TEXT, 'network_id': _OPTIONAL_TEXT,
    'network_name': _OPTIONAL_TEXT, 'mac_address': _OPTIONAL_TEXT,
    'fixed_ips': {'type': 'array', 'items': FIXED_IP},
    'security_group_ids': {'type': 'array', 'items': _TEXT},
    'floating_ips': {'type': 'array'}}}
VOLUME = {'type': 'object', 'required': ['volume_id'], 'properties': {
    'volume_id': _TEXT, 'name': _OPTIONAL_TEXT,
    'volume_type': _OPTIONAL_TEXT, 'size': _OPTIONAL_SIZE,
    'boot_index': _OPTIONAL_SIZE, 'device': _OPTIONAL_TEXT,
    'bootable': {'type': ['boolean', 'null']}}}

SPEC = {
    'type': 'object',
    'required': ['id', 'name', 'flavor', 'volumes'],
    'properties': {
        'id': _TEXT, 'name': _TEXT,
        'flavor': FLAVOR,
        'image': {'oneOf': [_REFERENCE, {'type': 'null'}]},
        'availability_zone': _OPTIONAL_TEXT,
        'key_name': _OPTIONAL_TEXT,
        'key_pair': {'oneOf': [
            {'type': 'object', 'required': ['name'], 'properties': {
                'name': _TEXT, 'public_key': _OPTIONAL_TEXT,
                'type': _OPTIONAL_TEXT}},
            {'type': 'null'}]},
        'metadata': {'type': 'object', 'additionalProperties': _TEXT},
        'server_group': {'oneOf': [
            {'type': 'object', 'required': ['name'], 'properties': {
                'id': _OPTIONAL_TEXT, 'name': _TEXT,
                'policy': _OPTIONAL_TEXT}},
            {'type': 'null'}]},
        'security_groups': {'type': 'array', 'items': {
            'oneOf': [_REFERENCE, _TEXT]}},
        'user_data': _OPTIONAL_TEXT,
        'ports': {'type': 'array', 'items': PORT},
        'volumes': {'type': 'array', 'items': VOLUME},
    },
}

OVERRIDES = {
    'type': 'object',
    'properties': dict({key: plan_format.DEVICE['properties'][key]
                        for key in plan_format.OVERRIDES},
                       **{plan_format.DEVICE_NAME: _TEXT}),
}

RANK = plan_format.DEVICE['properties']['rank']
BOOT_CONDITION = {'oneOf': [plan_format.BOOT_CONDITION,
                            {'type': 'null'}]}

# What an operation reads of a member, in the shape of
# operations.desired.snapshot.
MEMBER = {
    'type': 'object',
    'properties': {'spec': SPEC, 'overrides': OVERRIDES, 'rank': RANK,
                   'boot_condition': BOOT_CONDITION},
}


def _field(error):
    return '.'.join(str(part) for part in error.absolute_path)


def problems(member):
    """Every problem of a member (a desired.snapshot), as text."""
    validator = jsonschema.Draft202012Validator(MEMBER)
    found = []
    for error in sorted(validator.iter_errors(member),
                        key=lambda e: list(map(str, e.absolute_path))):
        if error.validator == 'required':
            what = 'is missing %s' % ', '.join(
                "'%s'" % name for name in error.validator_value
                if name not in error.instance)
        elif error.validator == 'type':
            what = 'must be %s, not %s' % (_expected(error),
                                           _json_type(error.instance))
        else:
            what = 'must be %s' % _expected(error)
        found.append("Member %s (%s): field '%s' %s" % (
            member.get('server_name'), member.get('server_id'),
            _field(error) or '(member)', what))
    return found


_JSON_TYPES = {dict: 'object', list: 'array', str: 'string',
               bool: 'boolean', int: 'integer', float: 'number',
               type(None): 'null'}


def _json_type(value):
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _expected(error):
    if error.validator == 'type':
        expected = error.validator_value
        return ' or '.join(expected if isinstance(expected, list)
                           else [expected])
    if error.validator == 'oneOf':
        return 'one of %s' % ', '.join(sorted({
            str(option.get('type', 'object'))
            for option in error.validator_value}))
    return 'valid (%s check failed)' % error.validator


def check(members, group_name):
    """Refuse an operation on members whose stored data is malformed."""
    found = [problem for member in members for problem in problems(member)]
    if found:
        raise exception.MemberInvalid(
            reason="Protection group '%s' holds member data this site "
                   "cannot use: %s. Run 'openstack protector "
                   "protection-group sync-force %s' from the site whose "
                   "copy is sound, or remove the member and add it again."
                   % (group_name, '; '.join(found), group_name))
