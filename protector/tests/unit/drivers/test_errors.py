"""Typed driver errors: translation, redaction and the retry of failures."""

import sys
import types

import fixtures
from keystoneauth1 import exceptions as ks_exc
from openstack import exceptions as sdk_exc
from oslo_messaging._drivers import common as messaging_common
import requests
import testtools

from protector.common import driver_errors as errors
from protector.common import exception
from protector.common import rpc
from protector.drivers import translation

SITE = 'site-b'


def http_error(status, body, content_type='application/json'):
    response = requests.Response()
    response.status_code = status
    response.headers['content-type'] = content_type
    response.headers['x-openstack-request-id'] = 'req-1234'
    response._content = body.encode()
    response.request = requests.Request('GET', 'http://nova.test/x').prepare()
    try:
        sdk_exc.raise_from_response(response)
    except sdk_exc.HttpException as exc:
        return exc


def translate(exc, resource='server web-1', action='stop server'):
    return translation.translate(exc, SITE, resource, action)


class TestTranslate(testtools.TestCase):

    def test_http_statuses_become_typed_errors(self):
        for status, cls, common_cls, transient in (
                (400, errors.CloudBadRequest, exception.BadRequest, False),
                (401, errors.SiteAuthFailed, exception.ServiceUnavailable,
                 False),
                (403, errors.CloudForbidden, exception.Forbidden, False),
                (404, errors.CloudNotFound, exception.NotFound, False),
                (409, errors.CloudConflict, exception.Conflict, False),
                (413, errors.CloudConflict, exception.Conflict, False),
                (429, errors.CloudUnavailable, exception.ServiceUnavailable,
                 True),
                (500, errors.CloudUnavailable, exception.ServiceUnavailable,
                 True),
                (502, errors.CloudUnavailable, exception.ServiceUnavailable,
                 True),
                (503, errors.CloudUnavailable, exception.ServiceUnavailable,
                 True),
                (501, errors.CloudUnavailable, exception.ServiceUnavailable,
                 False)):
            error = translate(http_error(
                status, '{"x": {"message": "it said no", "code": %d}}'
                % status))
            self.assertIsInstance(error, cls, status)
            self.assertIsInstance(error, common_cls, status)
            self.assertIsInstance(error, errors.DriverError, status)
            self.assertEqual(transient, error.transient, status)
            self.assertEqual(status, error.status_code)
            self.assertEqual(common_cls.code, error.code)
            self.assertIn('it said no (HTTP %d)' % status, error.msg)
            self.assertIn('req-1234', error.msg)
            self.assertIn(SITE, error.msg)
            self.assertIn('server web-1', error.msg)

    def test_message_names_site_resource_action_and_cause(self):
        error = translate(http_error(409, '{"conflictingRequest": {'
                                          '"message": "Instance is locked",'
                                          ' "code": 409}}'))
        self.assertEqual(
            'Could not stop server server web-1 on site site-b: Instance is '
            'locked (HTTP 409) (request req-1234)', error.msg)
        self.assertEqual({'site': SITE, 'resource': 'server web-1',
                          'action': 'stop server', 'status_code': 409,
                          'detail': 'Instance is locked (HTTP 409) (request '
                                    'req-1234)'}, error.kwargs)

    def test_busy_conflicts_are_transient(self):
        for message in (
                "Cannot 'stop' instance 1 while it is in task_state "
                "powering-on",
                'Volume 5 is busy',
                'Invalid volume: Volume status must be available, but '
                'current status is: detaching',
                'Group g1 is updating; try again later'):
            error = translate(http_error(
                409, '{"x": {"message": "%s"}}' % message))
            self.assertIsInstance(error, errors.CloudBusy, message)
            self.assertTrue(error.transient)

    def test_address_and_state_conflicts_are_permanent(self):
        for message in (
                'IP address 10.0.0.9 already allocated in subnet s',
                'Unable to complete operation for network n. The mac '
                'address fa:16:3e:00:00:01 is in use.',
                "Cannot 'stop' instance 1 while it is in vm_state stopped",
                'Quota exceeded for instances'):
            error = translate(http_error(
                409, '{"x": {"message": "%s"}}' % message))
            self.assertNotIsInstance(error, errors.CloudBusy, message)
            self.assertFalse(error.transient)

    def test_connection_failures(self):
        refused = translate(ks_exc.ConnectFailure('Connection refused'))
        self.assertIsInstance(refused, errors.CloudUnavailable)
        self.assertTrue(refused.transient)
        self.assertTrue(refused.unprocessed)
        reset = translate(ConnectionResetError(104, 'Connection reset by '
                                                    'peer'))
        self.assertIsInstance(reset, errors.CloudUnavailable)
        self.assertTrue(reset.transient)
        self.assertFalse(reset.unprocessed)
        for exc in (requests.ConnectionError('reset'),
                    ks_exc.ConnectTimeout('timed out')):
            self.assertTrue(translate(exc).transient, exc)

    def test_missing_endpoint_is_permanent(self):
        error = translate(ks_exc.EndpointNotFound('no volumev3 endpoint'))
        self.assertIsInstance(error, errors.CloudUnavailable)
        self.assertFalse(error.transient)
        self.assertIn('Keystone catalog', error.msg)

    def test_sdk_lookups(self):
        self.assertIsInstance(
            translate(sdk_exc.NotFoundException('No Server found for x')),
            errors.CloudNotFound)
        self.assertIsInstance(
            translate(sdk_exc.DuplicateResource('More than one Server')),
            errors.CloudConflict)
        unknown = translate(ValueError('odd answer'))
        self.assertIsInstance(unknown, errors.CloudError)
        self.assertEqual(502, unknown.code)
        self.assertFalse(unknown.transient)

    def test_keystone_refusing_credentials(self):
        error = translate(ks_exc.Unauthorized('The request you have made '
                                              'requires authentication.'))
        self.assertIsInstance(error, errors.SiteAuthFailed)
        self.assertIn("site set site-b --password <password>", error.msg)

    def test_typed_errors_pass_through(self):
        error = errors.CloudNotFound(site=SITE, resource='r', action='a',
                                     detail='d')
        self.assertIs(error, translate(error))

    def test_our_own_errors_keep_their_code(self):
        error = translate(exception.NotFound(kind='Project', ident='p1'))
        self.assertIsInstance(error, errors.CloudNotFound)
        self.assertIn('Project p1 was not found', error.msg)


