"""Operations apply a recovery plan in the Acura format where OpenStack can.

The plan's subnets are found on the recovery site by ``subnet_id``, by
name, or made there (and removed by the undo of an operation and by test
cleanup); the devices' settings reach Nova, Neutron and Cinder.
"""

import base64
import email

from protector.common import exception
from protector.common import steps
from protector.db import api as db
from protector.engine import group_environment
from protector.engine.operations import mappings as mapping_lib
from protector.engine.operations import record
from protector.engine.operations import target_subnets
from protector.engine.operations import user_data
from protector.tests.unit.engine.operations import base
from protector.tests.unit.engine.operations import fixtures

# A subnet id no site has.
NOWHERE = '0b7e6d58-2f44-4c59-9f0a-8d1a3e6c2b11'


class AcuraPlanTestCase(base.OperationTestCase):

    def set_plan(self, devices=None, subnets=None):
        """Import a plan: every server at its rank, and ``devices``."""
        plan = {'devices': {name: {'rank': rank}
                            for name, rank, _, _, _ in fixtures.SERVERS},
                'subnets': subnets or {}}
        for name, values in (devices or {}).items():
            plan['devices'][name].update(values)
        self.manager.plan_import(self.context, self.group.id, plan)

    def site_b(self):
        return self.sites.cloud('site-b')

    def network_b(self, name):
        return self.site_b().networks[self.sites.networks['site-b'][name]]

    def subnets_of(self, network_id):
        return [s for s in self.site_b().subnets.values()
                if s['network_id'] == network_id]

    def port(self, name):
        port, = self.ports_of('site-b', self.target_servers('site-b')[name])
        return port

    def without_target_subnet(self, network):
        """site-b's network keeps no subnet (the plan's will be made)."""
        cloud = self.site_b()
        for subnet in self.subnets_of(self.network_b(network)['id']):
            del cloud.subnets[subnet['id']]
        self.network_b(network)['subnet_ids'] = []


