"""Recovery plans: validation that names every problem, warnings, export."""

import copy
import types

import testtools

from protector.common import exception
from protector.common import plan_keys
from protector.common import recovery_plan
from protector.tests.unit import acura_seed
from protector.tests.unit.api import test_plans
from protector.tests.unit import base

SEED_PLAN = test_plans.SEED_PLAN


def member(spec, member_id, **fields):
    values = {'id': member_id, 'server_id': spec['id'],
              'server_name': spec['name'], 'spec': spec, 'rank': 0,
              'boot_condition': None, 'overrides': {}}
    values.update(fields)
    return types.SimpleNamespace(**values)


def members(names=('IIS-Demo', 'rhel7.2')):
    servers = {s['name']: s for s in base.inventory()['site-a']['servers']}
    ids = {'IIS-Demo': 'member-web', 'rhel7.2': 'member-db'}
    return [member(servers[name], ids[name]) for name in names]


def imported(plan, names=('IIS-Demo', 'rhel7.2')):
    """The group and members as an import of ``plan`` leaves them."""
    entries, subnets = recovery_plan.validate(copy.deepcopy(plan),
                                              members(names), 'web-tier')
    group = types.SimpleNamespace(subnets=subnets)
    return group, [member(m.spec, m.id, **entries[m.id])
                   for m in members(names)]


