"""The product never imports test code.

The fake drivers and the other test helpers live under
``protector/tests``.  A service process loads the fakes only through the
``fake`` entry points that a test configuration selects, never because a
product module imports them.  Read from the source, so that an import
inside a function counts too.  Their options stay out of the sample
configuration.
"""

import ast
import os

import testtools

import protector
from protector.conf import opts
import protectorclient

PACKAGES = (protector, protectorclient)
TESTS = ('protector.tests', 'protectorclient.tests')


def _product_modules(package):
    root = os.path.dirname(package.__file__)
    tests = os.path.join(root, 'tests')
    for folder, subfolders, files in os.walk(root):
        if folder == tests:
            subfolders[:] = []
            continue
        for name in files:
            if name.endswith('.py'):
                yield os.path.join(folder, name)


def _imported(path):
    with open(path) as source:
        tree = ast.parse(source.read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            for alias in node.names:
                yield '%s.%s' % (node.module, alias.name)


def _is_test_code(name):
    return any(name == package or name.startswith(package + '.')
               for package in TESTS)


class TestProductImports(testtools.TestCase):

    def test_no_product_module_imports_test_code(self):
        found = []
        for package in PACKAGES:
            for path in _product_modules(package):
                found.extend('%s: %s' % (path, name)
                             for name in _imported(path)
                             if _is_test_code(name))
        self.assertEqual([], found)

    def test_the_walk_sees_the_product_only(self):
        root = os.path.dirname(protector.__file__)
        paths = [os.path.relpath(path, root)
                 for path in _product_modules(protector)]
        self.assertIn(os.path.join('engine', 'manager.py'), paths)
        self.assertEqual([], [path for path in paths
                              if path.startswith('tests' + os.sep)])

    def test_the_sample_configuration_has_no_fake_options(self):
        groups = [group for group, _ in opts.list_opts()]
        self.assertNotIn('fake_world', groups)
        self.assertNotIn('fake_cloud', groups)
