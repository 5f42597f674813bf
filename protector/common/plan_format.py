"""The Acura DR plan format: the shape of a plan, and how its values read.

A plan is ``{"devices": {...}, "subnets": {...}}``.  Every key of the
format is in the schema; those without OpenStack meaning
(``plan_keys``) take any value, since protector only keeps them.
Acura writes some values in more than one way (booleans as text, ports as
an object, image metadata as ``key=value`` text); the readers below give
each as one thing.
"""

from protector.common import plan_keys

BOOT_CONDITION = {
    'x-message': ('boot_condition must be {"type": "wait", "delay_seconds": '
                  'N}, {"type": "active"} or {"type": "tcp", "port": N}'),
    'oneOf': [
        {'type': 'object', 'additionalProperties': False,
         'required': ['type', 'delay_seconds'],
         'properties': {'type': {'const': 'wait'},
                        'delay_seconds': {'type': 'integer', 'minimum': 0,
                                          'maximum': 86400}}},
        {'type': 'object', 'additionalProperties': False,
         'required': ['type'],
         'properties': {'type': {'const': 'active'},
                        'timeout_seconds': {'type': 'integer',
                                            'minimum': 1}}},
        {'type': 'object', 'additionalProperties': False,
         'required': ['type', 'port'],
         'properties': {'type': {'const': 'tcp'},
                        'port': {'type': 'integer', 'minimum': 1,
                                 'maximum': 65535},
                        'timeout_seconds': {'type': 'integer',
                                            'minimum': 1}}},
    ],
}

# Acura writes booleans as JSON booleans or as text ("config_drive":
# "true").
FLAG = {'enum': [True, False, 'true', 'false', 'True', 'False'],
        'x-message': 'must be true or false'}
ADDRESSES = {'type': 'array', 'items': {'type': 'string'}}
# Neutron's smallest MTU is IPv4's 68.
MTU = {'type': 'integer', 'minimum': 68, 'maximum': 65535}
HOSTNAME = {
    'type': ['boolean', 'string'],
    'pattern': r'^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
               r'(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$',
    'x-message': 'must be true, false or a host name such as web-01 '
                 '(letters, digits and hyphens, dots between labels)',
}

PORT_FIELDS = {
    'name': {'type': 'string', 'minLength': 1},
    'subnet': {'type': 'string', 'minLength': 1},
    'ip': {'type': 'string'},
    'mac': {'type': 'string'},
    'floating_ip': FLAG,
    'routing_allowed': FLAG,
    'gateway_ip': {'type': 'string'},
    'dns_nameservers': ADDRESSES,
    'mtu': MTU,
}
PORT_FIELDS.update({key: {} for key in plan_keys.PORT})
# Ports are a list ([{"name": "port_0", ...}]) or, as in Acura's own
# examples, an object keyed by port name ({"port_0": {...}}).
PORTS = {
    'type': ['array', 'object'],
    'items': {'type': 'object', 'additionalProperties': False,
              'required': ['name', 'subnet'], 'properties': PORT_FIELDS},
    'additionalProperties': {'type': 'object', 'additionalProperties': False,
                             'required': ['subnet'],
                             'properties': PORT_FIELDS},
}

DEVICE = {
    'type': 'object', 'additionalProperties': False,
    'required': ['rank'],
    'properties': {
        'id': {'type': 'string'},
        'rank': {'type': 'integer', 'minimum': 0, 'maximum': 1000},
        'boot_condition': BOOT_CONDITION,
        'ports': PORTS,
        'flavor': {'type': 'string', 'minLength': 1},
        'security_groups': {'type': 'array',
                            'items': {'type': 'string', 'minLength': 1}},
        'availability_zone': {'type': 'string'},
        'key_name': {'type': 'string'},
        'user_data': {'type': 'string'},
        'rclocal_script': {'type': 'string'},
        'meta': {'type': 'object',
                 'additionalProperties': {'type': 'string'}},
        'scheduler_hints': {'type': 'object'},
        'config_drive': FLAG,
        'hostname': HOSTNAME,
        # An object, or Acura's "key=value,key=value" text.
        'custom_image_metadata': {
            'type': ['object', 'string'],
            'additionalProperties': {'type': 'string'}},
    },
}
DEVICE['properties'].update({key: {} for key in plan_keys.DEVICE})

SUBNET = {
    'type': 'object', 'additionalProperties': False,
    'required': ['cidr'],
    'properties': {'cidr': {'type': 'string'},
                   'subnet_id': {'type': 'string'},
                   'name': {'type': 'string'},
                   'gateway_ip': {'type': 'string'},
                   'dns_nameservers': ADDRESSES,
                   'mtu': MTU}}

PLAN = {
    'type': 'object', 'additionalProperties': False,
    'required': ['devices'],
    'properties': {
        'devices': {'type': 'object', 'additionalProperties': DEVICE},
        'subnets': {'type': 'object', 'additionalProperties': SUBNET},
    },
}

# What a member keeps of its device besides rank and boot condition.
OVERRIDES = tuple(key for key in DEVICE['properties']
                  if key not in ('rank', 'boot_condition'))
# The name of the member's device in the imported plan, kept with its
# overrides; a member without it has never been planned (or was planned
# before plans were kept whole) and exports its defaults.
DEVICE_NAME = 'device_name'


def flag(value):
    """A plan boolean (true, false, "true" or "false") as a bool."""
    return value is True or (isinstance(value, str) and
                             value.lower() == 'true')


def port_list(ports):
    """The ports of a device in order, each with its ``name``."""
    return [dict(port, name=name) if isinstance(name, str) else port
            for name, port in plan_keys.port_items(ports)]


def image_metadata(value):
    """``custom_image_metadata`` as a dict; raises ValueError on bad text.

    Acura also takes ``"hw_disk_bus=scsi,hw_scsi_model=virtio-scsi"``.
    """
    if isinstance(value, dict):
        return dict(value)
    metadata = {}
    for item in (value or '').split(','):
        if not item.strip():
            continue
        key, sep, text = item.partition('=')
        if not sep or not key.strip():
            raise ValueError('%r is not key=value' % item.strip())
        metadata[key.strip()] = text.strip()
    return metadata
