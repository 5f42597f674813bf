"""The ``pure`` storage driver without an array: the translation of the
client's failures, retries, sessions and the edge cases of its calls.

What it does against an array is checked by the storage contract against
the FlashArray emulator (protector/tests/lab/test_storage_contract.py).
"""

import datetime
import json
from unittest import mock

from oslo_config import cfg
import purestorage
import requests
import testtools

from protector.common import driver_errors as errors
from protector.common import exception
from protector.conf import pure as pure_options
from protector.drivers.storage import base
from protector.drivers.storage import pure
from protector.drivers.storage.pure import client
from protector.drivers import translation

TOKEN = '0b2d5f6e-94a1-4c55-8a4b-7a1c9e3f2d10'
ARRAY = base.ArrayRef('https://fa-a.example.com', TOKEN)
PEER = base.ArrayRef('https://fa-b.example.com', 'peer-token-1234')


def http_error(status, msg, ctx='vol1'):
    response = requests.Response()
    response.status_code = status
    response.reason = 'BAD REQUEST'
    response.headers['Content-Type'] = 'application/json'
    response._content = json.dumps([{'pure_err_key': 'err.friendly',
                                     'pure_err_code': 1, 'code': 0,
                                     'ctx': ctx, 'msg': msg}]).encode()
    return purestorage.PureHTTPError('fa-a.example.com', '1.19', response)


def connection_error(exc):
    try:
        raise purestorage.PureError(exc)
    except purestorage.PureError as error:
        return error


def translate(exc):
    return client.translate(exc, ARRAY, 'volume vol1', 'copy')


def make_conf(**overrides):
    conf = cfg.ConfigOpts()
    pure_options.register_opts(conf)
    conf([], project='protector', default_config_files=[])
    for name, value in dict({'retry_interval': 0, 'poll_interval': 0.05,
                             'propagation_timeout': 1},
                            **overrides).items():
        conf.set_override(name, value, 'pure')
    return conf


class TestTranslate(testtools.TestCase):

    def test_refusals_become_typed_errors_by_their_message(self):
        for status, msg, cls, code in (
                (400, 'Volume does not exist.', errors.ArrayNotFound, 404),
                (400, 'No such volume or snapshot.', errors.ArrayNotFound,
                 404),
                (400, 'Volume already exists.', errors.ArrayConflict, 409),
                (400, 'Volume has been destroyed.', errors.ArrayConflict,
                 409),
                (400, 'Volume vol1 already belongs to protection group pg.',
                 errors.ArrayConflict, 409),
                (400, 'Invalid volume size.', errors.ArrayBadRequest, 400),
                (401, 'Invalid API token.', errors.ArrayAuthFailed, 503),
                (403, 'Permission denied.', errors.ArrayForbidden, 403),
                (404, 'Not found.', errors.ArrayNotFound, 404)):
            error = translate(http_error(status, msg))
            self.assertIsInstance(error, cls, msg)
            self.assertEqual(code, error.code, msg)
            self.assertFalse(error.transient, msg)
            self.assertEqual(status, error.status_code)
            self.assertEqual(ARRAY.url, error.array)
            self.assertEqual(ARRAY.url, error.site)
            self.assertIn('%s (vol1)' % msg, error.detail)
            self.assertIn(ARRAY.url, str(error))

    def test_transient_answers(self):
        for status, msg, cls, unprocessed in (
                (400, 'The array is busy, try again.', errors.ArrayBusy,
                 True),
                (500, 'Internal error.', errors.ArrayUnavailable, False),
                (502, 'Bad gateway.', errors.ArrayUnavailable, False),
                (503, 'Unavailable.', errors.ArrayUnavailable, True),
                (429, 'Too many requests.', errors.ArrayUnavailable, True)):
            error = translate(http_error(status, msg))
            self.assertIsInstance(error, cls, status)
            self.assertTrue(error.transient, status)
            self.assertEqual(unprocessed, error.unprocessed, status)

    def test_connection_failures(self):
        refused = translate(connection_error(requests.ConnectionError(
            'Failed to establish a new connection: [Errno 111] Connection '
            'refused')))
        self.assertIsInstance(refused, errors.ArrayUnavailable)
        self.assertTrue(refused.transient and refused.unprocessed)
        reset = translate(connection_error(requests.ConnectionError(
            'Connection aborted, ConnectionResetError(104)')))
        self.assertTrue(reset.transient)
        self.assertFalse(reset.unprocessed)
        timeout = translate(connection_error(requests.ReadTimeout('read')))
        self.assertTrue(timeout.transient)
        self.assertFalse(timeout.unprocessed)
        connect = translate(connection_error(requests.ConnectTimeout('c')))
        self.assertTrue(connect.unprocessed)
        tls = translate(connection_error(requests.exceptions.SSLError(
            'certificate verify failed')))
        self.assertIsInstance(tls, errors.ArrayError)
        self.assertFalse(tls.transient)
        self.assertIn('verify_https', tls.detail)
        other = translate(purestorage.PureError('Response not in JSON'))
        self.assertIsInstance(other, errors.ArrayError)
        self.assertIsInstance(other, exception.ProtectorException)
        self.assertFalse(other.transient)

    def test_the_token_never_appears(self):
        error = translate(http_error(400, 'Token %s is bad' % TOKEN, TOKEN))
        self.assertNotIn(TOKEN, str(error))
        self.assertNotIn(TOKEN, error.detail)
        error = translate(connection_error(requests.ConnectionError(
            'api_token=%s refused' % TOKEN)))
        self.assertNotIn(TOKEN, str(error))
        self.assertNotIn(TOKEN, repr(ARRAY))
        self.assertNotIn(TOKEN, str(ARRAY))

    def test_typed_errors_pass_through(self):
        error = errors.ArrayNotFound(array='x', resource='r', action='a',
                                     detail='d')
        self.assertIs(error, translate(error))


