"""Recovery plans: validation that names every problem, and export."""

import copy
import types

import testtools

from protector.common import exception
from protector.common import recovery_plan
from protector.tests.unit.api import test_plans
from protector.tests.unit import base

SEED_PLAN = test_plans.SEED_PLAN


def member(spec, member_id, **fields):
    values = {'id': member_id, 'server_id': spec['id'],
              'server_name': spec['name'], 'spec': spec, 'rank': 0,
              'boot_condition': None, 'overrides': {}}
    values.update(fields)
    return types.SimpleNamespace(**values)


def members():
    servers = {s['name']: s for s in base.inventory()['site-a']['servers']}
    return [member(servers['IIS-Demo'], 'member-web'),
            member(servers['rhel7.2'], 'member-db')]


class TestValidate(testtools.TestCase):

    def _problems(self, plan):
        error = self.assertRaises(exception.PlanInvalid,
                                  recovery_plan.validate, plan, members(),
                                  'web-tier')
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
        self.assertEqual({'ports', 'scheduler_hints'},
                         set(entries['member-web']['overrides']))
        self.assertEqual({'rank': 0, 'boot_condition': {
            'delay_seconds': 120, 'type': 'wait'}, 'overrides': {
                'ports': SEED_PLAN['devices']['rhel7.2']['ports']}},
            entries['member-db'])

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

    def test_every_meaning_problem_is_reported_with_its_path(self):
        plan = copy.deepcopy(SEED_PLAN)
        web_ports = plan['devices']['IIS-Demo']['ports']
        web_ports[0]['ip'] = '192.168.16.1'
        web_ports[1]['subnet'] = 'dmz'
        db_port = plan['devices']['rhel7.2']['ports'][0]
        db_port['ip'] = 'not-an-ip'
        db_port['mac'] = 'fa:16:3e'
        plan['subnets']['spare'] = {'cidr': '192.168.15/24'}
        plan['devices']['ghost'] = {'rank': 0}

        problems = self._problems(plan)

        self.assertEqual([
            'devices.IIS-Demo.ports.0.ip: 192.168.16.1 is outside subnet '
            'main_subnet (192.168.15.0/24)',
            "devices.IIS-Demo.ports.1.subnet: 'dmz' is "
            "neither a key of \"subnets\" nor a subnet id the server uses",
            "devices.ghost: no member of protection group 'web-tier' is "
            "named 'ghost' or has server id None",
            "devices.rhel7.2.ports.0.ip: 'not-an-ip' is not an IP address",
            "devices.rhel7.2.ports.0.mac: 'fa:16:3e' is not a MAC address "
            "such as fa:16:3e:00:00:01",
            "subnets.spare.cidr: '192.168.15/24' is not a CIDR such as "
            "192.168.15.0/24"], sorted(problems))

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
        self.assertEqual({base.MAIN_SUBNET_ID, base.EXTERNAL_SUBNET_ID},
                         set(plan['subnets']))

    def test_validated_plan_exports_unchanged(self):
        group = types.SimpleNamespace(subnets=None)
        plan = copy.deepcopy(SEED_PLAN)
        entries, group.subnets = recovery_plan.validate(plan, members(),
                                                        'web-tier')
        planned = [member(m.spec, m.id, **entries[m.id])
                   for m in members()]

        self.assertEqual(SEED_PLAN, recovery_plan.export(group, planned))
