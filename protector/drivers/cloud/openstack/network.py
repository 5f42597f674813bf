"""Neutron: networks, subnets, ports, security groups, floating IPs."""

import ipaddress

from oslo_log import log as logging

from protector.common import driver_errors as errors
from protector.drivers.cloud.openstack import common

LOG = logging.getLogger(__name__)


def network_dict(network):
    return {'id': network.id, 'name': network.name,
            'external': bool(network.is_router_external),
            'shared': bool(network.is_shared),
            'subnet_ids': list(network.subnet_ids or []),
            'mtu': network.mtu}


def subnet_dict(subnet):
    return {'id': subnet.id, 'name': subnet.name,
            'network_id': subnet.network_id, 'cidr': subnet.cidr,
            'ip_version': subnet.ip_version, 'gateway_ip': subnet.gateway_ip,
            'enable_dhcp': bool(subnet.is_dhcp_enabled),
            'dns_nameservers': list(subnet.dns_nameservers or [])}


def port_dict(port):
    return {'id': port.id, 'name': port.name, 'network_id': port.network_id,
            'mac_address': port.mac_address,
            'fixed_ips': [{'subnet_id': f.get('subnet_id'),
                           'ip_address': f.get('ip_address')}
                          for f in port.fixed_ips or []],
            'security_group_ids': list(port.security_group_ids or []),
            'allowed_address_pairs': [
                {'ip_address': p.get('ip_address'),
                 'mac_address': p.get('mac_address')}
                for p in port.allowed_address_pairs or []],
            'device_id': port.device_id or None, 'status': port.status}


def security_group_dict(group):
    return {'id': group.id, 'name': group.name,
            'description': group.description or ''}


def floating_ip_dict(ip):
    return {'id': ip.id, 'floating_ip_address': ip.floating_ip_address,
            'floating_network_id': ip.floating_network_id,
            'port_id': ip.port_id, 'fixed_ip_address': ip.fixed_ip_address,
            'status': ip.status}


