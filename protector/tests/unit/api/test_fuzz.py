"""Property-based fuzzing of every route and method of the API.

For each path of ``router.ROUTES`` (a route added later is covered
without a change here), hypothesis sends requests with every method (those
the path does not allow too), generated path parameters (the names and
ids of a real deployment, any text, bytes that are not UTF-8), query
strings, identity and microversion headers, and bodies: generated from
the endpoint's JSON Schema, such a body with one part replaced, any JSON
and any bytes.  The app is the unit tests' in-process one: SQLite, fake
RPC, a real engine in a thread, fake drivers.

The property: no answer is a 5xx, and every 4xx is JSON
``{"error": {"code", "title", "error_code", "message"}}`` whose message
says what is wrong, with the request id header.

The run is derandomized, so CI sees the same examples each time.
``PROTECTOR_FUZZ_EXAMPLES`` sets the examples per route (default 40);
``PROTECTOR_FUZZ_PROFILE=long`` draws new random examples each run, 2,000
per route unless ``PROTECTOR_FUZZ_EXAMPLES`` says otherwise.
``PROTECTOR_FUZZ_STATS=FILE`` appends the examples run per route to FILE.
"""

import collections
import json
import os
import re
import urllib.parse

import fixtures as fx
import hypothesis
from hypothesis import strategies as st

from protector.api import endpoint
from protector.api import microversion
from protector.api import router
from protector.db import api as db
from protector.engine.operations import boot
from protector.engine.operations import runner
from protector.tests.unit.api import schema_strategies
from protector.tests.unit import base
from protector.tests.unit.engine.operations import fixtures

PROFILE = os.environ.get('PROTECTOR_FUZZ_PROFILE', 'ci')
_DEFAULT_EXAMPLES = {'ci': 40, 'long': 2000}[PROFILE]
EXAMPLES = int(os.environ.get('PROTECTOR_FUZZ_EXAMPLES',
                              _DEFAULT_EXAMPLES))
STATS = os.environ.get('PROTECTOR_FUZZ_STATS')
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES,
    derandomize=PROFILE == 'ci',
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=list(hypothesis.HealthCheck),
)

METHODS = ('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS')
ERROR_CODE = re.compile(r'^[a-z][a-z_]*[a-z]$')
REQUEST_ID = re.compile(r'^req-[0-9a-f-]{36}$')

# Text of every kind, lone surrogates and control characters included.
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()),
                   max_size=40)
ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() |
    st.floats(allow_nan=False) | ANY_TEXT,
    lambda inner: (st.lists(inner, max_size=4) |
                   st.dictionaries(ANY_TEXT, inner, max_size=4)),
    max_leaves=12)
# Header values as a server hands them over: latin-1, no line breaks.
HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=255),
                      max_size=40)


def _quote(value):
    if isinstance(value, str):
        value = value.encode('utf-8', 'surrogatepass')
    return urllib.parse.quote(value, safe='')


def _segment(known):
    """A path parameter: a known name or id, any text, any bytes."""
    unusual = st.one_of(
        ANY_TEXT.filter(bool).map(_quote),
        st.binary(min_size=1, max_size=12).map(_quote),
        st.sampled_from(['..', '%2F', 'x' * 300, '%00', '%ff']))
    if not known:
        return unusual
    return _mostly(st.sampled_from(known).map(_quote), unusual)


def _query(declared):
    names = sorted(declared) + ['all_projects', 'limit', 'marker']
    pairs = st.lists(st.tuples(
        st.one_of(st.sampled_from(names), ANY_TEXT).map(_quote),
        st.one_of(st.sampled_from(['true', 'false', '0', 'running', '',
                                   '2026-12-07T09:30:00Z']),
                  ANY_TEXT.map(_quote),
                  st.binary(max_size=8).map(_quote))), max_size=3)
    return pairs.map(lambda items: '&'.join('%s=%s' % item
                                            for item in items))


@st.composite
def _mutated(draw, valid):
    """A valid body with one part replaced by anything."""
    body = draw(valid)
    node = body
    while isinstance(node, (dict, list)) and node and draw(st.booleans()):
        keys = list(node) if isinstance(node, dict) else range(len(node))
        key = draw(st.sampled_from(keys))
        if not isinstance(node[key], (dict, list)) or draw(st.booleans()):
            node[key] = draw(ANY_JSON)
            return body
        node = node[key]
    return body


def _dump(value):
    return json.dumps(value).encode()


def _body(declared):
    unusual = st.one_of(
        st.none(), ANY_JSON.map(_dump), st.binary(max_size=64),
        st.integers(10, 5000).map(lambda n: b'[' * n + b']' * n))
    if declared.body is None:
        return unusual
    valid = schema_strategies.from_schema(declared.body)
    return _mostly(valid.map(_dump) | _mutated(valid).map(_dump), unusual)


