"""Recovery plans in the ``devices`` + ``subnets`` JSON shape.

A plan gives every member a rank (boot order), a boot condition and
per-server overrides.  Import checks the whole plan and reports every
problem at once, each named by its path in the document, so a plan is
fixed in one round trip.
"""

import ipaddress

import jsonschema
from oslo_utils import netutils

from protector.common import exception

BOOT_CONDITION = {
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

PORT = {
    'type': 'object', 'additionalProperties': False,
    'required': ['name', 'subnet'],
    'properties': {
        'name': {'type': 'string', 'minLength': 1},
        'subnet': {'type': 'string', 'minLength': 1},
        'ip': {'type': 'string'},
        'mac': {'type': 'string'},
        'floating_ip': {'type': 'boolean'},
    },
}

DEVICE = {
    'type': 'object', 'additionalProperties': False,
    'required': ['rank'],
    'properties': {
        'id': {'type': 'string'},
        'rank': {'type': 'integer', 'minimum': 0, 'maximum': 1000},
        'boot_condition': BOOT_CONDITION,
        'ports': {'type': 'array', 'items': PORT},
        'flavor': {'type': 'string', 'minLength': 1},
        'security_groups': {'type': 'array',
                            'items': {'type': 'string', 'minLength': 1}},
        'availability_zone': {'type': 'string'},
        'key_name': {'type': 'string'},
        'user_data': {'type': 'string'},
        'meta': {'type': 'object',
                 'additionalProperties': {'type': 'string'}},
        'scheduler_hints': {'type': 'object'},
    },
}

PLAN = {
    'type': 'object', 'additionalProperties': False,
    'required': ['devices'],
    'properties': {
        'devices': {'type': 'object', 'additionalProperties': DEVICE},
        'subnets': {
            'type': 'object',
            'additionalProperties': {
                'type': 'object', 'additionalProperties': False,
                'required': ['cidr'],
                'properties': {'cidr': {'type': 'string'},
                               'subnet_id': {'type': 'string'},
                               'name': {'type': 'string'}}}},
    },
}

OVERRIDES = ('ports', 'flavor', 'security_groups', 'availability_zone',
             'key_name', 'user_data', 'meta', 'scheduler_hints')


def _path(parts):
    return '.'.join(str(part) for part in parts) or '(plan)'


def _schema_problems(plan):
    validator = jsonschema.Draft202012Validator(PLAN)
    problems = []
    for error in sorted(validator.iter_errors(plan), key=lambda e: e.path):
        if error.validator == 'oneOf':
            message = ("boot_condition must be {\"type\": \"wait\", "
                       "\"delay_seconds\": N}, {\"type\": \"active\"} or "
                       "{\"type\": \"tcp\", \"port\": N}")
        else:
            message = error.message
        problems.append('%s: %s' % (_path(error.absolute_path), message))
    return problems


def _member_subnets(members):
    """Subnets the members use today: id -> cidr (when captured)."""
    known = {}
    for member in members:
        for port in member.spec.get('ports', []):
            for fixed_ip in port.get('fixed_ips', []):
                if fixed_ip.get('subnet_id'):
                    known[fixed_ip['subnet_id']] = fixed_ip.get('cidr')
    return known


def _check_subnets(subnets):
    problems = []
    for key, subnet in subnets.items():
        try:
            ipaddress.ip_network(subnet['cidr'], strict=False)
        except ValueError:
            problems.append('subnets.%s.cidr: %r is not a CIDR such as '
                            '192.168.15.0/24' % (key, subnet['cidr']))
    return problems


def _check_port(where, port, subnets, known_subnets):
    problems = []
    subnet = subnets.get(port['subnet'])
    if subnet is None and port['subnet'] not in known_subnets:
        problems.append('%s.subnet: %r is neither a key of "subnets" nor a '
                        'subnet id the server uses' % (where, port['subnet']))
    if 'ip' in port:
        try:
            address = ipaddress.ip_address(port['ip'])
        except ValueError:
            problems.append('%s.ip: %r is not an IP address'
                            % (where, port['ip']))
        else:
            cidr = (subnet or {}).get('cidr') or known_subnets.get(
                port['subnet'])
            try:
                network = ipaddress.ip_network(cidr, strict=False)
            except (TypeError, ValueError):
                network = None
            if network is not None and address not in network:
                problems.append('%s.ip: %s is outside subnet %s (%s)'
                                % (where, address, port['subnet'], cidr))
    if 'mac' in port and not netutils.is_valid_mac(port['mac']):
        problems.append('%s.mac: %r is not a MAC address such as '
                        'fa:16:3e:00:00:01' % (where, port['mac']))
    return problems


def _has_problem(problems, path):
    return any(p.startswith(path + ':') or p.startswith(path + '.')
               for p in problems)


def validate(plan, members, group_name):
    """Return (entries by member id, subnets) or raise PlanInvalid.

    Parts with a shape problem are not checked further, but every other
    part is, so one answer lists every problem of the plan.
    """
    problems = _schema_problems(plan)
    if not isinstance(plan, dict) or not isinstance(plan.get('devices'),
                                                    dict):
        raise exception.PlanInvalid(count=len(problems), problems=problems)
    subnets = plan.get('subnets')
    subnets = {key: subnet for key, subnet in (
        subnets.items() if isinstance(subnets, dict) else [])
        if not _has_problem(problems, 'subnets.%s' % key)}
    problems.extend(_check_subnets(subnets))
    known_subnets = _member_subnets(members)
    by_name = {m.server_name: m for m in members}
    by_id = {m.server_id: m for m in members}
    entries = {}
    for name, device in sorted(plan['devices'].items()):
        if not isinstance(device, dict):
            continue
        server_id = device.get('id')
        member = (by_id.get(server_id) if isinstance(server_id, str)
                  else None) or by_name.get(name)
        if member is None:
            problems.append('devices.%s: no member of protection group %r '
                            'is named %r or has server id %r'
                            % (name, group_name, name, device.get('id')))
            continue
        if member.id in entries:
            problems.append('devices.%s: server %s is already planned under '
                            'another name' % (name, member.server_id))
            continue
        if _has_problem(problems, 'devices.%s' % name):
            entries[member.id] = None
            continue
        for index, port in enumerate(device.get('ports', [])):
            problems.extend(_check_port('devices.%s.ports.%d' % (name, index),
                                        port, subnets, known_subnets))
        entries[member.id] = {
            'rank': device['rank'],
            'boot_condition': device.get('boot_condition'),
            'overrides': {key: device[key] for key in OVERRIDES
                          if key in device},
        }
    for member in members:
        if member.id not in entries:
            problems.append('devices: member %s (%s) is missing; list every '
                            'member of the group'
                            % (member.server_name, member.server_id))
    if problems:
        raise exception.PlanInvalid(count=len(problems), problems=problems)
    return entries, subnets


def _default_ports(member):
    ports = []
    for index, port in enumerate(member.spec.get('ports', [])):
        for fixed_ip in port.get('fixed_ips', [])[:1]:
            entry = {'name': 'port_%d' % index,
                     'subnet': fixed_ip.get('subnet_id', ''),
                     'ip': fixed_ip.get('ip_address')}
            if port.get('mac_address'):
                entry['mac'] = port['mac_address']
            ports.append({k: v for k, v in entry.items() if v})
    return ports


def export(group, members):
    """The plan of ``group`` in the ``devices`` + ``subnets`` shape."""
    devices = {}
    subnets = dict(group.subnets or {})
    for member in members:
        device = {'id': member.server_id, 'rank': member.rank}
        if member.boot_condition:
            device['boot_condition'] = member.boot_condition
        device['ports'] = _default_ports(member)
        device.update(member.overrides or {})
        devices[member.server_name] = device
        for port in member.spec.get('ports', []):
            for fixed_ip in port.get('fixed_ips', []):
                subnet_id = fixed_ip.get('subnet_id')
                if subnet_id and fixed_ip.get('cidr') and not any(
                        s.get('subnet_id') == subnet_id
                        for s in subnets.values()):
                    subnets[subnet_id] = {'subnet_id': subnet_id,
                                          'cidr': fixed_ip['cidr']}
    return {'devices': devices, 'subnets': subnets}
