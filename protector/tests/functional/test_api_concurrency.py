"""Many clients at once against the protector-api console script.

64 clients, each with a real Keystone token (half of them an administrator
listing and showing sites, half a project member listing its groups and
operations), all starting at the same moment: every request must get an
answer, and every answer must be 2xx: no connection reset, no refusal.

A burst of connections arriving while the server accepts none (its
process paused) must wait in the accept queue, not be dropped.
"""

import os
import signal

import pytest

from protector.tests import concurrent_clients
from protector.tests.functional import two_sites as lab

CLIENTS = 64
REQUESTS_PER_CLIENT = 20


@pytest.fixture(scope='module')
def site_ids(two_sites):
    """The ids of both sites registered on site A, for the show requests.

    Registers what is missing, and deletes at the end only what it
    registered, so the other tests find site A as they would without it.
    """
    path = '/v1/admin/sites'
    have = {s['name']: s['id'] for s in
            two_sites.rest('GET', 'site-a', path, 'admin').json()['sites']}
    added = []
    for name in ('site-a', 'site-b'):
        if name in have:
            continue
        response = two_sites.rest('POST', 'site-a', path, 'admin', json={
            'site': {'name': name, 'auth_url': two_sites.keystone.auth_url,
                     'username': 'protector',
                     'password': two_sites.keystone.PASSWORDS['protector'],
                     'project_name': 'service',
                     'region_name': lab.REGIONS[name]}})
        assert response.status_code == 201, response.text
        have[name] = response.json()['site']['id']
        added.append(have[name])
    yield sorted(have.values())
    for site_id in added:
        two_sites.rest('DELETE', 'site-a', '%s/%s' % (path, site_id),
                       'admin')


def test_64_simultaneous_clients_all_get_2xx(two_sites, site_ids):
    project_a = two_sites.projects['project-a']
    admin = (two_sites.keystone.token('admin'),
             ['/v1/admin/sites'] + ['/v1/admin/sites/%s' % i
                                    for i in site_ids])
    member = (two_sites.keystone.token('member-a'),
              ['/v1/%s/protection-groups' % project_a,
               '/v1/%s/operations' % project_a])
    figures = concurrent_clients.run(
        two_sites.sites['site-a'].url,
        [admin if index % 2 else member for index in range(CLIENTS)],
        requests_per_client=REQUESTS_PER_CLIENT)
    print('protector-api console script: %s' % figures)
    assert not figures.errors, figures.errors
    assert not figures.not_2xx, figures.not_2xx[:10]
    assert figures.requests == CLIENTS * REQUESTS_PER_CLIENT


BURST = 200


def test_a_burst_waits_in_the_accept_queue(two_sites):
    """With the old accept queue of 5, 194 of 200 would be dropped."""
    site = two_sites.sites['site-a']
    token = two_sites.keystone.token('admin')
    api = site.procs['protector-api']
    os.kill(api.pid, signal.SIGSTOP)
    try:
        burst = concurrent_clients.Burst('127.0.0.1', site.port,
                                         '/v1/admin/sites', token, BURST)
        burst.send(wait=1.0)
        queued = concurrent_clients.wait_for_queue(site.port, BURST)
    finally:
        os.kill(api.pid, signal.SIGCONT)
    assert burst.statuses() == [200] * BURST
    assert queued >= BURST
