"""The cloud driver contract, against the fake (in-process and shared)."""

from oslo_config import fixture as config_fixture
import testtools

from protector import conf
from protector.tests.fake_drivers import cloud as fake
from protector.tests.unit.drivers import cloud_contract
from protector.tests.unit.drivers import shared_world


class Site(object):
    id = 'site-a-id'
    name = 'site-a'
    region_name = 'RegionOne'


class FakeCloudContract(cloud_contract.CloudDriverContract,
                        testtools.TestCase):

    project_id = 'project-a'
    other_project_id = 'project-b'
    flavor = 'm1.small'
    volume_type = 'replicated'
    floating_ips_routable = True

    def setUp(self):
        self.useFixture(config_fixture.Config(conf.CONF))
        fake.reset()
        self.addCleanup(fake.reset)
        super().setUp()

    def make_driver(self):
        return fake.FakeCloudDriver(Site(), None)


class FakeCloudContractWithImage(FakeCloudContract):
    """Boot volumes made from an image rather than blank ones."""

    def setUp(self):
        super().setUp()
        self.image = self.driver.find_image(self.project_id,
                                            'cirros')['id']


class SharedFakeCloudContract(FakeCloudContract):
    """The fake with its world in a state file, as the functional sites."""

    def setUp(self):
        self.useFixture(shared_world.SharedWorld())
        super().setUp()


class SharedFakeCloudContractWithImage(FakeCloudContractWithImage):

    def setUp(self):
        self.useFixture(shared_world.SharedWorld())
        super().setUp()
