"""protector-api of the lab, served by uWSGI as devstack serves it.

- ``labctl status`` shows protector-api of both sites under uWSGI;
- 64 clients at once with real tokens (half the site's admin listing and
  showing sites and tenant mappings, half the demo member listing its
  groups and operations), on each site: no connection error, every answer
  2xx;
- one keystoneauth session sending request after request, as the peer
  site's engine does: uWSGI closes each connection after its answer, and
  without ``Connection: close`` the session would send its next request
  into the closing socket (ECONNRESET: a fifth to a third of the
  requests when measured without it);
- a burst of 200 connections while uWSGI accepts none (its processes
  paused) waits in the listen queue, where uWSGI's default of 100 queues
  101 of them.
"""

import json
import os
import signal
import subprocess

import openstack.config
import pytest

from protector.tests import concurrent_clients
from protector.tests.lab import lab

lab.require_lab()

SITES = ('site-a', 'site-b')
CLIENTS = 64
REQUESTS_PER_CLIENT = 20
SEQUENTIAL = 500
BURST = 200


class Cloud(object):
    """The token, project and protector endpoint of a cloud."""

    def __init__(self, name):
        session = openstack.config.OpenStackConfig().get_one(
            cloud=name).get_session()
        self.token = session.get_token()
        self.project_id = session.get_project_id()
        self.endpoint = session.get_endpoint(service_type='protector',
                                             interface='public')
        self.session = session

    def get(self, path):
        response = self.session.get(self.endpoint + path)
        return response.json()


@pytest.fixture(scope='module', params=SITES)
def site(request):
    return request.param


@pytest.fixture(scope='module')
def clients(site):
    """(admin, admin paths), (member, member paths) of a site."""
    admin = Cloud(site + '-admin')
    member = Cloud(site)
    admin_paths = ['/v1/admin/sites', '/v1/admin/tenant-mappings']
    admin_paths += ['/v1/admin/sites/%s' % s['id']
                    for s in admin.get('/v1/admin/sites')['sites']]
    admin_paths += [
        '/v1/admin/tenant-mappings/%s' % m['id'] for m in
        admin.get('/v1/admin/tenant-mappings')['tenant_mappings']]
    groups = '/v1/%s/protection-groups' % member.project_id
    member_paths = [groups, '/v1/%s/operations' % member.project_id]
    member_paths += ['%s/%s' % (groups, g['id'])
                     for g in member.get(groups)['protection_groups']]
    return (admin, admin_paths), (member, member_paths)


def test_status_shows_protector_api_under_uwsgi():
    status = json.loads(subprocess.run(
        [lab.LABCTL, 'status', '--json'], capture_output=True, text=True,
        timeout=120, check=False).stdout)
    apis = {s['site']: s for s in status['services']
            if s['service'] == 'protector-api'}
    for site in SITES:
        assert apis[site]['state'] == 'up', apis[site]
        assert 'uWSGI' in apis[site]['detail'], apis[site]


def test_64_simultaneous_clients_all_get_2xx(site, clients):
    (admin, admin_paths), (member, member_paths) = clients
    assert len(admin_paths) >= 4, 'both sites registered on %s' % site
    figures = concurrent_clients.run(
        admin.endpoint,
        [(admin.token, admin_paths) if index % 2
         else (member.token, member_paths) for index in range(CLIENTS)],
        requests_per_client=REQUESTS_PER_CLIENT)
    print('%s protector-api under uWSGI: %s' % (site, figures))
    assert not figures.errors, figures.errors
    assert not figures.not_2xx, figures.not_2xx[:10]
    assert figures.requests == CLIENTS * REQUESTS_PER_CLIENT


def test_one_session_request_after_request(site, clients):
    (admin, admin_paths), _member = clients
    figures = concurrent_clients.run(admin.endpoint,
                                     [(admin.token, admin_paths)],
                                     requests_per_client=SEQUENTIAL)
    print('%s, one keystoneauth session: %s' % (site, figures))
    assert not figures.errors, figures.errors
    assert not figures.not_2xx, figures.not_2xx[:10]


def _uwsgi_processes(site):
    """PIDs of the uWSGI master of a site's protector-api and its workers.

    From the lab's record of the process (``run/<site>-protector-api.pid``).
    """
    with open(os.path.join(os.environ['PROTECTOR_LAB_DIR'], 'run',
                           '%s-protector-api.pid' % site)) as f:
        master = json.load(f)['pid']
    with open('/proc/%d/task/%d/children' % (master, master)) as f:
        return [master] + [int(pid) for pid in f.read().split()]


def test_a_burst_waits_in_the_listen_queue(site, clients):
    (admin, _admin_paths), _member = clients
    host, port = admin.endpoint.split('://', 1)[1].rstrip('/').split(':')
    pids = _uwsgi_processes(site)
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        burst = concurrent_clients.Burst(host, int(port), '/v1/admin/sites',
                                         admin.token, BURST)
        burst.send(wait=1.0)
        queued = concurrent_clients.wait_for_queue(int(port), BURST)
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
    assert burst.statuses() == [200] * BURST
    assert queued >= BURST