class TestValidate(testtools.TestCase):

    def _problems(self, plan, names=('IIS-Demo', 'rhel7.2')):
        error = self.assertRaises(exception.PlanInvalid,
                                  recovery_plan.validate, plan,
                                  members(names), 'web-tier')
        self.assertEqual('The recovery plan has %d problem(s); fix every '
                         'one and import it again.' % len(error.problems),
                         str(error))
        return error.problems

    def test_seed_plan_is_valid(self):
        entries, subnets = recovery_plan.validate(
            copy.deepcopy(SEED_PLAN), members(), 'web-tier')

        self.assertEqual(SEED_PLAN['subnets'], subnets)
        self.assertEqual({'member-web', 'member-db'}, set(entries))
        self.assertEqual(1, entries['member-web']['rank'])
        self.assertIsNone(entries['member-web']['boot_condition'])
        self.assertEqual({'id', 'ports', 'scheduler_hints', 'device_name'},
                         set(entries['member-web']['overrides']))
        self.assertEqual({'rank': 0, 'boot_condition': {
            'delay_seconds': 120, 'type': 'wait'}, 'overrides': {
                'id': base.DB_ID, 'device_name': 'rhel7.2',
                'ports': SEED_PLAN['devices']['rhel7.2']['ports']}},
            entries['member-db'])

    def test_every_example_of_the_acura_documentation_is_valid(self):
        for example in acura_seed.EVERY_EXAMPLE:
            names = acura_seed.servers(example)
            entries, subnets = recovery_plan.validate(
                example(), members(names), 'web-tier')

            self.assertEqual(len(names), len(entries), example.__name__)
            self.assertEqual(example()['subnets'], subnets)

    def test_device_keeps_every_key_it_was_given(self):
        entries, _subnets = recovery_plan.validate(
            acura_seed.table_examples(), members(['rhel7.2']), 'web-tier')

        device = acura_seed.table_examples()['devices']['rhel7.2']
        del device['rank']
        self.assertEqual(dict(device, device_name='rhel7.2'),
                         entries['member-db']['overrides'])

    def test_every_shape_problem_is_reported_with_its_path(self):
        plan = copy.deepcopy(SEED_PLAN)
        web = plan['devices']['IIS-Demo']
        web['rank'] = -1
        web['colour'] = 'blue'
        web['ports'][1] = {'name': 'port_1'}
        plan['devices']['rhel7.2']['boot_condition'] = {'type': 'wait'}
        del plan['subnets']['external']['cidr']

        problems = self._problems(plan)

        self.assertEqual(5, len(problems), problems)
        self.assertIn('devices.IIS-Demo.rank: -1 is less than the minimum '
                      'of 0', problems)
        self.assertIn("devices.IIS-Demo: Additional properties are not "
                      "allowed ('colour' was unexpected)", problems)
        self.assertIn("devices.IIS-Demo.ports.1: 'subnet' is a required "
                      "property", problems)
        self.assertIn('devices.rhel7.2.boot_condition: boot_condition must '
                      'be {"type": "wait", "delay_seconds": N}, {"type": '
                      '"active"} or {"type": "tcp", "port": N}', problems)
        self.assertIn("subnets.external: 'cidr' is a required property",
                      problems)

    def test_every_shape_problem_of_acura_keys(self):
        plan = acura_seed.table_examples()
        device = plan['devices']['rhel7.2']
        device['config_drive'] = 'yes'
        device['hostname'] = 'web_01'
        device['custom_image_metadata'] = ['hw_disk_bus=scsi']
        device['ports'] = {'port_0': {'ip': '172.22.8.144'},
                           'port_1': {'subnet': 'subnet_1', 'mtu': 20,
                                      'routing_allowed': 1}}
        plan['subnets']['subnet_1']['dns_nameservers'] = '172.22.1.2'

        problems = self._problems(plan, ['rhel7.2'])

        self.assertEqual([
            "devices.rhel7.2.config_drive: must be true or false",
            "devices.rhel7.2.custom_image_metadata: ['hw_disk_bus=scsi'] "
            "is not of type 'object', 'string'",
            'devices.rhel7.2.hostname: must be true, false or a host name '
            'such as web-01 (letters, digits and hyphens, dots between '
            'labels)',
            "devices.rhel7.2.ports.port_0: 'subnet' is a required property",
            'devices.rhel7.2.ports.port_1.mtu: 20 is less than the minimum '
            'of 68',
            'devices.rhel7.2.ports.port_1.routing_allowed: must be true or '
            'false',
            "subnets.subnet_1.dns_nameservers: '172.22.1.2' is not of type "
            "'array'"], sorted(problems))

    def test_every_meaning_problem_is_reported_with_its_path(self):
        plan = copy.deepcopy(SEED_PLAN)
        web_ports = plan['devices']['IIS-Demo']['ports']
        web_ports[0]['ip'] = '192.168.16.1'
        db_port = plan['devices']['rhel7.2']['ports'][0]
        db_port['ip'] = 'not-an-ip'
        db_port['mac'] = 'fa:16:3e'
        plan['subnets']['spare'] = {'cidr': '192.168.15/24'}
        plan['devices']['ghost'] = {'rank': 0}

        problems = self._problems(plan)

        self.assertEqual([
            'devices.IIS-Demo.ports.0.ip: 192.168.16.1 is outside subnet '
            'main_subnet (192.168.15.0/24)',
            "devices.ghost: no member of protection group 'web-tier' is "
            "named 'ghost' or has server id None",
            "devices.rhel7.2.ports.0.ip: 'not-an-ip' is not an IP address",
            "devices.rhel7.2.ports.0.mac: 'fa:16:3e' is not a MAC address "
            "such as fa:16:3e:00:00:01",
            "subnets.spare.cidr: '192.168.15/24' is not a CIDR such as "
            "192.168.15.0/24"], sorted(problems))

    def test_every_meaning_problem_of_acura_keys(self):
        plan = acura_seed.table_examples()
        device = plan['devices']['rhel7.2']
        device['custom_image_metadata'] = 'hw_disk_bus=scsi,virtio'
        port = device['ports'][0]
        port['gateway_ip'] = '10.0.0.1'
        port['dns_nameservers'] = ['172.22.1.2', 'dns.example']
        plan['subnets']['subnet_1'].update(gateway_ip='172.23.0.1',
                                           dns_nameservers=['8.8.8.300'])

        problems = self._problems(plan, ['rhel7.2'])

        self.assertEqual([
            "devices.rhel7.2.custom_image_metadata: 'virtio' is not "
            "key=value; write \"key=value,key=value\" or an object",
            'devices.rhel7.2.ports.0.dns_nameservers.1: \'dns.example\' is '
            'not an IP address',
            'devices.rhel7.2.ports.0.gateway_ip: 10.0.0.1 is outside subnet '
            'subnet_1 (172.22.0.0/16)',
            "subnets.subnet_1.dns_nameservers.0: '8.8.8.300' is not an IP "
            "address",
            'subnets.subnet_1.gateway_ip: 172.23.0.1 is outside subnet '
            'subnet_1 (172.22.0.0/16)'], sorted(problems))

    def test_subnets_inside_devices_is_named_as_such(self):
        problems = self._problems(acura_seed.ntp_as_documented(),
                                  ['rhel7.2'])

        self.assertEqual(['devices.subnets: "subnets" belongs at the top '
                          'level of the plan, beside "devices", not inside '
                          'it'], problems)

    def test_shape_and_meaning_problems_are_reported_together(self):
        plan = copy.deepcopy(SEED_PLAN)
        plan['devices']['IIS-Demo']['rank'] = 'first'
        plan['devices']['rhel7.2']['ports'][0]['ip'] = '10.9.9.9'

        problems = self._problems(plan)

        self.assertEqual([
            "devices.IIS-Demo.rank: 'first' is not of type 'integer'",
            'devices.rhel7.2.ports.0.ip: 10.9.9.9 is outside subnet '
            'main_subnet (192.168.15.0/24)'], sorted(problems))

    def test_missing_member_is_reported_with_other_problems(self):
        plan = copy.deepcopy(SEED_PLAN)
        del plan['devices']['rhel7.2']
        plan['devices']['IIS-Demo']['ports'][0]['mac'] = 'nope'

        problems = self._problems(plan)

        self.assertEqual([
            "devices.IIS-Demo.ports.0.mac: 'nope' is not a MAC address such "
            "as fa:16:3e:00:00:01",
            'devices: member rhel7.2 (%s) is missing; list every member of '
            'the group' % base.DB_ID], problems)

    def test_server_planned_twice(self):
        plan = copy.deepcopy(SEED_PLAN)
        plan['devices']['web-again'] = {'id': base.WEB_ID, 'rank': 2}

        problems = self._problems(plan)

        self.assertEqual(['devices.web-again: server %s is already planned '
                          'under another name' % base.WEB_ID], problems)

    def test_device_found_by_server_id_under_another_name(self):
        plan = copy.deepcopy(SEED_PLAN)
        plan['devices']['frontend'] = plan['devices'].pop('IIS-Demo')

        entries, _subnets = recovery_plan.validate(plan, members(),
                                                   'web-tier')

        self.assertEqual(1, entries['member-web']['rank'])
        self.assertEqual('frontend',
                         entries['member-web']['overrides']['device_name'])

    def test_port_on_a_subnet_the_server_uses(self):
        plan = {'devices': {
            'IIS-Demo': {'rank': 0, 'ports': [{
                'name': 'port_0', 'subnet': base.MAIN_SUBNET_ID,
                'ip': '192.168.15.200'}]},
            'rhel7.2': {'rank': 0, 'ports': [{
                'name': 'port_0', 'subnet': base.MAIN_SUBNET_ID,
                'ip': '192.168.99.1'}]}}}

        problems = self._problems(plan)

        self.assertEqual(['devices.rhel7.2.ports.0.ip: 192.168.99.1 is '
                          'outside subnet %s (192.168.15.0/24)'
                          % base.MAIN_SUBNET_ID], problems)

    def test_plan_must_list_devices(self):
        self.assertEqual(["(plan): 'devices' is a required property"],
                         self._problems({'subnets': {}}))