class TestRetrier(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.sleeps = []
        self.retrier = translation.ArrayRetrier(
            client.translate, attempts=3, interval=1.0,
            sleep=self.sleeps.append)

    def calls(self, *failures, **kwargs):
        func = mock.Mock(side_effect=list(failures) + ['done'])
        try:
            result = self.retrier.call(ARRAY, 'volume vol1', 'copy', func,
                                       **kwargs)
        except errors.StorageError as exc:
            result = exc
        return result, func.call_count

    def test_transient_failures_are_repeated_with_backoff(self):
        result, count = self.calls(http_error(503, 'busy'),
                                   http_error(500, 'oops'))
        self.assertEqual(('done', 3), (result, count))
        self.assertEqual(2, len(self.sleeps))
        self.assertLess(self.sleeps[0], self.sleeps[1])

    def test_attempts_are_bounded(self):
        result, count = self.calls(*[http_error(503, 'down')] * 5)
        self.assertIsInstance(result, errors.ArrayUnavailable)
        self.assertEqual(3, count)

    def test_permanent_failures_are_not_repeated(self):
        result, count = self.calls(http_error(400, 'Volume already '
                                                   'exists.'))
        self.assertIsInstance(result, errors.ArrayConflict)
        self.assertEqual(1, count)
        self.assertEqual([], self.sleeps)

    def test_a_create_is_repeated_only_when_the_array_did_nothing(self):
        reset = connection_error(requests.ConnectionError('reset by peer'))
        result, count = self.calls(reset, idempotent=False)
        self.assertIsInstance(result, errors.ArrayUnavailable)
        self.assertEqual(1, count)
        refused = connection_error(requests.ConnectionError(
            'Connection refused'))
        result, count = self.calls(refused, idempotent=False)
        self.assertEqual(('done', 2), (result, count))


class TestHelpers(testtools.TestCase):

    def test_target_of_a_url(self):
        for url, target in (('https://fa.example.com', 'fa.example.com'),
                            ('https://fa.example.com/', 'fa.example.com'),
                            ('https://10.0.0.5:8443/api', '10.0.0.5:8443'),
                            ('fa.example.com', 'fa.example.com'),
                            ('http://u:p@fa:443', 'fa:443'),
                            ('https://[fd00::5]:443', '[fd00::5]:443')):
            self.assertEqual(target, client.target_of(url), url)

    def test_names(self):
        self.assertEqual('protector-%s' % ('a' * 36),
                         base.replication_group_name('a' * 36))
        long_name = base.derived_volume_name('x' * 40, 'volume-' + 'b' * 36)
        self.assertEqual(63, len(long_name))
        other = base.derived_volume_name('x' * 40, 'volume-' + 'c' * 36)
        self.assertNotEqual(long_name, other)
        self.assertEqual('t-1-vol', base.derived_volume_name('t-1',
                                                             'pod::vol'))
        self.assertEqual('t-a-b', base.derived_volume_name('t', 'a.b'))
        self.assertEqual(14400, base.retention_seconds(3600, 4))
        self.assertEqual(ARRAY, base.array_ref((ARRAY.url, TOKEN)))
        self.assertEqual(ARRAY, base.array_ref({'url': ARRAY.url,
                                                'api_token': TOKEN}))

    def test_volume_name_template_is_configurable(self):
        driver = pure.PureStorageDriver(make_conf())
        self.assertEqual('volume-1234-cinder',
                         driver.array_volume_name('1234'))
        self.assertEqual('pod::volume-1234-cinder',
                         driver.array_volume_name('1234', pod='pod'))
        driver = pure.PureStorageDriver(make_conf(
            volume_name_template='volume-%(id)s'))
        self.assertEqual('volume-1234', driver.array_volume_name('1234'))


class DriverTestCase(testtools.TestCase):
    """The driver with ``purestorage.FlashArray`` replaced by mocks."""

    def setUp(self):
        super().setUp()
        self.clients = {}
        patcher = mock.patch.object(client.purestorage, 'FlashArray',
                                    side_effect=self.flasharray)
        self.FlashArray = patcher.start()
        self.addCleanup(patcher.stop)

    def flasharray(self, target, api_token=None, **kwargs):
        if api_token == 'wrong':
            raise http_error(401, 'Invalid API token.', 'api_token')
        fake = self.clients.setdefault(target, mock.Mock(name=target))
        fake.get.return_value = {'array_name': target.split('.')[0],
                                 'id': target, 'version': '6.1.0'}
        fake.get_rest_version.return_value = '1.19'
        if not isinstance(fake.get_pgroup.return_value, (dict, list)):
            fake.get_pgroup.return_value = {'volumes': None,
                                            'targets': None}
            fake.list_array_connections.return_value = []
        return fake

    def driver(self, **overrides):
        return pure.PureStorageDriver(make_conf(**overrides))


class TestSessions(DriverTestCase):

    def test_one_login_per_array_and_token(self):
        driver = self.driver(request_timeout=7)
        driver.get_replication_group(ARRAY, 'pg')
        driver.get_replication_group(ARRAY, 'pg')
        self.assertEqual(1, self.FlashArray.call_count)
        args, kwargs = self.FlashArray.call_args
        self.assertEqual(('fa-a.example.com',), args)
        self.assertEqual({'timeout': 7}, kwargs['request_kwargs'])
        driver.get_replication_group(ARRAY._replace(api_token='other'),
                                     'pg')
        self.assertEqual(2, self.FlashArray.call_count)

    def test_certificate_verification_when_configured(self):
        driver = self.driver(verify_https=True, ca_certificate='/etc/ca.pem')
        driver.check_array(ARRAY.url, TOKEN)
        kwargs = self.FlashArray.call_args[1]
        self.assertEqual('/etc/ca.pem', kwargs['request_kwargs']['verify'])

    def test_check_array_names_the_array_or_what_is_wrong(self):
        driver = self.driver()
        result = driver.check_array(ARRAY.url, TOKEN)
        self.assertEqual('passed', result['result'])
        self.assertIn('array fa-a (Purity 6.1.0, REST 1.19)',
                      result['detail'])
        result = driver.check_array(ARRAY.url, 'wrong')
        self.assertEqual('failed', result['result'])
        self.assertIn('policy-set', result['detail'])
        self.assertEqual(2, self.FlashArray.call_count)

    def test_check_array_with_a_link_that_is_down(self):
        driver = self.driver()
        driver.check_array(PEER.url, PEER.api_token)
        self.flasharray('fa-a.example.com').list_array_connections \
            .return_value = [{'array_name': 'fa-b', 'connected': False,
                              'type': ['replication']}]
        result = driver.check_array(ARRAY.url, TOKEN, peer=PEER)
        self.assertEqual('failed', result['result'])
        self.assertIn('link is down', result['detail'])

    def test_an_old_rest_version_fails_its_check(self):
        driver = self.driver()
        for name in ('fa-a.example.com', 'fa-b.example.com'):
            self.flasharray(name)
        self.FlashArray.side_effect = lambda target, **kw: self.clients[
            target]
        for fake in self.clients.values():
            fake.get_rest_version.return_value = '1.2'
        checks = driver.check_replication(ARRAY, PEER)
        versions = [c for c in checks if c['check'] == 'rest_version']
        self.assertEqual(['failed', 'failed'],
                         [c['result'] for c in versions])
        self.assertIn('needs 1.3', versions[0]['detail'])


class TestReplicationEdges(DriverTestCase):

    def test_a_target_group_that_never_appears(self):
        driver = self.driver(propagation_timeout=1)
        driver.check_array(PEER.url, PEER.api_token)
        source = self.flasharray('fa-a.example.com')
        self.clients['fa-b.example.com'].get_pgroup.side_effect = (
            http_error(400, 'Protection group does not exist.'))
        exc = self.assertRaises(errors.ReplicationNotReady,
                                driver.ensure_replication_group, ARRAY,
                                PEER, 'pg', [], 3600, 4)
        self.assertIn('fa-a:pg appearing on fa-b', str(exc))
        source.set_pgroup.assert_any_call('pg', addtargetlist=['fa-b'])
        source.set_pgroup.assert_any_call(
            'pg', target_all_for=14400, target_per_day=0, target_days=0,
            all_for=14400, per_day=0, days=0)

    def test_volumes_of_a_recovery_point_without_the_pgroup_listing(self):
        driver = self.driver()
        driver.check_array(PEER.url, PEER.api_token)
        target = self.clients['fa-b.example.com']
        target.get_pgroup.return_value = [{
            'name': 'fa-a:pg.1', 'source': 'fa-a:pg',
            'created': '2026-05-01T10:00:00Z', 'progress': 1.0,
            'completed': '2026-05-01T10:00:05Z', 'data_transferred': 5}]
        target.get_volume.side_effect = http_error(400, 'Invalid option.')
        target.list_volumes.return_value = [
            {'name': 'fa-a:pg.1.volume-1'}, {'name': 'fa-a:pg.10.volume-2'},
            {'name': 'other.volume-3'}]
        record = driver.get_recovery_point(PEER, 'fa-a:pg.1')
        self.assertEqual({'volume-1': 'fa-a:pg.1.volume-1'},
                         record['volumes'])
        self.assertEqual(('fa-a', 'pg'), (record['source_array'],
                                          record['group']))
        self.assertEqual('2026-05-01 10:00:00', str(record['created_at']))

    def test_progress_below_one_is_not_complete(self):
        driver = self.driver()
        driver.check_array(PEER.url, PEER.api_token)
        target = self.clients['fa-b.example.com']
        target.get_pgroup.return_value = [{
            'name': 'fa-a:pg.1', 'source': 'fa-a:pg',
            'created': '2026-05-01T10:00:00Z', 'progress': 0.42,
            'completed': None}]
        record = driver.get_recovery_point(PEER, 'fa-a:pg.1')
        self.assertFalse(record['completed'])
        self.assertEqual({}, record['volumes'])
        exc = self.assertRaises(errors.RecoveryPointTimeout,
                                driver.wait_for_recovery_point, PEER,
                                'fa-a:pg.1', timeout=0.1)
        self.assertIn('42 % transferred', str(exc))
        self.assertRaises(errors.RecoveryPointIncomplete,
                          driver.copy_snapshot_volumes, PEER, 'fa-a:pg.1',
                          {'volume-1': 'copy'})
        target.copy_volume.assert_not_called()

    def test_reverse_without_a_group_on_the_old_source(self):
        driver = self.driver()
        driver.ensure_replication_group = mock.Mock(return_value={})
        self.flasharray('fa-a.example.com').set_pgroup.side_effect = (
            http_error(400, 'Protection group does not exist.', 'pg'))
        result = driver.reverse(PEER, ARRAY, 'pg', ['v'], 3600, 4)
        self.assertEqual({'group': {}, 'stopped': False}, result)
        driver.ensure_replication_group.assert_called_once_with(
            PEER, ARRAY, 'pg', ['v'], 3600, 4)


class TestOverview(DriverTestCase):

    def answers(self, rest_version='1.19'):
        array = self.flasharray('fa-a.example.com')
        array.get_rest_version.return_value = rest_version
        snapshots = [
            # Sent to the target, then one the target has not received.
            {'name': 'pg.1', 'source': 'pg',
             'created': '2026-05-01T10:00:00Z',
             'started': '2026-05-01T10:00:01Z', 'progress': 1.0,
             'completed': '2026-05-01T10:00:09Z', 'data_transferred': 7},
            {'name': 'pg.2', 'source': 'pg',
             'created': '2026-05-01T10:05:00Z', 'started': None,
             'progress': None, 'completed': None, 'data_transferred': 0},
            # Received from fa-b (after a failback both ways exist).
            {'name': 'fa-b:pg.7', 'source': 'fa-b:pg',
             'created': '2026-04-30T08:00:00Z', 'progress': 1.0,
             'completed': '2026-04-30T08:00:03Z', 'data_transferred': 3},
            {'name': 'fa-b:pg.8', 'source': 'fa-b:pg',
             'created': '2026-04-30T09:00:00Z', 'progress': 0.25,
             'completed': None, 'data_transferred': 1024},
            # A group in a pod, made here.
            {'name': 'pod::pg.3', 'source': 'pod::pg',
             'created': '2026-05-01T09:00:00Z', 'progress': 1.0,
             'completed': '2026-05-01T09:00:01Z'}]
        groups = [{'name': 'pg', 'volumes': ['v-1', 'v-2']},
                  {'name': 'fa-b:pg', 'volumes': ['v-1', 'v-2']}]
        array.list_pgroups.side_effect = lambda **kwargs: (
            snapshots if kwargs.get('snap') else groups)
        array.list_volumes.return_value = [{'name': 'v-1'},
                                           {'name': 'pod::v-3'}]
        array.list_array_connections.return_value = [
            {'array_name': 'fa-b', 'connected': False,
             'type': ['replication', 'sync-replication'],
             'management_address': '10.0.0.2'}]
        array.list_pods.return_value = [
            {'name': 'pod', 'promotion_status': 'promoted', 'arrays': [
                {'name': 'fa-a', 'status': 'online'},
                {'name': 'fa-b', 'status': 'offline'}]}]
        self.FlashArray.side_effect = lambda target, **kw: self.clients[
            target]
        return array

    def test_five_requests_and_what_they_say(self):
        array = self.answers()
        overview = self.driver().replication_overview(ARRAY)
        self.assertEqual({
            'array': ARRAY.url, 'name': 'fa-a',
            'connections': [{'name': 'fa-b', 'connected': False,
                             'types': ['replication', 'sync-replication'],
                             'status': 'disconnected'}],
            'groups': {
                'pg': {'role': 'source', 'source_array': 'fa-a',
                       'newest_completed': 'fa-a:pg.1',
                       'newest_completed_at': datetime.datetime(
                           2026, 5, 1, 10, 0),
                       'in_progress': [{
                           'name': 'fa-a:pg.2',
                           'created_at': datetime.datetime(2026, 5, 1, 10,
                                                           5),
                           'progress': 0.0, 'data_transferred': 0}]},
                'pod::pg': {'role': 'source', 'source_array': 'fa-a',
                            'newest_completed': 'fa-a:pod::pg.3',
                            'newest_completed_at': datetime.datetime(
                                2026, 5, 1, 9, 0),
                            'in_progress': []}},
            'replicas': {
                'pg': {'role': 'target', 'source_array': 'fa-b',
                       'newest_completed': 'fa-b:pg.7',
                       'newest_completed_at': datetime.datetime(
                           2026, 4, 30, 8, 0),
                       'in_progress': [{
                           'name': 'fa-b:pg.8',
                           'created_at': datetime.datetime(2026, 4, 30, 9,
                                                           0),
                           'progress': 0.25, 'data_transferred': 1024}]}},
            'pods': {'pod': {'healthy': False, 'arrays': [
                {'name': 'fa-a', 'status': 'online'},
                {'name': 'fa-b', 'status': 'offline'}]}},
            'protected': {'pg': ['v-1', 'v-2'], 'pod': ['pod::v-3']}},
            overview)
        self.assertEqual([mock.call(snap=True, transfer=True), mock.call()],
                         array.list_pgroups.call_args_list)
        array.list_array_connections.assert_called_once_with()
        array.list_pods.assert_called_once_with()
        array.list_volumes.assert_called_once_with()

    def test_no_pods_before_rest_1_13(self):
        array = self.answers(rest_version='1.12')
        self.assertEqual({}, self.driver().replication_overview(ARRAY)[
            'pods'])
        array.list_pods.assert_not_called()
        array.list_volumes.assert_not_called()

    def test_an_array_that_does_not_answer_is_tried_once(self):
        array = self.answers()
        driver = self.driver(retry_attempts=4)
        driver.replication_overview(ARRAY)
        array.list_pgroups.side_effect = connection_error(
            requests.ConnectionError('Failed to establish a new connection: '
                                     '[Errno 111] Connection refused'))
        exc = self.assertRaises(errors.ArrayUnavailable,
                                driver.replication_overview, ARRAY)
        # Two listings of the first round, one failed of the second.
        self.assertEqual(3, array.list_pgroups.call_count)
        self.assertNotIn(TOKEN, str(exc))