class TestTargetSubnets(AcuraPlanTestCase):

    WEB = {'web': {'cidr': '10.0.0.0/24', 'subnet_id': NOWHERE,
                   'name': 'web-subnet', 'gateway_ip': '10.0.0.254',
                   'dns_nameservers': ['10.0.0.53']}}

    def web_ports(self, ip_web1='10.0.0.30', ip_web2='10.0.0.31'):
        return {'web-1': {'ports': {'port_0': {'subnet': 'web',
                                               'ip': ip_web1}}},
                'web-2': {'ports': [{'name': 'port_0', 'subnet': 'web',
                                     'ip': ip_web2}]}}

    def test_a_missing_subnet_is_made_on_the_mapped_network(self):
        self.without_target_subnet('net-web')
        self.set_plan(self.web_ports(), self.WEB)

        operation = self.start('test_failover')

        self.assertCompleted(operation)
        self.assertIn(steps.TARGET_SUBNETS, operation.steps_completed)
        network = self.network_b('net-web')
        subnet, = self.subnets_of(network['id'])
        self.assertEqual(('web-subnet', '10.0.0.0/24', '10.0.0.254',
                          ['10.0.0.53']),
                         (subnet['name'], subnet['cidr'],
                          subnet['gateway_ip'], subnet['dns_nameservers']))
        self.assertEqual({'web': {
            'subnet_made': True, 'network_id': network['id'],
            'cidr': '10.0.0.0/24', 'subnet_id': subnet['id']}},
            operation.parameters['target_subnets'])
        for name, ip in (('web-1', '10.0.0.30'), ('web-2', '10.0.0.31')):
            self.assertEqual([{'subnet_id': subnet['id'], 'ip_address': ip}],
                             self.port(name)['fixed_ips'])
            self.assertIn('subnet web (10.0.0.0/24) made on site site-b',
                          self.result(operation, name)['reason'])

    def test_test_cleanup_removes_the_subnet_the_drill_made_only(self):
        self.without_target_subnet('net-web')
        self.set_plan(self.web_ports(), self.WEB)
        self.start('test_failover')

        self.assertCompleted(self.start('test_cleanup'))

        network = self.network_b('net-web')
        self.assertEqual([], self.subnets_of(network['id']))
        self.assertEqual(2, len([n for n in self.site_b().networks.values()
                                 if n['project_id'] ==
                                 fixtures.PROJECTS['site-b']]))

    def test_a_network_named_for_the_subnet_is_made_with_its_mtu(self):
        self.set_plan({'db-1': {'ports': [{
            'name': 'port_0', 'subnet': 'DS-internal-2',
            'ip': '172.22.8.249', 'mac': '08:00:27:46:79:29',
            'gateway_ip': '172.22.1.2', 'mtu': 1511,
            'dns_nameservers': ['172.22.1.2', '8.8.4.4']}]}},
            {'DS-internal-2': {'name': 'DS-internal-2',
                               'subnet_id': NOWHERE,
                               'cidr': '172.22.0.0/16'}})

        operation = self.start('failover', type='planned')

        self.assertCompleted(operation)
        port = self.port('db-1')
        network = self.site_b().networks[port['network_id']]
        subnet, = self.subnets_of(network['id'])
        self.assertEqual(('DS-internal-2', 1511), (network['name'],
                                                   network['mtu']))
        self.assertEqual(('172.22.1.2', ['172.22.1.2', '8.8.4.4']),
                         (subnet['gateway_ip'], subnet['dns_nameservers']))
        self.assertEqual('172.22.8.249', port['fixed_ips'][0]['ip_address'])
        self.assertEqual('08:00:27:46:79:29', port['mac_address'])
        made = operation.parameters['target_subnets']['DS-internal-2']
        self.assertTrue(made['network_made'])
        self.assertEqual(network['id'], made['network_id'])

    def test_a_failed_operation_removes_what_it_made(self):
        self.set_plan({'db-1': {'ports': [{
            'name': 'port_0', 'subnet': 'backend', 'ip': '172.22.8.249'}]}},
            {'backend': {'cidr': '172.22.0.0/16'}})
        for name, _, _, _, _ in fixtures.SERVERS:
            self.site_b().failures['boot:%s' % name] = ['No valid host']
        networks = set(self.site_b().networks)

        operation = self.start('failover', type='planned')

        self.assertEqual('failed', operation.status)
        self.assertTrue(operation.parameters['target_subnets']['backend'][
            'network_made'])
        self.assertEqual(networks, set(self.site_b().networks))
        self.assertEqual([], [s for s in self.site_b().subnets.values()
                              if s['cidr'] == '172.22.0.0/16'])

    def test_an_existing_subnet_id_is_used_and_never_removed(self):
        db_subnet, = self.subnets_of(self.network_b('net-db')['id'])
        self.set_plan({'web-1': {'ports': [{
            'name': 'port_0', 'subnet': 'db', 'ip': '10.0.1.77'}]}},
            {'db': {'cidr': '10.0.1.0/24', 'subnet_id': db_subnet['id'],
                    'gateway_ip': '10.0.1.254', 'mtu': 9000}})

        operation = self.start('test_failover')

        self.assertCompleted(operation)
        self.assertEqual([{'subnet_id': db_subnet['id'],
                           'ip_address': '10.0.1.77'}],
                         self.port('web-1')['fixed_ips'])
        self.assertNotIn('target_subnets', operation.parameters)
        reason = self.result(operation, 'web-1')['reason']
        self.assertIn('gateway_ip 10.0.1.254 of subnet db not applied: '
                      'subnet %s exists on site site-b with 10.0.1.1'
                      % db_subnet['id'], reason)
        self.assertIn('mtu 9000 of subnet db not applied: network %s exists '
                      'on site site-b with mtu 1500'
                      % self.network_b('net-db')['id'], reason)
        self.start('test_cleanup')
        self.assertIn(db_subnet['id'], self.site_b().subnets)

    def test_a_subnet_named_by_the_recovery_site(self):
        self.set_plan({'web-1': {'ports': [{
            'name': 'port_0', 'subnet': 'net-db-subnet'}]}})

        self.assertCompleted(self.start('failover', type='planned'))

        self.assertEqual(self.network_b('net-db')['id'],
                         self.port('web-1')['network_id'])

    def test_a_subnet_the_recovery_site_lacks_is_refused_before_anything(
            self):
        self.set_plan({'web-1': {'ports': [{
            'name': 'port_0', 'subnet': 'external'}]}})

        error = self.assertRaises(exception.BadRequest, self.start,
                                  'failover', type='planned')

        self.assertIn("Server web-1: subnet external of the recovery plan: "
                      "Subnet 'external' does not exist on site site-b. "
                      'Describe it under "subnets" of the recovery plan '
                      '(with its cidr), or create it on site site-b.',
                      error.msg)
        self.assertEqual({}, self.target_servers('site-b'))

    def test_isolated_test_failover_copies_the_plan_subnets(self):
        self.set_plan({'web-1': {'ports': [{
            'name': 'port_0', 'subnet': 'dmz', 'ip': '192.168.77.7'}]}},
            {'dmz': {'cidr': '192.168.77.0/24'}})

        operation = self.start('test_failover', isolated_network=True)

        self.assertCompleted(operation)
        self.assertNotIn(steps.TARGET_SUBNETS, operation.steps_completed)
        port = self.port('web-1')
        network = self.site_b().networks[port['network_id']]
        self.assertTrue(network['name'].startswith('protector-test-op'))
        self.assertEqual('192.168.77.7', port['fixed_ips'][0]['ip_address'])
        self.start('test_cleanup')
        self.assertNotIn(network['id'], self.site_b().networks)


