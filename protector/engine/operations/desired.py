"""The server an operation recreates, as the member and its plan want it.

The member's captured spec says how the server looked; the recovery plan's
overrides (ports with ip/mac/floating_ip, flavor, security groups, ...)
win over it.  Everything here is about the *source* side: which source
network and subnet each NIC was on; ``mappings`` says what stands for
them on the target.
"""


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


def _spec_port_of_subnet(spec, subnet_id=None, cidr=None):
    for port in spec.get('ports') or []:
        for fixed_ip in port.get('fixed_ips') or []:
            if subnet_id and fixed_ip.get('subnet_id') == subnet_id:
                return port, fixed_ip
            if cidr and fixed_ip.get('cidr') == cidr:
                return port, fixed_ip
    return None, None


def ports(member, subnets):
    """The NICs of the server to recreate, in order.

    ``[{'network_id', 'network_name', 'fixed_ip', 'mac_address', 'floating_ip',
    'problem'}]`` with the source network and fixed IP.  ``subnets`` is
    the group's plan ``subnets`` section.  A plan port whose subnet
    matches no NIC of the server gets a ``problem``.
    """
    spec = member['spec']
    planned = (member.get('overrides') or {}).get('ports')
    if not planned:
        return [{'network_id': port.get('network_id'),
                 'network_name': port.get('network_name'),
                 'fixed_ip': dict((port.get('fixed_ips') or [{}])[0]),
                 'mac_address': port.get('mac_address'),
                 'floating_ip': bool(port.get('floating_ips')),
                 'problem': None}
                for port in spec.get('ports') or []]
    result = []
    for entry in planned:
        subnet = (subnets or {}).get(entry['subnet']) or {}
        port, fixed_ip = _spec_port_of_subnet(
            spec, subnet_id=subnet.get('subnet_id') or entry['subnet'],
            cidr=subnet.get('cidr'))
        problem = None
        if port is None:
            problem = ("port %s of server %s is on subnet %r, which none "
                       "of its NICs uses; fix the recovery plan"
                       % (entry['name'], member['server_name'],
                          entry['subnet']))
        fixed = dict(fixed_ip or {})
        if entry.get('ip'):
            fixed['ip_address'] = entry['ip']
        result.append({'network_id': (port or {}).get('network_id'),
                       'network_name': (port or {}).get('network_name'),
                       'fixed_ip': fixed,
                       'mac_address': entry.get('mac') or (
                           port or {}).get('mac_address'),
                       'floating_ip': bool(entry.get('floating_ip')),
                       'problem': problem})
    return result


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
