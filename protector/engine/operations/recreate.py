"""Recreating one member's server on the target site.

Ports are made first (named after the operation and member, so that a
run after a crash finds them), keeping the MAC address and fixed IPs
where the target network allows; then the server boots from the managed
volumes, with the operation's markers in its metadata.
"""

import base64
import binascii

from oslo_config import cfg
from oslo_utils import timeutils

from protector.common import coordination
from protector.common import driver_errors as errors
from protector.engine.operations import boot
from protector.engine.operations import desired
from protector.engine.operations import mappings as mapping_lib
from protector.engine.operations import names
from protector.engine.operations import undo

CONF = cfg.CONF


def _user_data(value):
    """Nova wants base64; a plan may give the text itself."""
    if value is None:
        return None
    try:
        base64.b64decode(value, validate=True)
        return value
    except (binascii.Error, ValueError):
        return base64.b64encode(value.encode()).decode()


class ServerBuilder(object):

    def __init__(self, env, recorder, member, mappings, subnets, volumes,
                 isolated=None):
        self.env = env
        self.recorder = recorder
        self.member = member
        self.member_id = member['member_id']
        self.subnets = subnets
        self.volumes = volumes
        self.isolated = isolated or {}
        self.cloud = env.cloud(env.target)
        self.project = env.project(env.target)
        self.resolver = mapping_lib.TargetResolver(
            self.cloud, self.project, mappings, env.target.name)
        self.notes = []

    @property
    def test(self):
        return bool(self.isolated) or \
            self.env.operation.operation_type == 'test_failover'

    # Ports

    def _network(self, source_network_id, source_network_name):
        if source_network_id in self.isolated:
            return {'id': self.isolated[source_network_id]}
        network = self.resolver.network(source_network_id,
                                        source_network_name)
        if network is None:
            raise mapping_lib.MappingError(
                reason='No network mapping for network %s used by server '
                       '%s; add --network-mapping %s=<target network>'
                       % (source_network_id, self.member['server_name'],
                          source_network_id))
        return network

    def _create_port(self, name, network, fixed_ip, mac, security_groups):
        attempts = [(fixed_ip, mac)]
        if mac:
            attempts.append((fixed_ip, None))
        if fixed_ip and fixed_ip.get('ip_address'):
            attempts.append(({'subnet_id': fixed_ip['subnet_id']}, None))
        for index, (fixed, mac_address) in enumerate(attempts):
            try:
                return self.cloud.create_port(
                    self.project, network['id'],
                    fixed_ips=[fixed] if fixed else None,
                    mac_address=mac_address,
                    security_groups=security_groups, name=name)
            except (errors.CloudConflict, errors.CloudBadRequest,
                    errors.CloudForbidden) as exc:
                if index == len(attempts) - 1:
                    raise
                self.notes.append('port %s: %s; trying without it (%s)' % (
                    name, 'MAC %s' % mac_address if mac_address != attempts[
                        index + 1][1] else 'IP %s' % fixed.get('ip_address'),
                    exc.detail or exc))

    def ports(self, again):
        existing = {}
        if again:
            existing = {p['name']: p for p in undo.our_ports(
                self.cloud, self.project, self.env.operation_id,
                self.member_id)}
        groups = self.resolver.security_group_names(
            desired.security_groups(self.member))
        created = []
        for index, port in enumerate(desired.ports(self.member,
                                                   self.subnets)):
            name = names.port(self.env.operation_id, self.member_id, index)
            found = existing.get(name)
            if found is None:
                network = self._network(port['network_id'],
                                        port['network_name'])
                fixed = self.resolver.fixed_ip(network, port['fixed_ip'])
                found = self._create_port(name, network, fixed,
                                          port['mac_address'], groups)
            created.append((found, port))
            self.recorder.member(self.member_id, target_port_ids=[
                p['id'] for p, _ in created])
        return created

    # The server

    def _server_group(self):
        group = self.member['spec'].get('server_group')
        if not group:
            return None
        name = group['name']
        if self.test:
            name = names.server_group(self.env.operation_id, name)
        with coordination.get().lock('server group', self.env.operation_id,
                                     name):
            found = self.cloud.list_server_groups(self.project, name=name)
            if found:
                return found[0]['id']
            return self.cloud.create_server_group(
                self.project, name, group.get('policy') or
                'anti-affinity')['id']

    def spec(self, ports):
        spec = self.member['spec']
        overrides = self.member.get('overrides') or {}
        flavor = self.resolver.flavor(spec.get('flavor'),
                                      overrides.get('flavor'))
        metadata = names.without_markers(spec.get('metadata'))
        metadata.update(overrides.get('meta') or {})
        metadata.update(names.markers(self.env.operation_id, self.member_id,
                                      self.env.group.id))
        server = {
            'name': self.member['server_name'],
            'flavor': {'id': flavor['id']},
            'volumes': [{'volume_id': v['volume_id'],
                         'boot_index': v['boot_index'],
                         'device': v['device']} for v in self.volumes],
            'ports': [{'port_id': port['id']} for port, _ in ports],
            'metadata': metadata,
        }
        key_name = overrides.get('key_name') or spec.get('key_name')
        if key_name:
            server['key_name'] = key_name
            key_pair = spec.get('key_pair')
            if key_pair and key_pair.get('name') == key_name:
                server['key_pair'] = key_pair
        user_data = _user_data(overrides.get('user_data') or
                               spec.get('user_data'))
        if user_data:
            server['user_data'] = user_data
        for key in ('availability_zone', 'scheduler_hints'):
            if overrides.get(key):
                server[key] = overrides[key]
        group_id = self._server_group()
        if group_id:
            server['server_group'] = group_id
        if desired.boot_volume_missing(self.member):
            server['image'] = self.resolver.image(spec.get('image'))
        return server

    def _floating_ips(self, ports):
        if self.isolated:
            return
        wanted = [port for port, plan in ports if plan['floating_ip']]
        if not wanted:
            return
        external = self.cloud.list_networks(self.project, external=True)
        if not external:
            self.notes.append('no external network on site %s for its '
                              'floating IP' % self.env.target.name)
            return
        for port in wanted:
            if not self.cloud.list_floating_ips(self.project,
                                                port_id=port['id']):
                address = self.cloud.create_floating_ip(
                    self.project, external[0]['id'], port_id=port['id'])
                self.notes.append('floating IP %s'
                                  % address['floating_ip_address'])

    def run(self):
        """Recreate the server; returns its result.

        A failure of this server alone is its result, never an exception.
        """
        previous = self.recorder.members().get(self.member_id, {})
        if previous.get('status') == 'active':
            return previous
        again = bool(previous.get('attempted'))
        self.recorder.member(self.member_id, attempted=True,
                             status='creating')
        try:
            return self._run(again, previous)
        except (errors.DriverError, mapping_lib.MappingError) as exc:
            reason = '; '.join(self.notes + [str(exc)])
            self.recorder.step_failed('recreate_instance_%s'
                                      % self.member['server_name'], reason)
            return self._result(self.recorder.member(
                self.member_id, status='error', reason=reason))

    def _result(self, operation):
        return next(m for m in operation.members
                    if m['member_id'] == self.member_id)

    def _run(self, again, previous):
        server = None
        if again:
            server = undo.find_server(self.cloud, self.project,
                                      self.env.operation_id, self.member)
        ports = self.ports(again)
        if server is None:
            spec = self.spec(ports)
            created_at = timeutils.utcnow()
            server = self.cloud.create_server(self.project, spec)
            self.recorder.member(self.member_id,
                                 target_server_id=server['id'],
                                 created_at=created_at.isoformat())
        else:
            created_at = timeutils.parse_isotime(
                previous.get('created_at') or timeutils.utcnow().isoformat()
            ).replace(tzinfo=None)
        self.cloud.wait_for_server(self.project, server['id'], 'ACTIVE',
                                   CONF.engine.server_active_timeout)
        seconds = (timeutils.utcnow() - created_at).total_seconds()
        self.recorder.member(self.member_id, target_server_id=server['id'],
                             seconds_to_active=round(seconds, 1))
        try:
            self._floating_ips(ports)
        except errors.DriverError as exc:
            self.notes.append('floating IP not allocated: %s' % exc)
        address = next((f['ip_address'] for port, _ in ports
                        for f in port.get('fixed_ips') or []), None)
        unmet = boot.wait(self.member.get('boot_condition'), address,
                          self.recorder)
        if unmet:
            self.notes.append(unmet)
            self.recorder.step_failed('boot_condition_%s'
                                      % self.member['server_name'], unmet)
        return self._result(self.recorder.member(
            self.member_id, status='active',
            reason='; '.join(self.notes) or None))
