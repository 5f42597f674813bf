"""The recovery site's subnets for the subnets a recovery plan names.

A port of a plan names its subnet: a key of the plan's ``subnets``, whose
``subnet_id`` is the subnet on the recovery site, or else the name or id
of a subnet there.  When the recovery site has no subnet of that
``subnet_id``, the operation makes it in the tenant's project from the
plan's entry (``cidr``, ``gateway_ip``, ``dns_nameservers``, ``name``;
the ports on it fill in what the entry leaves out): on the network the
mappings give for the network of the server's NIC on that subnet, or
else on a network named for the entry, found or made.  ``mtu`` is a
network setting in Neutron: it is applied only to a network made here.

What it makes is recorded in the operation's parameters (``RECORD``)
before and after each creation, so that a run after a crash finds it
again; the undo of a failed operation and test cleanup remove exactly
that, never what existed before.
"""

import ipaddress

from protector.common import driver_errors as errors
from protector.common import plan_format
from protector.engine.operations import mappings as mapping_lib

RECORD = 'target_subnets'


def _same_network(one, other):
    try:
        return ipaddress.ip_network(one, strict=False) == \
            ipaddress.ip_network(other, strict=False)
    except (TypeError, ValueError):
        return False


def _settings(entry, ports):
    """What the subnet should be: the entry's, else its ports' values."""
    wanted = {'cidr': entry['cidr']}
    for key in ('gateway_ip', 'dns_nameservers', 'mtu'):
        values = [entry.get(key)] + [p.get(key) for p in ports]
        wanted[key] = next((v for v in values if v), None)
    return wanted


