"""The fake world in a state file: one world for every process, each call
atomic, a killed process changes nothing, a paused process waits."""

import multiprocessing
import os
import signal
import threading
import time

from oslo_config import fixture as config_fixture
import testtools

from protector import conf
from protector.drivers.cloud import fake as fake_cloud
from protector.drivers import fake_world
from protector.tests.unit.drivers import shared_world
from protector.tests.unit.drivers import test_cloud_contract

SITE = test_cloud_contract.Site()
# Forked children inherit the configuration (the state file) as it is.
FORK = multiprocessing.get_context('fork')


def _driver():
    return fake_cloud.FakeCloudDriver(SITE, None)


def _create_ports(network_id, count, threads):
    def create():
        driver = _driver()
        for _ in range(count):
            driver.create_port('p', network_id)
    workers = [threading.Thread(target=create) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def _killed_in_a_call():
    with fake_world.transaction() as world:
        fake_cloud.cloud('site-a').add_network('p', 'never-saved')
        world.clouds['site-a'].services['compute'] = False
        os.kill(os.getpid(), signal.SIGKILL)


def _create_network_when(event):
    event.wait(30)
    _driver().create_network('p', 'after-the-pause')


class TestSharedWorld(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(config_fixture.Config(conf.CONF))
        self.world = self.useFixture(shared_world.SharedWorld())

    def run_child(self, target, *args):
        child = FORK.Process(target=target, args=args)
        child.start()
        self.addCleanup(lambda: child.is_alive() and child.kill())
        return child

    def networks(self, name):
        return [n for n in _driver().list_networks('p') if n['name'] == name]

    def test_calls_of_processes_and_threads_are_atomic(self):
        network = _driver().create_network('p', 'busy')
        _driver().create_subnet('p', network['id'], '10.9.0.0/24')
        children = [self.run_child(_create_ports, network['id'], 10, 3)
                    for _ in range(3)]
        for child in children:
            child.join(60)
            self.assertEqual(0, child.exitcode)

        ports = _driver().list_ports('p', network_id=network['id'])
        self.assertEqual(90, len(ports))
        addresses = {p['fixed_ips'][0]['ip_address'] for p in ports}
        self.assertEqual(90, len(addresses))
        self.assertEqual(90, len({p['mac_address'] for p in ports}))

    def test_a_process_killed_in_a_call_changes_nothing(self):
        before = _driver().check_services()

        child = self.run_child(_killed_in_a_call)
        child.join(30)

        self.assertEqual(-signal.SIGKILL, child.exitcode)
        # The lock died with the process; the world is the one before.
        self.assertEqual([], self.networks('never-saved'))
        self.assertEqual(before, _driver().check_services())

    def test_a_paused_process_waits_at_its_next_call(self):
        go = FORK.Event()
        child = self.run_child(_create_network_when, go)
        fake_world.pause(child.pid)
        go.set()
        deadline = time.monotonic() + 30
        while not fake_world.waiting(child.pid):
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.01)

        [(ticket, label)] = fake_world.waiting(child.pid)
        self.assertEqual('create_network', label)
        time.sleep(0.1)
        self.assertEqual([], self.networks('after-the-pause'))
        self.assertTrue(child.is_alive())

        fake_world.let_go(child.pid, ticket)
        child.join(30)
        self.assertEqual(0, child.exitcode)
        self.assertEqual(1, len(self.networks('after-the-pause')))
        self.assertEqual([], fake_world.waiting(child.pid))

    def test_a_paused_process_killed_changes_nothing(self):
        go = FORK.Event()
        child = self.run_child(_create_network_when, go)
        fake_world.pause(child.pid)
        go.set()
        deadline = time.monotonic() + 30
        while not fake_world.waiting(child.pid):
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.01)

        child.kill()
        child.join(30)
        fake_world.unpause(child.pid)

        self.assertEqual([], self.networks('after-the-pause'))
        self.assertEqual([], fake_world.waiting(child.pid))
