"""The fake world in a state file: one world for every process, each call
atomic, a killed process changes nothing, a paused process waits."""

import os
import signal
import subprocess
import sys
import threading
import time

from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools

from protector import conf
from protector.tests.fake_drivers import cloud as fake_cloud
from protector.tests.fake_drivers import world as fake_world
from protector.tests.unit.drivers import shared_world
from protector.tests.unit.drivers import test_cloud_contract

SITE = test_cloud_contract.Site()
# Children are new interpreters (a fork of the test runner would inherit
# its threads' locks); they share the world through its state file.
CHILD = ('import sys; from protector.tests.unit.drivers import '
         'test_fake_world; test_fake_world.child(*sys.argv[1:])')


def _driver():
    return fake_cloud.FakeCloudDriver(SITE, None)


def child(state_file, action, *args):
    """What a child process does (see ``CHILD``).

    ``state_file`` None: the one this process is configured with.
    """
    if state_file is not None:
        cfg.CONF.set_override('state_file', state_file, group='fake_world')
    if action == 'ports':
        network_id, count, threads = args[0], int(args[1]), int(args[2])

        def create():
            driver = _driver()
            for _ in range(count):
                driver.create_port('p', network_id)
        workers = [threading.Thread(target=create) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    elif action == 'killed':
        with fake_world.transaction() as world:
            fake_cloud.cloud('site-a').add_network('p', 'never-saved')
            world.clouds['site-a'].services['compute'] = False
            os.kill(os.getpid(), signal.SIGKILL)
    elif action == 'network':
        driver = _driver()
        sys.stdin.readline()
        driver.create_network('p', 'after-the-pause')


class TestSharedWorld(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(config_fixture.Config(conf.CONF))
        self.world = self.useFixture(shared_world.SharedWorld())

    def run_child(self, action, *args):
        child = subprocess.Popen(
            [sys.executable, '-c', CHILD, self.world.path, action] +
            [str(a) for a in args], stdin=subprocess.PIPE)
        self.addCleanup(lambda: child.poll() is None and child.kill())
        self.addCleanup(child.stdin.close)
        return child

    def paused_child(self):
        """A child about to create a network, paused before it does."""
        child = self.run_child('network')
        fake_world.pause(child.pid)
        child.stdin.write(b'go\n')
        child.stdin.flush()
        deadline = time.monotonic() + 60
        while not fake_world.waiting(child.pid):
            self.assertLess(time.monotonic(), deadline)
            self.assertIsNone(child.poll())
            time.sleep(0.01)
        return child

    def networks(self, name):
        return [n for n in _driver().list_networks('p') if n['name'] == name]

    def test_calls_of_processes_and_threads_are_atomic(self):
        # This process used another world before (setUp): the lock it
        # takes now must be the new world's.
        self.world = self.useFixture(shared_world.SharedWorld())
        network = _driver().create_network('p', 'busy')
        _driver().create_subnet('p', network['id'], '10.9.0.0/24')
        children = [self.run_child('ports', network['id'], 10, 3)
                    for _ in range(3)]
        deadline = time.monotonic() + 60
        while not _driver().list_ports('p', network_id=network['id']):
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.01)
        child(None, 'ports', network['id'], 10, 3)
        for process in children:
            self.assertEqual(0, process.wait(120))

        ports = _driver().list_ports('p', network_id=network['id'])
        self.assertEqual(120, len(ports))
        addresses = {p['fixed_ips'][0]['ip_address'] for p in ports}
        self.assertEqual(120, len(addresses))
        self.assertEqual(120, len({p['mac_address'] for p in ports}))

    def test_calls_of_every_process_are_counted(self):
        network = _driver().create_network('p', 'counted')
        _driver().create_subnet('p', network['id'], '10.8.0.0/24')
        fake_world.reset_call_counts()

        self.assertEqual(0, self.run_child('ports', network['id'], 5,
                                           2).wait(60))
        _driver().list_ports('p')

        self.assertEqual({'create_port': 10, 'list_ports': 1},
                         fake_world.call_counts())
        fake_world.reset()
        self.assertEqual({}, fake_world.call_counts())

    def test_a_process_killed_in_a_call_changes_nothing(self):
        before = _driver().check_services()

        child = self.run_child('killed')

        self.assertEqual(-signal.SIGKILL, child.wait(60))
        # The lock died with the process; the world is the one before.
        self.assertEqual([], self.networks('never-saved'))
        self.assertEqual(before, _driver().check_services())

    def test_a_paused_process_waits_at_its_next_call(self):
        child = self.paused_child()

        [(ticket, label)] = fake_world.waiting(child.pid)
        self.assertEqual('create_network', label)
        time.sleep(0.1)
        self.assertEqual([], self.networks('after-the-pause'))
        self.assertIsNone(child.poll())

        fake_world.let_go(child.pid, ticket)
        self.assertEqual(1, len(self.networks('after-the-pause')))
        self.assertEqual([], fake_world.waiting(child.pid))
        self.assertEqual(0, child.wait(60))

    def test_a_paused_process_killed_changes_nothing(self):
        child = self.paused_child()

        child.kill()
        child.wait(60)
        fake_world.unpause(child.pid)

        self.assertEqual([], self.networks('after-the-pause'))
        self.assertEqual([], fake_world.waiting(child.pid))
