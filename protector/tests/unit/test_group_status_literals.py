"""Group statuses are named by protector.common.group_states only.

A status written as a bare string can drift from the state machine (a
typo is a status nothing knows); this test finds them in protector/
(tests excepted) so that they do not come back.

``failing_over``, ``testing`` and the other statuses only groups have are
refused wherever they appear.  ``active`` and ``error`` are statuses of
sites, servers, images, boot conditions and per-server results too, so
they are refused only where they are a group's:

- compared with the ``status`` of something named ``group``
  (``group.status == 'error'``, ``env.group.status in (...)``);
- the ``previous_status`` of an operation;
- the ``status`` of the values a function writes with ``group_create``,
  ``group_update`` or ``group_replace`` (a ``'status'`` key, a
  ``status=`` keyword, ``values['status'] = ...``);
- the ``status`` column of a class named like a group;
- beside a status only groups have (``('active', 'testing')``).
"""

import ast
import os

import testtools

from protector.common import group_states

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir,
                                    os.pardir))
SKIPPED = (os.path.join(ROOT, 'tests'),
           os.path.join(ROOT, 'common', 'group_states.py'))
SHARED = frozenset((group_states.ACTIVE, group_states.ERROR))
ONLY_GROUPS = frozenset(group_states.ALL) - SHARED
WRITERS = ('group_create', 'group_update', 'group_replace')


def _sources():
    for directory, _dirs, files in os.walk(ROOT):
        for name in sorted(files):
            path = os.path.join(directory, name)
            if name.endswith('.py') and not path.startswith(SKIPPED):
                yield path


def _literals(node):
    """The string constants of ``node`` (an IfExp's, a tuple's too)."""
    return [n for n in ast.walk(node)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _is_group_status(node):
    return (isinstance(node, ast.Attribute) and node.attr == 'status' and
            'group' in ast.unparse(node.value).lower())


def _calls_writer(function):
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            called = node.func
            name = getattr(called, 'attr', None) or getattr(called, 'id',
                                                            None)
            if name in WRITERS:
                return True
    return False


def _written_statuses(function):
    """Literals a group-writing function gives as a ``status``."""
    for node in ast.walk(function):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == 'status':
                    yield from _literals(value)
        elif isinstance(node, ast.keyword) and node.arg == 'status':
            yield from _literals(node.value)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and isinstance(
                        target.slice, ast.Constant) and \
                        target.slice.value == 'status':
                    yield from _literals(node.value)


def _group_literals(tree):
    """The string constants of ``tree`` that are group statuses."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in ONLY_GROUPS:
            yield node
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)) and any(
                isinstance(e, ast.Constant) and e.value in ONLY_GROUPS
                for e in node.elts):
            yield from _literals(node)
        elif isinstance(node, ast.Compare):
            operands = [node.left] + node.comparators
            if any(_is_group_status(o) for o in operands):
                for operand in operands:
                    yield from _literals(operand)
        elif isinstance(node, ast.Call) and node.args and isinstance(
                node.args[0], ast.Constant) and \
                node.args[0].value == 'previous_status':
            yield from _literals(node)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and \
                        key.value == 'previous_status':
                    yield from _literals(value)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                _calls_writer(node):
            yield from _written_statuses(node)
        elif isinstance(node, ast.ClassDef) and 'group' in node.name.lower():
            for statement in node.body:
                if isinstance(statement, ast.Assign) and any(
                        getattr(t, 'id', None) == 'status'
                        for t in statement.targets):
                    yield from _literals(statement.value)


def bare_group_statuses(source, filename='<source>'):
    """``[(line, status)]`` of the bare group statuses of ``source``."""
    found = {(node.lineno, node.value)
             for node in _group_literals(ast.parse(source, filename))
             if node.value in group_states.ALL}
    return sorted(found)


class TestNoBareGroupStatus(testtools.TestCase):

    def test_protector_names_group_statuses_by_their_constants(self):
        found = []
        for path in _sources():
            with open(path, encoding='utf-8') as source:
                for line, status in bare_group_statuses(source.read(),
                                                        path):
                    found.append("%s:%d: '%s'" % (
                        os.path.relpath(path, ROOT), line, status))

        self.assertEqual([], found, 'Use protector.common.group_states '
                         'for these group statuses.')

    def test_what_it_finds(self):
        source = '''
UNPLANNED = ('active', 'testing')


def gate(group, env, operation):
    if group.status == 'error' or env.group.status in ('active',):
        pass
    previous = operation.parameters.get('previous_status', 'active')


def finish(context, group, values, partial):
    db.group_update(context, group.id, {'status': 'active'})
    values['status'] = 'error'
    values.update(status='failed_over_partial' if partial else 'active')


class ProtectionGroup(Base):
    status = sa.Column(sa.String(32), default='active')
'''
        self.assertEqual([(2, 'active'), (2, 'testing'), (6, 'active'),
                          (6, 'error'), (8, 'active'), (12, 'active'),
                          (13, 'error'), (14, 'active'),
                          (14, 'failed_over_partial'), (18, 'active')],
                         bare_group_statuses(source))

    def test_what_it_leaves(self):
        # Statuses of servers, per-server results, sites, images and boot
        # conditions share the words 'active' and 'error'.
        source = '''
def wait(server, result, site_status):
    if server['status'] == 'active' or result.get('status') == 'error':
        return {'status': 'error'}
    db.site_update(context, site.id, {'status': 'active'})
    image = {'id': 1, 'status': 'active'}
    condition = {'type': {'const': 'active'}}
    LOG.error('the group is testing: %s', 'error')


class Site(Base):
    status = sa.Column(sa.String(32), default='active')
'''
        self.assertEqual([], bare_group_statuses(source))
