"""``site validate``: every check is reported; skipped ones say why."""

import json

from protector import conf
from protector.tests.unit import base

CHECKS = ['keystone', 'protector', 'compute', 'block-storage', 'network',
          'volume_types', 'array']


class TestSiteValidation(base.ScenarioTestCase):

    def setUp(self):
        super().setUp()
        self.register_sites()

    def validate(self, site='site-b'):
        return self.ok('POST', '/v1/admin/sites/%s/validate' % site)[
            'validation']

    def results(self, validation):
        self.assertEqual(CHECKS, [c['check'] for c in validation['checks']])
        for check in validation['checks']:
            self.assertTrue(check['detail'], check)
        return {c['check']: c['result'] for c in validation['checks']}

    def detail(self, validation, name):
        return {c['check']: c['detail'] for c in validation['checks']}[name]

    def change_inventory(self, site, **changes):
        path = conf.CONF.fake_cloud.inventory_file
        with open(path) as inventory_file:
            inventory = json.load(inventory_file)
        inventory[site].update(changes)
        with open(path, 'w') as inventory_file:
            json.dump(inventory, inventory_file)

    def site_status(self, site='site-b'):
        return self.ok('GET', '/v1/admin/sites/' + site)['site']

    def test_peer_that_answers_everything(self):
        self.map_project()
        self.create_group()
        self.set_policy('web-tier')

        validation = self.validate()

        self.assertEqual('site-b', validation['site'])
        self.assertEqual('passed', validation['status'])
        self.assertEqual({name: 'passed' for name in CHECKS},
                         self.results(validation))
        self.assertEqual('fake array https://fa-b.test answers; array fa-b '
                         'is connected to fa-a (replication, '
                         'sync-replication)',
                         self.detail(validation, 'array'))
        self.assertEqual('replication-enabled: replicated (async), '
                         'replicated-b (async)',
                         self.detail(validation, 'volume_types'))
        site = self.site_status()
        self.assertEqual('active', site['status'])
        self.assertIsNotNone(site['last_validated_at'])

    def test_array_is_skipped_without_a_policy(self):
        validation = self.validate()

        self.assertEqual('skipped', self.results(validation)['array'])
        self.assertIn('no replication policy names an array of this site',
                      self.detail(validation, 'array'))
        self.assertEqual('passed', validation['status'])

    def test_local_site_skips_the_protector_check(self):
        validation = self.validate('site-a')

        self.assertEqual('skipped', self.results(validation)['protector'])
        self.assertIn('this is the local site',
                      self.detail(validation, 'protector'))

    def test_refused_credentials_skip_what_needs_them(self):
        self.keystone.refuse('site-b')

        validation = self.validate()

        self.assertEqual('failed', validation['status'])
        self.assertEqual({'keystone': 'failed', 'protector': 'skipped',
                          'compute': 'skipped', 'block-storage': 'skipped',
                          'network': 'skipped', 'volume_types': 'skipped',
                          'array': 'skipped'}, self.results(validation))
        self.assertEqual(
            "Keystone at http://site-b.example:5000/v3 refused the "
            "credentials of user 'protector'; fix them with 'openstack "
            "protector site set site-b --password <password>'.",
            self.detail(validation, 'keystone'))
        for name in CHECKS[1:-1]:
            self.assertEqual('not run: Keystone authentication failed',
                             self.detail(validation, name))
        self.assertEqual('unreachable', self.site_status()['status'])

    def test_keystone_down(self):
        self.keystone.down.add('site-b')

        validation = self.validate()

        self.assertEqual('failed', self.results(validation)['keystone'])
        self.assertEqual('Keystone at http://site-b.example:5000/v3: '
                         'ConnectFailure', self.detail(validation,
                                                       'keystone'))

    def test_peer_protector_down(self):
        self.peer.go_down('connection refused')

        validation = self.validate()

        self.assertEqual('failed', validation['status'])
        results = self.results(validation)
        self.assertEqual('failed', results['protector'])
        self.assertEqual('passed', results['compute'])
        self.assertIn("Peer site 'site-b' is unreachable (connection "
                      "refused)", self.detail(validation, 'protector'))
        self.assertEqual('error', self.site_status()['status'])

    def test_missing_service_and_volume_types(self):
        self.change_inventory('site-b', volume_types=[], services={
            'compute': True, 'block-storage': True, 'network': False})

        validation = self.validate()

        results = self.results(validation)
        self.assertEqual('failed', results['network'])
        self.assertEqual('passed', results['compute'])
        self.assertEqual('failed', results['volume_types'])
        self.assertIn("no volume type has replication_enabled='<is> True'",
                      self.detail(validation, 'volume_types'))
        self.assertEqual('no network endpoint in the fake inventory of '
                         'site-b', self.detail(validation, 'network'))

    def test_cloud_driver_not_installed(self):
        self.conf.config(cloud='no-such-driver', group='drivers')

        validation = self.validate()

        results = self.results(validation)
        for name in ('compute', 'block-storage', 'network', 'volume_types'):
            self.assertEqual('failed', results[name])
            self.assertIn("The cloud driver 'no-such-driver' is not "
                          "installed", self.detail(validation, name))
        self.assertEqual('passed', results['keystone'])

    def test_policy_with_an_array_that_does_not_answer_is_refused(self):
        self.map_project()
        self.create_group()
        response = self.request(
            'POST', self.group_path('web-tier', '/policy'), {'policy': {
                'primary_fa_url': 'https://fa-a.test',
                'primary_fa_token': base.PRIMARY_TOKEN,
                'secondary_fa_url': 'https://fa-b.example.com',
                'secondary_fa_token': base.SECONDARY_TOKEN,
                'rpo_minutes': 15}}, base.member_of(base.PROJECT_A))

        self.assertEqual(409, response.status_int)
        message = response.json_body['error']['message']
        self.assertIn("The arrays cannot replicate protection group "
                      "'web-tier'", message)
        self.assertIn('https://fa-b.example.com', message)
        self.assertNotIn(base.SECONDARY_TOKEN, message)
        self.assertEqual('skipped', self.results(self.validate())['array'])