class TestWarnings(testtools.TestCase):

    def _warnings(self, plan, names=('rhel7.2',)):
        return recovery_plan.warnings(plan, members(names))

    def test_subnet_known_to_neither_plan_nor_server(self):
        self.assertEqual([
            'devices.IIS-Demo.ports.1.subnet: \'external\' is neither a key '
            'of "subnets" nor a subnet the server uses, so it must be the '
            'name or ID of a subnet of the recovery site; an operation '
            'checks it when it starts'],
            self._warnings(acura_seed.full(), ['IIS-Demo', 'rhel7.2']))

    def test_each_kept_key_is_named_with_its_reason(self):
        self.assertEqual([
            'devices.rhel7.2.fix_dev_prefix: fix_dev_prefix has no '
            'OpenStack meaning, so it is kept and exported unchanged but not '
            'applied (%s)' % plan_keys.DEVICE['fix_dev_prefix'],
            'devices.rhel7.2.firmware: firmware has no OpenStack meaning, so '
            'it is kept and exported unchanged but not applied (it is a '
            'VMware, oVirt and GCP setting; on OpenStack put '
            'hw_firmware_type in custom_image_metadata)',
            'devices.rhel7.2.copy_efi_bootloader: copy_efi_bootloader has no '
            'OpenStack meaning, so it is kept and exported unchanged but not '
            'applied (%s)' % plan_keys.DEVICE['copy_efi_bootloader'],
            'devices.rhel7.2.ports.0.interface: interface has no OpenStack '
            'meaning, so it is kept and exported unchanged but not applied '
            '(it is a KubeVirt setting)'],
            self._warnings(acura_seed.table_examples()))

    def test_ntp_server(self):
        self.assertEqual([
            'devices.rhel7.2.ntp_server: ntp_server has no OpenStack '
            'meaning, so it is kept and exported unchanged but not applied '
            '(it configures NTP inside a Windows guest; protector does not '
            'change guest operating systems)'],
            self._warnings(acura_seed.ntp()))

    def test_hostname_false_but_not_true(self):
        plan = acura_seed.hostname()
        plan['devices']['rhel7.2']['hostname'] = False
        self.assertEqual([
            'devices.rhel7.2.hostname: hostname false has no OpenStack '
            'meaning, so it is kept and exported unchanged but not applied '
            '(Nova gives every server a hostname made from its name, and '
            'cloud-init sets it in the guest)'], self._warnings(plan))
        plan['devices']['rhel7.2']['hostname'] = True
        self.assertEqual([], self._warnings(plan))

    def test_what_protector_applies_warns_nothing(self):
        for example in (acura_seed.mtu, acura_seed.static_port,
                        acura_seed.hostname):
            self.assertEqual([], self._warnings(example()), example.__name__)
        plan = acura_seed.machine_description()
        del plan['devices']['IIS-Demo']
        self.assertEqual([], self._warnings(plan))


