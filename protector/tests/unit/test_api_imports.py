"""protector-api loads no engine, driver, taskflow or openstacksdk code.

The API validates, authorizes, records and asks the engine over RPC; it
never talks to a cloud or an array.  Importing the engine or the drivers
would make every API process load (and depend on) what only the engine
needs, and would let API code reach around the RPC API.  A fresh
interpreter shows what the API really imports, whatever the tests run
before in this one.

The engine's driver errors reach the API over RPC, where oslo.messaging
imports the module of each to re-raise it: that module is part of what
the API loads too.
"""

import json
import os
import subprocess
import sys

from oslo_messaging._drivers import common as messaging_common
import testtools

import protector
from protector.common import driver_errors

FORBIDDEN = ('taskflow', 'openstack', 'protector.engine', 'protector.drivers')

_IMPORT_THE_API = """
import json
import sys

import protector.api.app
import protector.cmd.api

from oslo_messaging._drivers import common
from protector.common import rpc

before = sorted(sys.modules)
errors = [common.deserialize_remote_exception(data, rpc.ALLOWED_EXMODS)
          for data in json.loads(sys.stdin.read())]
print(json.dumps({'before': before, 'after': sorted(sys.modules),
                  'errors': [['%s.%s' % (cls.__module__, cls.__name__)
                              for cls in type(error).__mro__]
                             for error in errors]}))
"""


def _forbidden(name):
    return any(name == package or name.startswith(package + '.')
               for package in FORBIDDEN)


def _from_the_engine(error):
    """``error`` as the engine sends it over RPC."""
    try:
        raise error
    except driver_errors.DriverError:
        return messaging_common.serialize_remote_exception(sys.exc_info())


class TestAPIImports(testtools.TestCase):

    def test_api_imports_neither_engine_nor_drivers(self):
        sent = [driver_errors.CloudNotFound(site='site-b', resource='x',
                                            action='capture server'),
                driver_errors.ArrayUnavailable(array='https://array-b',
                                               resource='pg-1',
                                               action='snapshot')]
        root = os.path.dirname(os.path.dirname(protector.__file__))
        result = subprocess.run(  # noqa: S603
            [sys.executable, '-c', _IMPORT_THE_API], cwd=root,
            env=dict(os.environ, PYTHONWARNINGS='ignore'),
            input=json.dumps([_from_the_engine(error) for error in sent]),
            capture_output=True, text=True, timeout=120)
        self.assertEqual(0, result.returncode, result.stderr)
        found = json.loads(result.stdout.splitlines()[-1])

        for error, classes in zip(sent, found['errors']):
            self.assertIn('protector.common.driver_errors.%s'
                          % type(error).__name__, classes)
        self.assertIn('protector.api.router', found['before'])
        self.assertEqual([], [name for name in found['after']
                              if _forbidden(name)])
        # Re-raising them loads their module and nothing else.
        self.assertLessEqual(set(found['after']) - set(found['before']),
                             {'protector.common.driver_errors'})
