"""Recovery plans in the Acura DR plan format: ``devices`` + ``subnets``.

A plan gives every member a rank (boot order), a boot condition and the
settings of its server on the recovery site; ``subnets`` describes the
subnets its ports are on, ``subnet_id`` being the subnet on the recovery
site.  Every key of the format is accepted: those OpenStack has a meaning
for are applied by the operations, the others are kept (``plan_keys``).
An imported plan is stored as it was written (each member keeps its
device, under its name in the plan), so its export is the same document.

Import checks the whole plan and reports every problem at once, each
named by its path in the document, so a plan is fixed in one round trip.
"""

import ipaddress

import jsonschema
from oslo_utils import netutils

from protector.common import exception
from protector.common import plan_format
from protector.common import plan_keys


def _path(parts):
    return '.'.join(str(part) for part in parts) or '(plan)'


def _schema_problems(plan):
    validator = jsonschema.Draft202012Validator(plan_format.PLAN)
    problems = []
    for error in sorted(validator.iter_errors(plan),
                        key=lambda e: [str(p) for p in e.absolute_path]):
        message = error.schema.get('x-message', error.message)
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


def _network(cidr):
    try:
        return ipaddress.ip_network(cidr, strict=False)
    except (TypeError, ValueError):
        return None


def _check_address(where, value, network=None, network_name=None):
    """Problems of an IP address, which must lie in ``network`` if given."""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return ['%s: %r is not an IP address' % (where, value)]
    if network is not None and address not in network:
        return ['%s: %s is outside subnet %s (%s)'
                % (where, address, network_name, network)]
    return []


def _check_addresses(where, values):
    return [problem for index, value in enumerate(values or [])
            for problem in _check_address('%s.%d' % (where, index), value)]


def _check_subnets(subnets):
    problems = []
    for key, subnet in subnets.items():
        where = 'subnets.%s' % key
        network = _network(subnet['cidr'])
        if network is None:
            problems.append('%s.cidr: %r is not a CIDR such as '
                            '192.168.15.0/24' % (where, subnet['cidr']))
        if 'gateway_ip' in subnet:
            problems.extend(_check_address(where + '.gateway_ip',
                                           subnet['gateway_ip'], network,
                                           key))
        problems.extend(_check_addresses(where + '.dns_nameservers',
                                         subnet.get('dns_nameservers')))
    return problems


def _check_port(where, port, subnets, known_subnets):
    problems = []
    subnet = subnets.get(port['subnet'])
    network = _network((subnet or {}).get('cidr') or
                       known_subnets.get(port['subnet']))
    for key in ('ip', 'gateway_ip'):
        if key in port:
            problems.extend(_check_address('%s.%s' % (where, key),
                                           port[key], network,
                                           port['subnet']))
    problems.extend(_check_addresses(where + '.dns_nameservers',
                                     port.get('dns_nameservers')))
    if 'mac' in port and not netutils.is_valid_mac(port['mac']):
        problems.append('%s.mac: %r is not a MAC address such as '
                        'fa:16:3e:00:00:01' % (where, port['mac']))
    return problems


def _check_device(name, device, subnets, known_subnets):
    where = 'devices.%s' % name
    problems = []
    for index, port in plan_keys.port_items(device.get('ports')):
        problems.extend(_check_port('%s.ports.%s' % (where, index), port,
                                    subnets, known_subnets))
    if isinstance(device.get('custom_image_metadata'), str):
        try:
            plan_format.image_metadata(device['custom_image_metadata'])
        except ValueError as exc:
            problems.append('%s.custom_image_metadata: %s; write '
                            '"key=value,key=value" or an object'
                            % (where, exc))
    return problems


def _has_problem(problems, path):
    return any(p.startswith(path + ':') or p.startswith(path + '.')
               for p in problems)


def _misplaced_subnets(plan, members):
    """Acura's own documentation sometimes nests "subnets" in "devices"."""
    if 'subnets' in plan['devices'] and not any(
            m.server_name == 'subnets' for m in members):
        del plan['devices']['subnets']
        return ['devices.subnets: "subnets" belongs at the top level of the '
                'plan, beside "devices", not inside it']
    return []


