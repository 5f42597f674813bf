"""The coordinator of an engine that is alone, and the jobboard settings."""

from protector.common import coordination
from protector.common import exception
from protector.engine.operations import jobs
from protector.tests.unit import base


class TestAlone(base.TestCase):

    def test_an_engine_alone_owns_every_key_and_locks_locally(self):
        alone = coordination.Alone(identity=('host-1', 42))
        owns = alone.share()

        self.assertEqual(['host-1:42'], alone.engines())
        self.assertTrue(owns('any group') and owns('site:peer'))
        self.assertIs(alone.lock('volume group', 'site-a', 'g'),
                      alone.lock('volume group', 'site-a', 'g'))
        self.assertIsNot(alone.lock('volume group', 'site-a', 'g'),
                         alone.lock('volume group', 'site-b', 'g'))

    def test_without_a_backend_the_engine_starts_alone(self):
        self.addCleanup(coordination.stop)
        started = coordination.start()

        self.assertFalse(started.distributed)
        self.assertIs(started, coordination.get())


class TestBoardConf(base.TestCase):

    def test_etcd_url_gives_the_site_board(self):
        self.conf.config(claim_seconds=9, group='coordination')

        self.assertEqual(
            {'board': 'etcd', 'host': 'ctl', 'port': 2379,
             'protocol': 'https', 'path': 'protector-site-a', 'ttl': 9},
            jobs.board_conf('etcd3+https://ctl:2379?timeout=5', 'site-a'))

    def test_another_backend_is_refused_naming_etcd(self):
        error = self.assertRaises(exception.InvalidInput, jobs.board_conf,
                                  'zookeeper://zk:2181', 'site-a')

        self.assertIn('etcd3+http://HOST:PORT', error.msg)