class TestExport(testtools.TestCase):

    def test_default_plan(self):
        group = types.SimpleNamespace(subnets={})
        web, db = members()

        plan = recovery_plan.export(group, [web, db])

        self.assertEqual({'id': base.WEB_ID, 'rank': 0, 'ports': [
            {'name': 'port_0', 'subnet': base.MAIN_SUBNET_ID,
             'ip': '192.168.15.112', 'mac': 'fa:16:3e:00:00:01'},
            {'name': 'port_1', 'subnet': base.EXTERNAL_SUBNET_ID,
             'ip': '203.0.113.12', 'mac': 'fa:16:3e:00:01:01'}]},
            plan['devices']['IIS-Demo'])
        # The source subnets are no subnet of the recovery site.
        self.assertEqual({base.MAIN_SUBNET_ID: {'cidr': '192.168.15.0/24'},
                          base.EXTERNAL_SUBNET_ID: {'cidr': '203.0.113.0/24'}},
                         plan['subnets'])

    def test_validated_plan_exports_unchanged(self):
        self.assertEqual(SEED_PLAN, recovery_plan.export(*imported(
            SEED_PLAN)))

    def test_every_acura_example_exports_as_it_was_imported(self):
        for example in acura_seed.EVERY_EXAMPLE:
            exported = recovery_plan.export(*imported(
                example(), acura_seed.servers(example)))

            self.assertEqual(example(), exported, example.__name__)

    def test_ports_keep_their_order(self):
        plan = acura_seed.machine_description()
        ports = plan['devices']['rhel7.2']['ports']
        for index in (10, 2, 1):
            ports['port_%d' % index] = {'subnet': 'main_subnet'}

        exported = recovery_plan.export(*imported(plan))

        self.assertEqual(['port_0', 'port_10', 'port_2', 'port_1'],
                         list(exported['devices']['rhel7.2']['ports']))

    def test_a_device_under_another_name_keeps_it(self):
        plan = copy.deepcopy(SEED_PLAN)
        plan['devices']['frontend'] = plan['devices'].pop('IIS-Demo')

        self.assertEqual(plan, recovery_plan.export(*imported(plan)))

    def test_member_added_after_the_import_shows_its_defaults(self):
        group, planned = imported(acura_seed.static_port(), ['rhel7.2'])
        web = members(['IIS-Demo'])[0]

        plan = recovery_plan.export(group, planned + [web])

        self.assertEqual(acura_seed.static_port()['devices']['rhel7.2'],
                         plan['devices']['rhel7.2'])
        self.assertEqual(base.WEB_ID, plan['devices']['IIS-Demo']['id'])
        self.assertEqual({'subnet_1', base.MAIN_SUBNET_ID,
                          base.EXTERNAL_SUBNET_ID}, set(plan['subnets']))