class Finder(object):
    """Finds or makes, for one run, the target subnet of each plan name.

    ``ports`` of ``resolve`` are what ``desired.ports`` gives for the ports
    on that subnet, each with the plan's own port entry (``planned``).
    """

    def __init__(self, env, recorder, resolver, subnets):
        self.cloud = env.cloud(env.target)
        self.project = env.project(env.target)
        self.site_name = env.target.name
        self.recorder = recorder
        self.resolver = resolver
        self.subnets = subnets or {}
        self.record = {name: dict(values) for name, values in (
            env.parameters.get(RECORD) or {}).items()}

    def _note(self, name, **values):
        self.record.setdefault(name, {}).update(values)
        self.recorder.parameters(**{RECORD: {name: values}})

    def resolve(self, name, ports):
        """``{'network_id', 'subnet_id', 'cidr', 'notes'}`` of a plan name.

        Raises MappingError or a DriverError when there is none.
        """
        entry = self.subnets.get(name)
        if entry is None:
            return self._result(self.resolver.target_subnet(name), [])
        wanted = _settings(entry, [p['planned'] for p in ports])
        if entry.get('subnet_id'):
            try:
                subnet = self.cloud.get_subnet(self.project,
                                               entry['subnet_id'])
            except errors.CloudNotFound:
                pass
            else:
                network = self.cloud.get_network(
                    self.project, subnet['network_id']) \
                    if wanted['mtu'] else None
                return self._result(subnet, self._differences(
                    name, subnet, wanted, network))
        network, network_made = self._network(name, entry, ports, wanted)
        subnet = next((s for s in self.cloud.list_subnets(
            self.project, network_id=network['id'])
            if _same_network(s['cidr'], wanted['cidr'])), None)
        made = self.record.get(name, {}).get('subnet_made', False)
        if subnet is None:
            self._note(name, subnet_made=True, network_id=network['id'],
                       cidr=wanted['cidr'])
            subnet = self.cloud.create_subnet(
                self.project, network['id'], wanted['cidr'],
                name=entry.get('name') or name,
                gateway_ip=wanted['gateway_ip'],
                dns_nameservers=wanted['dns_nameservers'])
            made = True
        if not made:
            return self._result(subnet, self._differences(
                name, subnet, wanted, None if network_made else network))
        if not self.record[name].get('subnet_id'):
            self._note(name, subnet_id=subnet['id'])
        notes = ['subnet %s (%s) made on site %s' % (
            name, subnet['cidr'], self.site_name)]
        if not network_made:
            notes.extend(self._differences(name, None, wanted, network))
        return self._result(subnet, notes)

    def _network(self, name, entry, ports, wanted):
        """The network of a subnet to make, and whether this run made it."""
        source = next((p for p in ports if p['network_id']), None)
        if source is not None:
            network = self.resolver.network(source['network_id'],
                                            source['network_name'])
            if network is not None:
                return network, False
        network_name = entry.get('name') or name
        found = [n for n in self.cloud.list_networks(self.project,
                                                     name=network_name)
                 if not n['external']]
        if len(found) > 1:
            raise mapping_lib.MappingError(reason=(
                "Network '%s' for subnet %s of the recovery plan is "
                "ambiguous on site %s (%d of that name); map the network "
                "of its servers or set its subnet_id" % (
                    network_name, name, self.site_name, len(found))))
        made = self.record.get(name, {}).get('network_made', False)
        if found:
            return found[0], made
        self._note(name, network_made=True, network_name=network_name)
        network = self.cloud.create_network(self.project, network_name,
                                            mtu=wanted['mtu'])
        self._note(name, network_id=network['id'])
        return network, True

    def _differences(self, name, subnet, wanted, network):
        """What of the plan an existing subnet or network does not have."""
        notes = []
        if subnet is not None:
            for key in ('gateway_ip', 'dns_nameservers'):
                if wanted[key] and wanted[key] != subnet.get(key):
                    notes.append(
                        '%s %s of subnet %s not applied: subnet %s exists '
                        'on site %s with %s' % (key, wanted[key], name,
                                                subnet['id'], self.site_name,
                                                subnet.get(key)))
        if network is not None and wanted['mtu'] and \
                wanted['mtu'] != network.get('mtu'):
            notes.append('mtu %s of subnet %s not applied: network %s '
                         'exists on site %s with mtu %s, and only a network '
                         'protector makes gets the plan\'s' % (
                             wanted['mtu'], name, network['id'],
                             self.site_name, network.get('mtu')))
        return notes

    @staticmethod
    def _result(subnet, notes):
        return {'network_id': subnet['network_id'], 'subnet_id': subnet['id'],
                'cidr': subnet['cidr'], 'notes': notes}


def wanted(members, subnets, ports_of):
    """``{plan name of a subnet: [ports on it]}`` of every member.

    ``ports_of(member)`` is ``desired.ports``; each port gets ``planned``,
    the plan's entry of that port.
    """
    found = {}
    for member in members.values():
        planned = plan_format.port_list(
            (member.get('overrides') or {}).get('ports'))
        for port, entry in zip(ports_of(member, subnets), planned):
            if port['subnet'] is not None:
                found.setdefault(port['subnet'], []).append(
                    dict(port, planned=entry))
    return found


def remove(env, operation_id):
    """Delete the subnets and networks an operation made on the target."""
    cloud, project = env.cloud(env.target), env.project(env.target)
    record = env.parameters.get(RECORD) or {}
    for name, made in sorted(record.items()):
        if not made.get('subnet_made'):
            continue
        subnet_ids = [made['subnet_id']] if made.get('subnet_id') else [
            s['id'] for s in cloud.list_subnets(
                project, network_id=made['network_id'])
            if _same_network(s['cidr'], made['cidr'])]
        for subnet_id in subnet_ids:
            cloud.delete_subnet(project, subnet_id)
    for name, made in sorted(record.items()):
        if not made.get('network_made'):
            continue
        network_ids = [made['network_id']] if made.get('network_id') else [
            n['id'] for n in cloud.list_networks(
                project, name=made['network_name'])]
        for network_id in network_ids:
            cloud.delete_network(project, network_id)