class TestRedact(testtools.TestCase):

    def test_secrets_are_masked(self):
        for text, secret in (
                ('{"password": "hunter2"}', 'hunter2'),
                ("auth_key='abc123'", 'abc123'),
                ('X-Auth-Token: gAAAAABmoretokentokentoken1234', 'gAAAAAB'),
                ('token gAAAAABmoretokentokentoken12345678 expired',
                 'gAAAAAB'),
                ('admin_pass=Sw0rdf1sh, rest', 'Sw0rdf1sh'),
                ('user_data: IyEvYmluL3NoCg==', 'IyEvYmluL3NoCg'),
                ('adminPass="Passw0rd"', 'Passw0rd')):
            redacted = errors.redact(text)
            self.assertNotIn(secret, redacted, text)
            self.assertIn('***', redacted, text)

    def test_given_secrets_are_masked_anywhere(self):
        self.assertEqual('login as *** failed: ***',
                         errors.redact('login as s3cr3t-t0k3n failed: '
                                       's3cr3t-t0k3n', 's3cr3t-t0k3n', None))

    def test_plain_messages_stay(self):
        text = 'Instance 6c1f could not be found.'
        self.assertEqual(text, errors.redact(text))

    def test_long_messages_are_cut(self):
        self.assertEqual(400, len(errors.redact('x' * 5000)))


