"""The storage driver contract, against the fake (in-process and shared).
"""

import testtools

from protector.drivers.storage import base
from protector.tests.fake_drivers import storage as fake
from protector.tests.unit.drivers import shared_world
from protector.tests.unit.drivers import storage_contract

MIB = storage_contract.MIB


class FakeStorageContract(storage_contract.StorageDriverContract,
                          testtools.TestCase):

    source = base.ArrayRef('https://array-a.fake.invalid', 'token-a')
    target = base.ArrayRef('https://array-b.fake.invalid', 'token-b')
    stranger = base.ArrayRef('https://array-c.fake.invalid', 'token-c')
    unreachable_url = 'https://nothing-answers.example.invalid'
    slow_data = 4 * MIB
    transfer_timeout = 10

    def setUp(self):
        fake.reset()
        self.addCleanup(fake.reset)
        # 4 MiB take half a second from array-a.
        fake.add_array(self.source.url, 'array-a', self.source.api_token,
                       replication_bandwidth=8 * MIB)
        fake.add_array(self.target.url, 'array-b', self.target.api_token)
        fake.add_array(self.stranger.url, 'array-c',
                       self.stranger.api_token)
        fake.connect(self.source.url, self.target.url,
                     types=('replication', 'sync-replication'))
        super().setUp()

    def make_driver(self):
        return fake.FakeStorageDriver()

    def create_volume(self, array, name, data, size):
        fake.create_volume(array.url, name, data, size)

    def read_volume(self, array, name):
        return fake.read_volume(array.url, name)

    def write_volume(self, array, name, offset, data):
        fake.write_volume(array.url, name, offset, data)

    def volume_names(self, array):
        return set(fake.array(array.url).volumes)

    def interrupt(self, array):
        fake.fail(array.url, count=2)

    def set_reachable(self, array, reachable):
        fake.set_reachable(array.url, reachable)


class SharedFakeStorageContract(FakeStorageContract):
    """The fake with its world in a state file, as the functional sites."""

    def setUp(self):
        self.useFixture(shared_world.SharedWorld())
        super().setUp()
