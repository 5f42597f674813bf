"""schemathesis against site A: the served OpenAPI description is what
the real protector-api does, and it never answers 5xx.

It runs after test_two_sites.py (files run in name order), on the sites
that test left, but needs nothing of it: run alone, it works on fresh
sites.  Generated requests use a real Keystone admin token; path
parameters are random, so they rarely name a real resource, and nothing
the other tests made is in the way.

``PROTECTOR_SCHEMATHESIS_EXAMPLES`` sets the examples per operation and
generation mode (default 10: about 900 requests, three minutes).
"""

import os
import time

import hypothesis
import requests
import schemathesis
from schemathesis import checks
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi import checks as openapi_checks

EXAMPLES = int(os.environ.get('PROTECTOR_SCHEMATHESIS_EXAMPLES', 10))
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck))
# What every answer must satisfy.  positive_data_acceptance is left out:
# a valid body for a random, missing group is rightly a 404.
CHECKS = [checks.not_a_server_error,
          openapi_checks.status_code_conformance,
          openapi_checks.content_type_conformance,
          openapi_checks.response_schema_conformance,
          openapi_checks.negative_data_rejection,
          openapi_checks.missing_required_header,
          openapi_checks.unsupported_method]


def _run(operation, mode, base_url, headers, failures, statuses):
    @SETTINGS
    @hypothesis.given(operation.as_strategy(generation_mode=mode))
    def examples(case):
        response = case.call(base_url=base_url, headers=headers,
                             timeout=60)
        statuses.append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS,
                                   headers=headers)
        except (AssertionError, BaseExceptionGroup) as exc:
            failures.append('%s %s (%s): %s' % (
                operation.method.upper(), operation.path, mode,
                str(exc)[:2000]))
    try:
        examples()
    except hypothesis.errors.Unsatisfiable:
        # Nothing of this operation can be invalid (GET / has only the
        # microversion header, which takes any text).
        assert mode == GenerationMode.NEGATIVE


def test_site_a_conforms_to_its_openapi_description(two_sites):
    base_url = two_sites.sites['site-a'].url
    served = requests.get(base_url + '/openapi.json', timeout=30)
    assert served.status_code == 200, served.text
    schema = schemathesis.openapi.from_dict(served.json())
    headers = {'X-Auth-Token': two_sites.keystone.token('admin')}

    failures, statuses, operations = [], [], 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run(operation, mode, base_url, headers, failures, statuses)

    server_errors = [status for status in statuses if status >= 500]
    print('schemathesis: %d operations, %d requests in %.0f s, %d server '
          'errors, %d failures' % (operations, len(statuses),
                                   time.monotonic() - started,
                                   len(server_errors), len(failures)))
    assert operations == sum(len(item) for item in served.json()[
        'paths'].values())
    assert not server_errors
    assert not failures, '\n\n'.join(failures[:20])


def _assert_error(response, status, *fragments):
    assert response.status_code == status, response.text
    assert response.headers['Content-Type'].startswith('application/json')
    assert response.headers['x-openstack-request-id'].startswith('req-')
    error = response.json()['error']
    assert error['code'] == status
    for fragment in fragments:
        assert fragment in error['message'], error['message']
    return error


def test_hostile_requests_on_a_real_site(two_sites):
    site = two_sites.sites['site-a'].url
    token = two_sites.keystone.token('admin')
    groups = '%s/v1/%s/protection-groups' % (
        site, two_sites.projects['project-a'])

    # keystonemiddleware's own 401 gets the error shape.
    error = _assert_error(requests.get(groups, timeout=30), 401)
    assert error['error_code'] == 'unauthenticated'

    headers = {'X-Auth-Token': token}
    _assert_error(requests.get(groups + '/%ff', headers=headers,
                               timeout=30),
                  400, "Invalid path parameter 'pg'")
    _assert_error(requests.get(groups + '?all_projects=%ff',
                               headers=headers, timeout=30),
                  400, "Invalid query parameter 'all_projects'")
    _assert_error(requests.post(groups, data=b'[' * 3000 + b']' * 3000,
                                headers=headers, timeout=30),
                  400, 'nests deeper')
    error = _assert_error(requests.post(groups, data=b'x' * 200000,
                                        headers=headers, timeout=30), 413)
    assert 'max_request_body_size (114688 bytes)' in error['message']


def test_chunked_body_on_a_real_site(two_sites):
    site = two_sites.sites['site-a'].url
    headers = {'X-Auth-Token': two_sites.keystone.token('admin'),
               'Content-Type': 'application/json'}

    def chunks(body):
        yield body[:5]
        yield body[5:]

    # A chunked body is read: the site's validation answers about it.
    response = requests.post(site + '/v1/admin/sites', headers=headers,
                             data=chunks(b'{"site": {"name": 5}}'),
                             timeout=30)
    _assert_error(response, 400, "Invalid field 'site.name'")
    response = requests.post(site + '/v1/admin/sites', headers=headers,
                             data=chunks(b'{"x": "%s"}' % (b'y' * 200000)),
                             timeout=30)
    _assert_error(response, 413, 'max_request_body_size (114688 bytes)')