class TestFinderAfterACrash(AcuraPlanTestCase):
    """A run that made a subnet and died before recording its id."""

    def finder(self, operation_id):
        env = group_environment.Environment.of(operation_id)
        resolver = mapping_lib.TargetResolver(
            env.cloud(env.target), env.project(env.target),
            mapping_lib.effective(self.group, 'failover', {}), 'site-b')
        return target_subnets.Finder(
            env, record.Recorder(self.context, operation_id), resolver,
            {'dmz': {'cidr': '192.168.77.0/24'}})

    def test_the_next_run_takes_it_as_its_own(self):
        operation = self.start('sync')
        ports = [{'network_id': None, 'network_name': None,
                  'planned': {'subnet': 'dmz'}}]
        first = self.finder(operation.id).resolve('dmz', ports)
        db.operation_update(self.context, operation.id, parameters={
            'target_subnets': {'dmz': {'subnet_id': None}}})

        again = self.finder(operation.id).resolve('dmz', ports)

        self.assertEqual(first['subnet_id'], again['subnet_id'])
        made = db.operation_get(self.context, operation.id).parameters[
            'target_subnets']['dmz']
        self.assertEqual(first['subnet_id'], made['subnet_id'])
        target_subnets.remove(group_environment.Environment.of(
            operation.id), operation.id)
        self.assertNotIn(first['subnet_id'], self.site_b().subnets)
        self.assertNotIn(made['network_id'], self.site_b().networks)


class TestDeviceSettings(AcuraPlanTestCase):

    def test_nova_cinder_and_neutron_get_the_plan_settings(self):
        self.set_plan({'db-1': {
            'config_drive': 'true', 'hostname': 'db-primary',
            'user_data': '#!/bin/sh\necho plan\n',
            'rclocal_script': '#!/bin/bash\ndate > date.txt\n',
            'custom_image_metadata': 'hw_disk_bus=scsi,'
                                     'hw_scsi_model=virtio-scsi',
            'ports': [{'name': 'port_0', 'subnet': self.member(
                'db-1').spec['ports'][0]['fixed_ips'][0]['subnet_id'],
                'routing_allowed': True}]}})

        operation = self.start('failover', type='planned')

        self.assertCompleted(operation)
        server = self.target_servers('site-b')['db-1']
        self.assertEqual((True, 'db-primary'), (server['config_drive'],
                                                server['hostname']))
        document = email.message_from_bytes(base64.b64decode(
            server['user_data']))
        own, rclocal = document.get_payload()
        self.assertEqual('#!/bin/sh\necho plan\n', own.get_payload())
        self.assertIn(user_data.PER_BOOT_SCRIPT, rclocal.get_payload())
        boot_volume = self.site_b().volumes[server['volumes'][0][
            'volume_id']]
        self.assertEqual({'hw_disk_bus': 'scsi',
                          'hw_scsi_model': 'virtio-scsi'},
                         boot_volume['image_metadata'])
        self.assertEqual(['0.0.0.0/0', '::/0'], [
            p['ip_address'] for p in self.port('db-1')[
                'allowed_address_pairs']])

    def test_a_hostname_an_older_nova_cannot_take_is_left_out(self):
        self.site_b().compute_version = (2, 89)
        self.set_plan({'db-1': {'hostname': 'db-primary'}})

        operation = self.start('failover', type='planned')

        self.assertIsNone(self.target_servers('site-b')['db-1']['hostname'])
        self.assertIn('hostname db-primary not set: the compute API of site '
                      'site-b does not take it',
                      self.result(operation, 'db-1')['reason'])

    def test_rclocal_script_alone_is_a_cloud_config(self):
        config = base64.b64decode(user_data.build(
            None, '#!/bin/bash\ndate\n')).decode()

        self.assertTrue(config.startswith('#cloud-config\n'), config)
        self.assertIn(base64.b64encode(b'#!/bin/bash\ndate\n').decode(),
                      config)