def validate(plan, members, group_name):
    """Return (entries by member id, subnets) or raise PlanInvalid.

    Parts with a shape problem are not checked further, but every other
    part is, so one answer lists every problem of the plan.
    """
    problems = []
    if isinstance(plan, dict) and isinstance(plan.get('devices'), dict):
        plan = dict(plan, devices=dict(plan['devices']))
        problems = _misplaced_subnets(plan, members)
    problems.extend(_schema_problems(plan))
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
        problems.extend(_check_device(name, device, subnets, known_subnets))
        overrides = {key: device[key] for key in plan_format.OVERRIDES
                     if key in device}
        overrides[plan_format.DEVICE_NAME] = name
        entries[member.id] = {
            'rank': device['rank'],
            'boot_condition': device.get('boot_condition'),
            'overrides': overrides,
        }
    for member in members:
        if member.id not in entries:
            problems.append('devices: member %s (%s) is missing; list every '
                            'member of the group'
                            % (member.server_name, member.server_id))
    if problems:
        raise exception.PlanInvalid(count=len(problems), problems=problems)
    return entries, plan.get('subnets', {})


def foreign_subnets(plan, members):
    """``[(path, subnet)]`` of ports on a subnet nobody here knows.

    Neither the plan describes it nor does a member use it: only the
    recovery site can know it.  Any plan is taken; what is not in shape is
    passed over.
    """
    subnets = plan.get('subnets')
    known = set(subnets if isinstance(subnets, dict) else ()) | set(
        _member_subnets(members))
    devices = plan.get('devices')
    found = []
    for name, device in (devices.items() if isinstance(devices, dict)
                         else ()):
        if not isinstance(device, dict):
            continue
        for index, port in plan_keys.port_items(device.get('ports')):
            subnet = port.get('subnet') if isinstance(port, dict) else None
            if isinstance(subnet, str) and subnet not in known:
                found.append(('devices.%s.ports.%s.subnet' % (name, index),
                              subnet))
    return found


def warnings(plan, members):
    """What a valid plan holds that protector keeps only or cannot check.

    Each names its path: the keys without OpenStack meaning, and ports on
    a subnet neither the plan nor the server knows (the API does not ask
    the recovery site).
    """
    return plan_keys.warnings(plan) + [
        '%s: %r is neither a key of "subnets" nor a subnet the server uses, '
        'so it must be the name or ID of a subnet of the recovery site; an '
        'operation checks it when it starts' % found
        for found in foreign_subnets(plan, members)]


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


def _default_device(member, subnets):
    """The device of a member no import planned: what it has today.

    Its ports name the subnets the server uses by their ids, which become
    keys of ``subnets`` with their CIDR (the recovery site's subnets are
    found, or made, by CIDR on the mapped networks).
    """
    device = {'id': member.server_id, 'rank': member.rank}
    if member.boot_condition:
        device['boot_condition'] = member.boot_condition
    device['ports'] = _default_ports(member)
    device.update(member.overrides or {})
    for port in member.spec.get('ports', []):
        for fixed_ip in port.get('fixed_ips', []):
            subnet_id = fixed_ip.get('subnet_id')
            if subnet_id and fixed_ip.get('cidr') and \
                    subnet_id not in subnets and not any(
                        s.get('subnet_id') == subnet_id
                        for s in subnets.values()):
                subnets[subnet_id] = {'cidr': fixed_ip['cidr']}
    return device


def export(group, members):
    """The plan of ``group``: what was imported, members added since."""
    devices = {}
    subnets = dict(group.subnets or {})
    for member in members:
        overrides = dict(member.overrides or {})
        name = overrides.pop(plan_format.DEVICE_NAME, None)
        if name is None:
            devices[member.server_name] = _default_device(member, subnets)
            continue
        device = dict(overrides, rank=member.rank)
        if member.boot_condition:
            device['boot_condition'] = member.boot_condition
        devices[name] = device
    return {'devices': devices, 'subnets': subnets}
