"""protector-api loads no engine, driver, taskflow or openstacksdk code.

The API validates, authorizes, records and asks the engine over RPC; it
never talks to a cloud or an array.  Importing the engine or the drivers
would make every API process load (and depend on) what only the engine
needs, and would let API code reach around the RPC API.  A fresh
interpreter shows what the API really imports, whatever the tests run
before in this one.
"""

import json
import os
import subprocess
import sys

import testtools

import protector

FORBIDDEN = ('taskflow', 'openstack', 'protector.engine', 'protector.drivers')

_IMPORT_THE_API = """
import json
import sys

import protector.api.app
import protector.cmd.api

print(json.dumps(sorted(sys.modules)))
"""


def _forbidden(name):
    return any(name == package or name.startswith(package + '.')
               for package in FORBIDDEN)


class TestAPIImports(testtools.TestCase):

    def test_api_imports_neither_engine_nor_drivers(self):
        root = os.path.dirname(os.path.dirname(protector.__file__))
        result = subprocess.run(  # noqa: S603
            [sys.executable, '-c', _IMPORT_THE_API], cwd=root,
            env=dict(os.environ, PYTHONWARNINGS='ignore'),
            capture_output=True, text=True, timeout=120)
        self.assertEqual(0, result.returncode, result.stderr)
        modules = json.loads(result.stdout.splitlines()[-1])

        self.assertIn('protector.api.router', modules)
        self.assertEqual([], [name for name in modules if _forbidden(name)])
