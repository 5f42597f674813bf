"""The server an operation recreates, as the member and its plan want it.

The member's captured spec says how the server looked; the recovery plan's
overrides (ports with ip/mac/floating_ip, flavor, security groups, ...)
win over it.  Everything here is about the *source* side: which source
network and subnet each NIC was on; ``mappings`` says what stands for
them on the target, and ``target_subnets`` what stands for the subnets
the plan names.
"""

from protector.common import plan_format


def _copy(value):
    # A malformed value stays as it is: member_schema.check names it.
    return dict(value) if isinstance(value, dict) else value or {}


def snapshot(member):
    """The part of a member an operation keeps for its whole run."""
    return {'member_id': member.id, 'server_id': member.server_id,
            'server_name': member.server_name, 'status': member.status,
            'rank': member.rank or 0,
            'boot_condition': member.boot_condition,
            'overrides': _copy(member.overrides),
            'spec': _copy(member.spec)}


def _spec_port_of_subnet(spec, subnet_ids=(), cidr=None):
    for port in spec.get('ports') or []:
        for fixed_ip in port.get('fixed_ips') or []:
            if fixed_ip.get('subnet_id') and \
                    fixed_ip['subnet_id'] in subnet_ids:
                return port, fixed_ip
            if cidr and fixed_ip.get('cidr') == cidr:
                return port, fixed_ip
    return None, None


def _spec_subnet_ids(spec):
    return {fixed_ip.get('subnet_id') for port in spec.get('ports') or []
            for fixed_ip in port.get('fixed_ips') or []}


def _planned_port(member, entry, subnets):
    spec = member['spec']
    subnet = None
    if entry['subnet'] in (subnets or {}):
        # A subnet of the plan: the NIC on it, if the server has one,
        # tells which mapped network it belongs on.
        subnet = entry['subnet']
        described = subnets[subnet]
        port, fixed_ip = _spec_port_of_subnet(
            spec, (described.get('subnet_id'), subnet),
            described.get('cidr'))
        fixed = dict(fixed_ip or {}, cidr=described.get('cidr'))
    elif entry['subnet'] in _spec_subnet_ids(spec):
        # A subnet the server uses today: the mappings say where it goes.
        port, fixed_ip = _spec_port_of_subnet(spec, (entry['subnet'],))
        fixed = dict(fixed_ip)
    else:
        # The name or id of a subnet of the recovery site.
        subnet = entry['subnet']
        port, fixed = None, {}
    if entry.get('ip'):
        fixed['ip_address'] = entry['ip']
    return {'network_id': (port or {}).get('network_id'),
            'network_name': (port or {}).get('network_name'),
            'fixed_ip': fixed,
            'mac_address': entry.get('mac') or (port or {}).get(
                'mac_address'),
            'floating_ip': plan_format.flag(entry.get('floating_ip')),
            'routing_allowed': plan_format.flag(
                entry.get('routing_allowed')),
            'subnet': subnet}


def ports(member, subnets):
    """The NICs of the server to recreate, in order.

    ``[{'network_id', 'network_name', 'fixed_ip', 'mac_address',
    'floating_ip', 'routing_allowed', 'subnet'}]``: the source network and
    fixed IP of the NIC each stands for (None when a plan's port is on a
    subnet no NIC of the server uses).  ``subnet`` is the plan's name of
    the port's subnet on the target: a key of ``subnets`` (the group's
    plan ``subnets`` section) or the name or id of a subnet of the
    recovery site; None when the mappings decide.
    """
    planned = (member.get('overrides') or {}).get('ports')
    if planned:
        return [_planned_port(member, entry, subnets)
                for entry in plan_format.port_list(planned)]
    return [{'network_id': port.get('network_id'),
             'network_name': port.get('network_name'),
             'fixed_ip': dict((port.get('fixed_ips') or [{}])[0]),
             'mac_address': port.get('mac_address'),
             'floating_ip': bool(port.get('floating_ips')),
             'routing_allowed': False, 'subnet': None}
            for port in member['spec'].get('ports') or []]


def network_key(port):
    """What an isolated test network of a port stands for.

    A source network, or a subnet of the plan no NIC of the server uses.
    """
    return port['network_id'] or 'subnet-%s' % port['subnet']


def flavor_override(member):
    return (member.get('overrides') or {}).get('flavor')


def security_groups(member):
    """Security groups (source names/ids) the NICs get."""
    overrides = member.get('overrides') or {}
    if overrides.get('security_groups'):
        return list(overrides['security_groups'])
    return list(member['spec'].get('security_groups') or [])


def boot_volume_missing(member):
    return not any(v.get('boot_index') == 0
                   for v in member['spec'].get('volumes') or [])
