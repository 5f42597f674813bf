"""The storage driver contract: the ``pure`` driver against FlashArray
emulators (tools/lab/flasharray) started here on loopback.

Run::

    python -m pytest -v protector/tests/lab/test_storage_contract.py

It needs the ``purestorage`` client; the emulators run in a temporary
directory and are stopped at the end.  Three of them: ``array-a`` (the
source, sending at 4 MiB/s so that transfers can be watched), ``array-b``
(the target, connected to ``array-a`` for async and sync replication) and
``array-c`` (connected to nobody).  ``-s`` shows the measured round trip
of a snapshot from "replicate now" to complete on the target.
"""

import os
import shutil
import sys
import tempfile
import threading
import unittest
import warnings

import pytest

pytest.importorskip('purestorage')

from oslo_config import cfg  # noqa: E402

from protector.conf import pure as pure_options  # noqa: E402
from protector.drivers.storage import base  # noqa: E402
from protector.drivers.storage import pure  # noqa: E402
from protector.tests.unit.drivers import storage_contract  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..',
                                    '..'))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

from tools.lab.flasharray.tests import fixtures  # noqa: E402

MIB = storage_contract.MIB
# The client does not verify the emulators' self-signed certificates.
warnings.filterwarnings('ignore', message='Unverified HTTPS request')


def _conf():
    conf = cfg.ConfigOpts()
    pure_options.register_opts(conf)
    conf([], project='protector', default_config_files=[])
    # The lab's Cinder backend names its files volume-<id>.
    conf.set_override('volume_name_template', 'volume-%(id)s', 'pure')
    conf.set_override('retry_interval', 0.5, 'pure')
    conf.set_override('retry_attempts', 6, 'pure')
    conf.set_override('poll_interval', 0.1, 'pure')
    conf.set_override('propagation_timeout', 20, 'pure')
    conf.set_override('request_timeout', 20, 'pure')
    return conf


class PureEmulatorContract(storage_contract.StorageDriverContract,
                           unittest.TestCase):

    slow_data = 6 * MIB
    transfer_timeout = 60

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root = tempfile.mkdtemp(prefix='protector-fa-')
        cls.emulators = {}
        started = []
        try:
            for name, extra in (('array-a', ('--replication-bandwidth',
                                             str(4 * MIB))),
                                ('array-b', ()), ('array-c', ())):
                emulator = fixtures.EmulatorProcess(cls.root, name, *extra)
                emulator.start()
                started.append(emulator)
            a, b, c = started
            key = b.client().get(connection_key=True)['connection_key']
            a.client().connect_array(b.address, key,
                                     ['replication', 'sync-replication'])
        except Exception:
            for emulator in started:
                emulator.stop()
            shutil.rmtree(cls.root, ignore_errors=True)
            raise
        for emulator in started:
            ref = base.ArrayRef(emulator.info['url'], emulator.token)
            cls.emulators[ref.url] = emulator
        cls.source, cls.target, cls.stranger = [
            base.ArrayRef(e.info['url'], e.token) for e in started]
        cls.unreachable_url = 'https://127.0.0.1:%d' % fixtures.free_port()

    @classmethod
    def tearDownClass(cls):
        for emulator in cls.emulators.values():
            emulator.stop()
        shutil.rmtree(cls.root, ignore_errors=True)
        super().tearDownClass()

    def make_driver(self):
        return pure.PureStorageDriver(_conf())

    def emulator(self, array):
        return self.emulators[array.url]

    def create_volume(self, array, name, data, size):
        # As the lab's Cinder backend does: a file in the array's volumes
        # directory is a volume of the array.
        with open(self.emulator(array).path(name), 'wb') as volume:
            volume.truncate(size)
            volume.write(data)

    def read_volume(self, array, name):
        return fixtures.read(self.emulator(array).path(name))

    def write_volume(self, array, name, offset, data):
        fixtures.write(self.emulator(array).path(name), offset, data)

    def volume_names(self, array):
        client = self.emulator(array).client()
        return {v['name'] for v in client.list_volumes()}

    def interrupt(self, array):
        """Stop the emulator; start it again a second later."""
        emulator = self.emulator(array)
        emulator.stop()
        restart = threading.Timer(1.0, emulator.start)
        restart.start()
        self.addCleanup(restart.join)

    def set_reachable(self, array, reachable):
        """Stop the emulator, or start it again (same port and state)."""
        emulator = self.emulator(array)
        if not reachable:
            emulator.stop()
        elif emulator.process is None:
            emulator.start()

    def record_timing(self, what, seconds):
        print('\n%s: %.2f s' % (what, seconds))