class TestRetrier(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.sleeps = []
        self.retrier = translation.Retrier(attempts=4, interval=1.0,
                                           max_interval=3.0,
                                           sleep=self.sleeps.append)

    def failing(self, *failures, result='done'):
        calls = []

        def call():
            calls.append(1)
            if len(calls) <= len(failures):
                raise failures[len(calls) - 1]
            return result
        return call, calls

    def test_transient_failures_are_repeated_with_backoff(self):
        call, calls = self.failing(http_error(503, '{}'), http_error(502,
                                                                     '{}'),
                                   ConnectionResetError('reset'))
        self.assertEqual('done', self.retrier.call(SITE, 'r', 'a', call))
        self.assertEqual(4, len(calls))
        self.assertEqual(3, len(self.sleeps))
        for expected, slept in zip((1.0, 2.0, 3.0), self.sleeps):
            self.assertTrue(0.8 * expected <= slept <= expected, slept)

    def test_a_retry_is_logged_with_the_site_name_only(self):
        logger = self.useFixture(fixtures.FakeLogger())
        site = types.SimpleNamespace(name='site-b',
                                     password_encrypted='not-for-logs')
        call, _ = self.failing(http_error(503, '{}'))

        self.retrier.call(site, 'volume v1', 'delete volume', call)

        self.assertIn('Site site-b: delete volume volume v1 failed',
                      logger.output)
        self.assertNotIn('not-for-logs', logger.output)

    def test_attempts_are_bounded(self):
        call, calls = self.failing(*[http_error(500, '{}')] * 10)
        error = self.assertRaises(errors.CloudUnavailable, self.retrier.call,
                                  SITE, 'volume v1', 'delete volume', call)
        self.assertEqual(4, len(calls))
        self.assertIn('delete volume volume v1', error.msg)

    def test_permanent_failures_are_not_repeated(self):
        for failure in (http_error(404, '{}'), http_error(400, '{}'),
                        http_error(409, '{"x": {"message": "IP address in '
                                        'use"}}'),
                        ks_exc.Unauthorized('no')):
            call, calls = self.failing(failure)
            self.assertRaises(errors.DriverError, self.retrier.call, SITE,
                              'r', 'a', call)
            self.assertEqual(1, len(calls), failure)
        self.assertEqual([], self.sleeps)

    def test_creates_repeat_only_what_the_cloud_did_not_act_on(self):
        call, calls = self.failing(http_error(500, '{}'))
        self.assertRaises(errors.CloudUnavailable, self.retrier.call, SITE,
                          'r', 'create server', call, idempotent=False)
        self.assertEqual(1, len(calls))
        call, calls = self.failing(ks_exc.ConnectFailure('refused'),
                                   http_error(503, '{}'),
                                   http_error(409, '{"x": {"message": '
                                                   '"Volume is busy"}}'))
        self.assertEqual('done', self.retrier.call(
            SITE, 'r', 'create server', call, idempotent=False))
        self.assertEqual(4, len(calls))

    def test_the_original_cause_is_not_chained(self):
        call, _ = self.failing(http_error(404, '{}'))
        try:
            self.retrier.call(SITE, 'r', 'a', call)
        except errors.CloudNotFound as error:
            self.assertIsNone(error.__cause__)
            self.assertTrue(error.__suppress_context__)

    def test_one_attempt_means_no_repeat(self):
        retrier = translation.Retrier(attempts=0, sleep=self.sleeps.append)
        call, calls = self.failing(http_error(503, '{}'))
        self.assertRaises(errors.CloudUnavailable, retrier.call, SITE, 'r',
                          'a', call)
        self.assertEqual(1, len(calls))


class TestAcrossRpc(testtools.TestCase):
    """The engine's errors reach the API as themselves (when allowed)."""

    def roundtrip(self, error):
        try:
            raise error
        except errors.DriverError:
            data = messaging_common.serialize_remote_exception(
                sys.exc_info())
        return messaging_common.deserialize_remote_exception(
            data, rpc.ALLOWED_EXMODS)

    def test_kwargs_and_message_survive(self):
        for error in (
                errors.CloudNotFound(site=SITE, resource='server x',
                                     action='capture server',
                                     detail='No Server found for x'),
                errors.CloudBusy(site=SITE, resource='volume v',
                                 action='delete volume', detail='busy',
                                 status_code=409),
                errors.ResourceTimeout(site=SITE, resource='server x',
                                       action='wait for ACTIVE',
                                       wanted='ACTIVE', reached='BUILD',
                                       fault='', timeout=5),
                errors.ArrayUnavailable(array='https://array-a',
                                        resource='protection group pg-1',
                                        action='snapshot', detail='refused')):
            back = self.roundtrip(error)
            self.assertIsInstance(back, type(error))
            self.assertEqual(error.code, back.code)
            self.assertEqual(error.msg, back.msg)
            self.assertEqual(error.transient, back.transient)
            self.assertEqual(error.kwargs['site'], back.kwargs['site'])
