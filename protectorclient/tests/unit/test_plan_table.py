"""Recovery plans as CSV tables of servers."""

import testtools

from protectorclient.v1 import plan_table

PLAN = {
    'devices': {
        'web-1': {'id': 'w1', 'rank': 1, 'flavor': 'm1.large',
                  'boot_condition': {'type': 'wait', 'delay_seconds': 60},
                  'ports': {'port_0': {'subnet': 'app', 'ip': '10.0.0.31'},
                            'port_1': {'subnet': 'dmz'}},
                  'ntp_server': 'ntp.example'},
        'db-1': {'id': 'd1', 'rank': 0,
                 'boot_condition': {'type': 'tcp', 'port': 5432},
                 'ports': [{'name': 'port_0', 'subnet': 'app',
                            'ip': '10.0.0.21', 'mac': 'fa:16:3e:00:00:21'}]},
        'app-1': {'rank': 1},
    },
    'subnets': {'app': {'cidr': '10.0.0.0/24'}},
}
TABLE = ('name,id,rank,delay,flavor,ip\n'
         'db-1,d1,0,,,10.0.0.21\n'
         'app-1,,1,,,\n'
         'web-1,w1,1,60,m1.large,10.0.0.31\n')


class TestTable(testtools.TestCase):

    def test_export_in_boot_order(self):
        self.assertEqual(TABLE, plan_table.export(PLAN))

    def test_exported_table_applies_back_to_the_same_plan(self):
        rows, unused = plan_table.read(plan_table.export(PLAN))

        self.assertEqual([], unused)
        self.assertEqual(PLAN, plan_table.apply(PLAN, rows))

    def test_a_table_sets_its_columns_and_keeps_the_rest(self):
        rows, unused = plan_table.read(
            'Rank,Name,Delay,IP,Flavor,cidr\n'
            '2,web-1,,10.0.0.99,,10.0.0.0/24\n'
            '0,db-1,30,,m2.large,\n')

        plan = plan_table.apply(PLAN, rows)

        self.assertEqual(['cidr'], unused)
        self.assertEqual({'web-1', 'db-1'}, set(plan['devices']))
        web = plan['devices']['web-1']
        self.assertEqual((2, 'w1', 'ntp.example'), (web['rank'], web['id'],
                                                    web['ntp_server']))
        self.assertNotIn('boot_condition', web)
        self.assertNotIn('flavor', web)
        self.assertEqual(['port_0', 'port_1'], list(web['ports']))
        self.assertEqual({'subnet': 'app', 'ip': '10.0.0.99'},
                         web['ports']['port_0'])
        db = plan['devices']['db-1']
        self.assertEqual({'type': 'wait', 'delay_seconds': 30},
                         db['boot_condition'])
        self.assertEqual('m2.large', db['flavor'])
        self.assertEqual({'name': 'port_0', 'subnet': 'app',
                          'mac': 'fa:16:3e:00:00:21'}, db['ports'][0])
        self.assertEqual(PLAN['subnets'], plan['subnets'])
        self.assertEqual('10.0.0.31',
                         PLAN['devices']['web-1']['ports']['port_0']['ip'])

    def test_a_row_finds_its_device_by_id_under_a_new_name(self):
        rows, _ = plan_table.read('name,id,rank\nfrontend,w1,3\n')

        plan = plan_table.apply(PLAN, rows)

        self.assertEqual(['frontend'], list(plan['devices']))
        self.assertEqual('m1.large', plan['devices']['frontend']['flavor'])

    def test_a_boot_condition_other_than_wait_stays_without_delay(self):
        rows, _ = plan_table.read('name,rank\ndb-1,0\n')

        self.assertEqual({'type': 'tcp', 'port': 5432}, plan_table.apply(
            PLAN, rows)['devices']['db-1']['boot_condition'])

    def test_every_problem_names_its_row_and_column(self):
        error = self.assertRaises(
            plan_table.TableInvalid, plan_table.read,
            'name,rank,delay,ip\n'
            'db-1,first,,\n'
            ',1,,\n'
            'web-1,1,-5,10.0.0\n'
            '\n'
            'db-1,1001,86401,\n')

        self.assertEqual([
            "row 2, column rank: 'first' is not a whole number from 0 to "
            "1000",
            'row 3, column name: a server name is needed',
            "row 4, column delay: '-5' is not a number of seconds from 0 "
            "to 86400",
            "row 4, column ip: '10.0.0' is not an IP address",
            "row 6, column name: 'db-1' is listed twice (also row 2)",
            "row 6, column rank: '1001' is not a whole number from 0 to "
            "1000",
            "row 6, column delay: '86401' is not a number of seconds from 0 "
            "to 86400"], error.problems)

    def test_the_header_names_the_required_columns(self):
        error = self.assertRaises(plan_table.TableInvalid, plan_table.read,
                                  'server,rank\ndb-1,0\n')
        self.assertEqual(['row 1: the header row must name the columns '
                          'name, rank (it names server, rank)'],
                         error.problems)

    def test_an_ip_for_a_device_without_ports(self):
        rows, _ = plan_table.read('name,rank,ip\napp-1,1,10.0.0.5\n')

        error = self.assertRaises(plan_table.TableInvalid, plan_table.apply,
                                  PLAN, rows)

        self.assertEqual(['row 2, column ip: server app-1 has no port in '
                          'the plan to give 10.0.0.5 to; describe its ports '
                          'in the JSON plan'], error.problems)

    def test_server_problems_get_their_row_and_column(self):
        rows, _ = plan_table.read('name,rank\nweb-1,1\nweb-1.a,2\n')

        self.assertEqual([
            'row 2, column ip: devices.web-1.ports.port_0.ip: 10.1.0.9 is '
            'outside subnet app (10.0.0.0/24)',
            'row 3, column rank: devices.web-1.a.rank: 2000 is greater '
            'than the maximum of 1000',
            'row 2: devices.web-1.ports.port_0.mac: bad',
            "row 3: devices.web-1.a: no member of protection group 'g' is "
            "named 'web-1.a' or has server id None",
            'devices: member db-1 (d1) is missing; list every member of the '
            'group'], [plan_table.locate(p, rows) for p in (
                'devices.web-1.ports.port_0.ip: 10.1.0.9 is outside subnet '
                'app (10.0.0.0/24)',
                'devices.web-1.a.rank: 2000 is greater than the maximum of '
                '1000',
                'devices.web-1.ports.port_0.mac: bad',
                "devices.web-1.a: no member of protection group 'g' is "
                "named 'web-1.a' or has server id None",
                'devices: member db-1 (d1) is missing; list every member of '
                'the group')])
