"""Recreating one member's server on the target site.

Ports are made first (named after the operation and member, so that a
run after a crash finds them), keeping the MAC address and fixed IPs
where the target network allows; then the server boots from the managed
volumes, with the operation's markers in its metadata.  What the plan
asks and the target cannot do (a MAC in use, a hostname an older Nova
does not take, ...) is left out and said in the server's result.
"""

from oslo_config import cfg
from oslo_utils import timeutils

from protector.common import coordination
from protector.common import driver_errors as errors
from protector.common import plan_format
from protector.engine.operations import boot
from protector.engine.operations import desired
from protector.engine.operations import mappings as mapping_lib
from protector.engine.operations import names
from protector.engine.operations import undo
from protector.engine.operations import user_data

CONF = cfg.CONF
# A port of a server that routes: Neutron lets any source address out.
ROUTING_PAIRS = [{'ip_address': '0.0.0.0/0'}, {'ip_address': '::/0'}]


def _dropped(attempt, following):
    """What the next attempt of making a port leaves out."""
    fixed, mac, pairs = attempt
    if pairs != following[2]:
        return 'routing_allowed (allowed address pairs)'
    if mac != following[1]:
        return 'MAC %s' % mac
    return 'IP %s' % fixed.get('ip_address')


class ServerBuilder(object):

    def __init__(self, env, recorder, member, mappings, subnets, volumes,
                 isolated=None, target_subnets=None):
        self.env = env
        self.recorder = recorder
        self.member = member
        self.member_id = member['member_id']
        self.subnets = subnets
        self.volumes = volumes
        self.isolated = isolated or {}
        self.target_subnets = target_subnets or {}
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

    def _mapped_network(self, source_network_id, source_network_name):
        network = self.resolver.network(source_network_id,
                                        source_network_name)
        if network is None:
            raise mapping_lib.MappingError(
                reason='No network mapping for network %s used by server '
                       '%s; add --network-mapping %s=<target network>'
                       % (source_network_id, self.member['server_name'],
                          source_network_id))
        return network

    def _plan_subnet(self, port):
        """Network and fixed IP on the target subnet of a plan's subnet."""
        found = self.target_subnets.get(port['subnet']) or {
            'error': 'it was not prepared on site %s' % self.env.target.name}
        if 'error' in found:
            raise mapping_lib.MappingError(
                reason='subnet %s of the recovery plan: %s'
                       % (port['subnet'], found['error']))
        self.notes.extend(n for n in found['notes'] if n not in self.notes)
        fixed = {'subnet_id': found['subnet_id']}
        address = port['fixed_ip'].get('ip_address')
        if address and mapping_lib.contains(found['cidr'], address):
            fixed['ip_address'] = address
        elif address:
            self.notes.append('IP %s not kept: subnet %s is %s on site %s'
                              % (address, port['subnet'], found['cidr'],
                                 self.env.target.name))
        return {'id': found['network_id']}, fixed

    def _placement(self, port):
        """The target network of a port to make, and its fixed IP."""
        key = desired.network_key(port)
        if key in self.isolated:
            network = {'id': self.isolated[key]}
        elif port['subnet'] is not None:
            return self._plan_subnet(port)
        else:
            network = self._mapped_network(port['network_id'],
                                           port['network_name'])
        return network, self.resolver.fixed_ip(network, port['fixed_ip'])

    def _create_port(self, name, network, fixed_ip, mac, security_groups,
                     pairs):
        attempts = [(fixed_ip, mac, pairs)]
        if pairs:
            attempts.append((fixed_ip, mac, None))
        if mac:
            attempts.append((fixed_ip, None, None))
        if fixed_ip and fixed_ip.get('ip_address'):
            attempts.append(({'subnet_id': fixed_ip['subnet_id']}, None,
                             None))
        for index, (fixed, mac_address, address_pairs) in enumerate(
                attempts):
            try:
                return self.cloud.create_port(
                    self.project, network['id'],
                    fixed_ips=[fixed] if fixed else None,
                    mac_address=mac_address,
                    security_groups=security_groups, name=name,
                    allowed_address_pairs=address_pairs)
            except (errors.CloudConflict, errors.CloudBadRequest,
                    errors.CloudForbidden) as exc:
                if index == len(attempts) - 1:
                    raise
                self.notes.append('port %s: %s; trying without it (%s)' % (
                    name, _dropped(attempts[index], attempts[index + 1]),
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
                network, fixed = self._placement(port)
                found = self._create_port(
                    name, network, fixed, port['mac_address'], groups,
                    ROUTING_PAIRS if port['routing_allowed'] else None)
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
        data = self._user_data(overrides.get('user_data') or
                               spec.get('user_data'),
                               overrides.get('rclocal_script'))
        if data:
            server['user_data'] = data
        if plan_format.flag(overrides.get('config_drive')):
            server['config_drive'] = True
        hostname = overrides.get('hostname')
        if isinstance(hostname, str):
            if self.cloud.supports_hostname(self.project, hostname):
                server['hostname'] = hostname
            else:
                self.notes.append(
                    'hostname %s not set: the compute API of site %s does '
                    'not take it (Nova 2.90 and later take a host name, '
                    '2.94 and later one with dots)'
                    % (hostname, self.env.target.name))
        for key in ('availability_zone', 'scheduler_hints'):
            if overrides.get(key):
                server[key] = overrides[key]
        group_id = self._server_group()
        if group_id:
            server['server_group'] = group_id
        if desired.boot_volume_missing(self.member):
            server['image'] = self.resolver.image(spec.get('image'))
        return server

    def _user_data(self, own, rclocal_script):
        try:
            return user_data.build(own, rclocal_script)
        except ValueError as exc:
            self.notes.append('rclocal_script not applied: %s' % exc)
            return user_data.build(own)

    def _image_metadata(self):
        """The plan's custom_image_metadata, on the boot volume.

        Nova reads the image properties of a server booted from a volume
        from that volume's image metadata.
        """
        value = (self.member.get('overrides') or {}).get(
            'custom_image_metadata')
        try:
            metadata = plan_format.image_metadata(value)
        except ValueError as exc:
            self.notes.append('custom_image_metadata not applied: %s' % exc)
            return
        boot_volume = next((v for v in self.volumes
                            if v.get('boot_index') == 0), None)
        if metadata and boot_volume is None:
            self.notes.append('custom_image_metadata not applied: the '
                              'server boots from an image, whose '
                              'properties other servers share')
        elif metadata:
            try:
                self.cloud.set_volume_image_metadata(
                    self.project, boot_volume['volume_id'], metadata)
            except errors.DriverError as exc:
                self.notes.append('custom_image_metadata not applied: %s'
                                  % exc)

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
            self._image_metadata()
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