def _headers(declared):
    # Mostly what a client allowed to act sends, so that requests reach
    # the handlers.
    identities = _mostly(
        st.sampled_from([base.ADMIN, base.member_of(base.PROJECT_A)]),
        st.sampled_from([base.member_of(base.PROJECT_A, 'reader'),
                         base.member_of(base.PROJECT_B)]))
    reaching = ['protector 1.%d' % minor for minor in range(
        declared.version[1], microversion.MAX_VERSION[1] + 1)]
    reaching.append('protector latest')
    if declared.version == microversion.MIN_VERSION:
        reaching.append(None)
    version = _mostly(
        st.sampled_from(reaching),
        st.sampled_from(['protector 1.99', 'compute 2.1, protector 1.1',
                         'protector', 'PROTECTOR 1.1', None,
                         'protector 1.0']) | HEADER_TEXT)
    content_type = _mostly(
        st.sampled_from([None, 'application/json']),
        st.sampled_from(['text/plain', 'application/json; '
                         'charset=latin-1']) | HEADER_TEXT)

    def build(identity, version, content_type):
        headers = dict(identity)
        if version is not None:
            headers['OpenStack-API-Version'] = version
        if content_type is not None:
            headers['Content-Type'] = content_type
        return headers
    return st.builds(build, identities, version, content_type)


def _mostly(usual, unusual):
    """``usual`` three times in four (and where hypothesis starts)."""
    return st.integers(0, 3).flatmap(
        lambda roll: unusual if roll == 3 else usual)


@st.composite
def requests(draw, path, known):
    methods = router.ROUTES[path]
    method = draw(st.one_of(st.sampled_from(sorted(methods)),
                            st.sampled_from(METHODS)))
    handler = methods.get(method) or next(iter(methods.values()))
    declared = endpoint.of(handler)
    url = re.sub(r'{([^}]+)}',
                 lambda match: draw(_segment(known.get(match.group(1)))),
                 path)
    query = draw(_mostly(st.just(''), _query(declared.query)))
    if query:
        url += '?' + query
    return method, url, draw(_headers(declared)), draw(_body(declared))


class TestFuzz(base.APITestCase):
    """One test per path of the route table (added below)."""

    def setUp(self):
        super().setUp()
        # Forty requests take seconds; a long run takes what it takes.
        self.useFixture(fx.Timeout(300 if PROFILE == 'ci' else 36000,
                                   gentle=True))
        self.conf.config(cloud='fake', storage='fake', group='drivers')
        self.sites = self.useFixture(fixtures.TwoSites())
        self.useFixture(fx.MockPatchObject(boot, 'sleep', lambda s: None))
        self.addCleanup(self._wait_for_operations)
        self.known = self._known()

    def _known(self):
        ctx = self.sites.context
        group = self.sites.group
        operation = db.operation_create(ctx, {
            'project_id': base.PROJECT_A, 'protection_group_id': group.id,
            'operation_type': 'sync', 'status': 'completed'})
        mapping = db.tenant_mapping_list(ctx)[0]
        members = list(self.sites.members.values())
        sites = list(self.sites.sites.values())
        return {
            'project_id': [base.PROJECT_A, base.PROJECT_B, 'admin'],
            'pg': [group.id, group.name],
            'pg_id': [group.id],
            'member': [m.id for m in members] + [m.server_name
                                                 for m in members],
            'site': [s.name for s in sites] + [s.id for s in sites],
            'mapping_id': [mapping.id],
            'operation_id': [operation.id],
        }

    def _wait_for_operations(self):
        for operation in db.operation_list_running(self.sites.context):
            runner.wait(operation.id, 30)

    def check(self, method, url, headers, body):
        """Send one request; assert the property; return the status."""
        response = self.request(method, url, headers=headers, raw=body)
        where = '%s %s -> %s %s' % (method, url[:200], response.status,
                                    response.text[:500])
        self.assertLess(response.status_int, 500, where)
        self.assertRegex(response.headers.get('x-openstack-request-id', ''),
                         REQUEST_ID, where)
        if response.status_int < 400 or method == 'HEAD':
            return response.status_int
        self.assertEqual('application/json', response.content_type, where)
        error = json.loads(response.text)['error']
        self.assertEqual(response.status_int, error['code'], where)
        self.assertTrue(error['title'], where)
        self.assertRegex(error['error_code'], ERROR_CODE, where)
        self.assertIsInstance(error['message'], str, where)
        self.assertGreater(len(error['message']), 15, where)
        self.assertNotIn('Traceback', error['message'], where)
        return response.status_int

    def fuzz(self, path):
        statuses = collections.Counter()

        @SETTINGS
        @hypothesis.given(requests(path, self.known))
        def run(request):
            statuses[self.check(*request)] += 1
        run()
        if STATS:
            with open(STATS, 'a') as stats:
                stats.write('%d %s %s\n' % (
                    sum(statuses.values()), path,
                    ' '.join('%s:%d' % item
                             for item in sorted(statuses.items()))))


def _fuzz_route(path):
    def test(self):
        self.fuzz(path)
    test.__doc__ = 'Fuzz %s' % path
    return test


for _path in router.ROUTES:
    _name = 'test_' + (re.sub(r'[^a-z0-9]+', '_', _path.lower()).strip('_')
                       or 'root')
    if _path.endswith('/') and _path != '/':
        _name += '_slash'
    setattr(TestFuzz, _name, _fuzz_route(_path))
