"""python-protectorclient: the client alone, built from this repository.

``python-protectorclient/`` packages ``protectorclient`` for an operator's
workstation.  It must register the same OpenStack client commands as
protector, declare every library the client imports (with the bounds
protector gives them), and the client must not need the service: a
fresh interpreter in which ``protector`` cannot be imported loads every
module of ``protectorclient``.
"""

import configparser
import importlib.metadata
import json
import os
import subprocess
import sys

from packaging import requirements
from packaging import utils as packaging_utils
import testtools

import protectorclient
from protector.tests.unit import test_product_imports as product_imports

REPO_ROOT = os.path.dirname(os.path.dirname(protectorclient.__file__))
CLIENT_DIST = os.path.join(REPO_ROOT, 'python-protectorclient')
OSC_SECTIONS = ('openstack.cli.extension', 'openstack.protector.v1')

_IMPORT_EVERY_CLIENT_MODULE = """
import importlib
import json
import pkgutil
import sys

sys.modules['protector'] = None  # "import protector..." now fails

import protectorclient

names = [info.name for info in pkgutil.walk_packages(
    protectorclient.__path__, 'protectorclient.')]
for name in names:
    importlib.import_module(name)
print(json.dumps({'imported': names, 'loaded': sorted(
    name for name, module in sys.modules.items() if module is not None)}))
"""


def _setup_cfg(folder):
    config = configparser.ConfigParser(interpolation=None)
    with open(os.path.join(folder, 'setup.cfg')) as setup_cfg:
        config.read_file(setup_cfg)
    return config


def _requirements(*paths):
    """``{canonical name: requirement}`` of requirements files."""
    found = {}
    for path in paths:
        with open(path) as lines:
            for line in lines:
                line = line.split('#', 1)[0].strip()
                if line:
                    requirement = requirements.Requirement(line)
                    found[packaging_utils.canonicalize_name(
                        requirement.name)] = requirement
    return found


def _client_requirements():
    return _requirements(os.path.join(CLIENT_DIST, 'requirements.txt'))


def _imported_distributions():
    """The distributions whose modules the client's product code imports."""
    providers = importlib.metadata.packages_distributions()
    top_level = {name.split('.')[0]
                 for path in product_imports._product_modules(protectorclient)
                 for name in product_imports._imported(path)}
    return {packaging_utils.canonicalize_name(dist)
            for name in top_level - set(sys.stdlib_module_names)
            - {'protectorclient'}
            for dist in providers.get(name, [name])}


class TestClientDistribution(testtools.TestCase):

    def test_same_openstack_client_commands_as_protector(self):
        client = _setup_cfg(CLIENT_DIST)
        service = _setup_cfg(REPO_ROOT)
        for section in OSC_SECTIONS:
            self.assertEqual(service.get('entry_points', section),
                             client.get('entry_points', section), section)
        self.assertEqual(set(OSC_SECTIONS),
                         set(client.options('entry_points')))

    def test_packages_the_client_only_with_the_version_from_git(self):
        client = _setup_cfg(CLIENT_DIST)
        self.assertEqual('python-protectorclient',
                         client.get('metadata', 'name'))
        self.assertEqual(['protectorclient'],
                         client.get('files', 'packages').split())
        self.assertTrue(os.path.samefile(
            os.path.dirname(protectorclient.__file__),
            os.path.join(CLIENT_DIST, 'protectorclient')))
        # pbr takes it from the git tags, as for protector.
        self.assertFalse(client.has_option('metadata', 'version'))

    def test_requirements_cover_what_the_client_imports(self):
        declared = set(_client_requirements())
        imported = _imported_distributions()
        self.assertEqual({'cliff', 'keystoneauth1', 'osc-lib'}, imported)
        self.assertLessEqual(imported, declared)
        # The ``openstack`` command itself, for the workstation.
        self.assertEqual(imported | {'python-openstackclient'}, declared)

    def test_requirements_have_the_bounds_protector_gives_them(self):
        service = _requirements(
            os.path.join(REPO_ROOT, 'requirements.txt'),
            os.path.join(REPO_ROOT, 'test-requirements.txt'))
        for name, requirement in _client_requirements().items():
            self.assertIn(name, service)
            self.assertEqual(str(service[name]), str(requirement))

    def test_the_client_imports_nothing_of_the_service(self):
        result = subprocess.run(  # noqa: S603
            [sys.executable, '-c', _IMPORT_EVERY_CLIENT_MODULE],
            cwd=REPO_ROOT, env=dict(os.environ, PYTHONWARNINGS='ignore'),
            capture_output=True, text=True, timeout=120)
        self.assertEqual(0, result.returncode, result.stderr)
        found = json.loads(result.stdout.splitlines()[-1])

        self.assertIn('protectorclient.osc.plugin', found['imported'])
        self.assertIn('protectorclient.osc.v1.dr_operations',
                      found['imported'])
        self.assertEqual([], [name for name in found['loaded']
                              if name == 'protector'
                              or name.startswith('protector.')])