class NetworkMixin(object):

    def _net(self, project_id, action, kind, ident, func, **kwargs):
        return self.pcall(project_id, action, common.describe(
            kind, ident, project_id), func, **kwargs)

    # Networks and subnets

    def list_networks(self, project_id, name=None, external=None):
        query = {}
        if name is not None:
            query['name'] = name
        if external is not None:
            query['is_router_external'] = external
        return self._net(project_id, 'list networks', 'networks', None,
                         lambda c: [network_dict(n)
                                    for n in c.network.networks(**query)])

    def get_network(self, project_id, network_id):
        return self._net(project_id, 'read network', 'network', network_id,
                         lambda c: network_dict(
                             c.network.get_network(network_id)))

    def create_network(self, project_id, name, mtu=None):
        attrs = {'name': name}
        if mtu:
            attrs['mtu'] = mtu
        network = self._net(project_id, 'create network', 'network', name,
                            lambda c: network_dict(
                                c.network.create_network(**attrs)),
                            idempotent=False)
        LOG.info('Site %(site)s: created network %(id)s in project '
                 '%(project)s', {'site': self.site.name,
                                 'id': network['id'], 'project': project_id})
        return network

    def delete_network(self, project_id, network_id):
        self._net(project_id, 'delete network', 'network', network_id,
                  lambda c: c.network.delete_network(network_id,
                                                     ignore_missing=True))

    def list_subnets(self, project_id, network_id=None):
        query = {'network_id': network_id} if network_id else {}
        return self._net(project_id, 'list subnets', 'subnets', None,
                         lambda c: [subnet_dict(s)
                                    for s in c.network.subnets(**query)])

    def get_subnet(self, project_id, subnet_id):
        return self._net(project_id, 'read subnet', 'subnet', subnet_id,
                         lambda c: subnet_dict(
                             c.network.get_subnet(subnet_id)))

    def create_subnet(self, project_id, network_id, cidr, name=None,
                      gateway_ip=None, enable_dhcp=True,
                      dns_nameservers=None):
        attrs = {'network_id': network_id, 'cidr': cidr,
                 'ip_version': ipaddress.ip_network(cidr,
                                                    strict=False).version,
                 'is_dhcp_enabled': enable_dhcp}
        if name:
            attrs['name'] = name
        if gateway_ip:
            attrs['gateway_ip'] = gateway_ip
        if dns_nameservers:
            attrs['dns_nameservers'] = list(dns_nameservers)
        return self._net(project_id, 'create subnet', 'subnet', cidr,
                         lambda c: subnet_dict(c.network.create_subnet(
                             **attrs)), idempotent=False)

    def delete_subnet(self, project_id, subnet_id):
        self._net(project_id, 'delete subnet', 'subnet', subnet_id,
                  lambda c: c.network.delete_subnet(subnet_id,
                                                    ignore_missing=True))

    # Ports

    def list_ports(self, project_id, network_id=None, device_id=None):
        query = {}
        if network_id:
            query['network_id'] = network_id
        if device_id:
            query['device_id'] = device_id
        return self._net(project_id, 'list ports', 'ports', None,
                         lambda c: [port_dict(p)
                                    for p in c.network.ports(**query)])

    def get_port(self, project_id, port_id):
        return self._net(project_id, 'read port', 'port', port_id,
                         lambda c: port_dict(c.network.get_port(port_id)))

    def create_port(self, project_id, network_id, fixed_ips=None,
                    mac_address=None, security_groups=None, name=None,
                    allowed_address_pairs=None):
        attrs = {'network_id': network_id}
        if fixed_ips:
            attrs['fixed_ips'] = [
                {k: v for k, v in f.items()
                 if k in ('subnet_id', 'ip_address') and v}
                for f in fixed_ips]
        if mac_address:
            attrs['mac_address'] = mac_address
        if name:
            attrs['name'] = name
        if allowed_address_pairs:
            attrs['allowed_address_pairs'] = [
                {'ip_address': p['ip_address']}
                for p in allowed_address_pairs]
        if security_groups is not None:
            attrs['security_group_ids'] = self._security_group_ids(
                project_id, security_groups)
        resource = common.describe('port', name or mac_address or '',
                                   project_id)
        try:
            port = self.pcall(project_id, 'create port', resource,
                              lambda c: c.network.create_port(**attrs),
                              idempotent=False)
        except errors.CloudForbidden:
            if not (fixed_ips or mac_address):
                raise
            # A fixed address or MAC on a network the project does not own
            # (a shared provider network) needs an administrator; the port
            # is still created in the project, on a network it can see.
            self.get_network(project_id, network_id)
            attrs['project_id'] = project_id
            port = self.acall('create port', resource,
                              lambda c: c.network.create_port(**attrs),
                              idempotent=False)
        LOG.info('Site %(site)s: created port %(id)s (%(mac)s) in project '
                 '%(project)s', {'site': self.site.name, 'id': port.id,
                                 'mac': port.mac_address,
                                 'project': project_id})
        return port_dict(port)

    def delete_port(self, project_id, port_id):
        self._net(project_id, 'delete port', 'port', port_id,
                  lambda c: c.network.delete_port(port_id,
                                                  ignore_missing=True))

    # Security groups

    def _security_group_ids(self, project_id, groups):
        known = self.list_security_groups(project_id)
        ids = []
        for group in groups:
            if isinstance(group, dict):
                group = group.get('id') or group.get('name')
            match = [g['id'] for g in known if g['id'] == group] or \
                [g['id'] for g in known if g['name'] == group]
            if len(match) != 1:
                raise errors.CloudNotFound(
                    site=self.site.name, action='choose security groups',
                    resource=common.describe('security group', group,
                                             project_id),
                    detail='%d security groups have this name or id'
                           % len(match))
            ids.append(match[0])
        return ids

    def list_security_groups(self, project_id, name=None):
        query = {'project_id': project_id}
        if name is not None:
            query['name'] = name
        return self._net(project_id, 'list security groups',
                         'security groups', None,
                         lambda c: [security_group_dict(g) for g in
                                    c.network.security_groups(**query)])

    def create_security_group(self, project_id, name, description=''):
        return self._net(project_id, 'create security group',
                         'security group', name,
                         lambda c: security_group_dict(
                             c.network.create_security_group(
                                 name=name, description=description)),
                         idempotent=False)

    def delete_security_group(self, project_id, group_id):
        self._net(project_id, 'delete security group', 'security group',
                  group_id, lambda c: c.network.delete_security_group(
                      group_id, ignore_missing=True))

    # Floating IPs

    def list_floating_ips(self, project_id, port_id=None):
        query = {'project_id': project_id}
        if port_id:
            query['port_id'] = port_id
        return self._net(project_id, 'list floating IPs', 'floating IPs',
                         None, lambda c: [floating_ip_dict(i)
                                          for i in c.network.ips(**query)])

    def create_floating_ip(self, project_id, network_id, port_id=None,
                           fixed_ip_address=None, floating_ip_address=None):
        attrs = {'floating_network_id': network_id}
        if port_id:
            attrs['port_id'] = port_id
        if fixed_ip_address:
            attrs['fixed_ip_address'] = fixed_ip_address
        if floating_ip_address:
            attrs['floating_ip_address'] = floating_ip_address
        return self._net(project_id, 'create floating IP', 'floating IP',
                         floating_ip_address or '',
                         lambda c: floating_ip_dict(c.network.create_ip(
                             **attrs)), idempotent=False)

    def associate_floating_ip(self, project_id, floating_ip_id, port_id,
                              fixed_ip_address=None):
        attrs = {'port_id': port_id}
        if fixed_ip_address:
            attrs['fixed_ip_address'] = fixed_ip_address
        return self._net(project_id, 'associate floating IP', 'floating IP',
                         floating_ip_id,
                         lambda c: floating_ip_dict(c.network.update_ip(
                             floating_ip_id, **attrs)))

    def disassociate_floating_ip(self, project_id, floating_ip_id):
        return self._net(project_id, 'disassociate floating IP',
                         'floating IP', floating_ip_id,
                         lambda c: floating_ip_dict(c.network.update_ip(
                             floating_ip_id, port_id=None)))

    def delete_floating_ip(self, project_id, floating_ip_id):
        self._net(project_id, 'delete floating IP', 'floating IP',
                  floating_ip_id, lambda c: c.network.delete_ip(
                      floating_ip_id, ignore_missing=True))
