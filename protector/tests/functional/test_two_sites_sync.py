"""Both sites keep one version history of each group, whatever happens.

Site A keeps its metadata in PostgreSQL, site B in SQLite.  Clients hit
both sites at the same moment, the peer's database stops answering for a
while, an engine dies: no change is lost, none is applied on one site
only, no two contents ever share a version, and every refusal says why.
"""

import concurrent.futures
import signal
import sqlite3
import threading
import time

import pytest
import requests

from protector.tests.functional import two_sites as lab

API = {'OpenStack-API-Version': 'protector 1.1'}


class Client(object):
    """REST calls of one Keystone user, with one token."""

    def __init__(self, env, user='member-a', project=None):
        self.env = env
        self.headers = dict(API, **{'X-Auth-Token': env.keystone.token(
            user, project)})
        self.project = env.projects['project-a']

    def __call__(self, method, site, path, **kwargs):
        return requests.request(method, self.env.sites[site].url + path,
                                headers=self.headers, timeout=120, **kwargs)

    def groups(self, site, suffix=''):
        return '/v1/%s/protection-groups%s' % (self.project, suffix)


@pytest.fixture(scope='module')
def env(two_sites):
    """Both sites registered on each other, project A mapped."""
    two_sites.register_sites()
    return two_sites


def _create(client, site, name):
    return client('POST', site, client.groups(site), json={
        'protection_group': {'name': name, 'replication_type': 'async',
                             'primary_site': 'site-a',
                             'secondary_site': 'site-b',
                             'volume_type': lab.VOLUME_TYPE}})


def _copies(env, group_id):
    """(version, digest) of the group on each site, as the peers see it."""
    service = Client(env, 'protector', 'service')
    result = []
    for site in ('site-a', 'site-b'):
        response = service('GET', site,
                           '/v1/admin/sync/protection-groups/%s' % group_id)
        if response.status_code == 404:
            result.append(None)
            continue
        assert response.status_code == 200, response.text
        metadata = response.json()['metadata']
        result.append((metadata['version'], metadata['digest']))
    return result


def _wait_in_sync(env, group_id, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        a, b = _copies(env, group_id)
        if a is not None and a == b:
            return a
        assert time.monotonic() < deadline, (a, b)
        time.sleep(0.5)


def test_simultaneous_changes_on_both_sites_keep_one_history(env):
    client = Client(env)
    group = _create(client, 'site-a', 'together').json()['protection_group']
    path = client.groups('site-a', '/' + group['id'])
    version = _wait_in_sync(env, group['id'])[0]
    outcomes = {}
    for attempt in range(12):
        barrier = threading.Barrier(2)

        def change(site, text):
            barrier.wait()
            return client('PUT', site, path, json={
                'protection_group': {'description': text}})

        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            answers = {site: pool.submit(change, site, '%s%d' % (
                site[-1].upper(), attempt)) for site in ('site-a', 'site-b')}
            answers = {site: f.result() for site, f in answers.items()}
        accepted = [site for site, r in answers.items()
                    if r.status_code == 200]
        for site, response in answers.items():
            if response.status_code != 200:
                assert response.status_code == 409, response.text
                assert response.json()['error']['error_code'] in (
                    'change_in_progress', 'out_of_sync'), response.text
        a, b = _copies(env, group['id'])
        # Never two contents under one version: both sites hold the same.
        assert a == b, (attempt, answers, a, b)
        assert a[0] == version + len(accepted)
        version = a[0]
        shown = {site: client('GET', site, path).json()['protection_group']
                 for site in ('site-a', 'site-b')}
        assert shown['site-a']['description'] == \
            shown['site-b']['description']
        if accepted:
            assert shown['site-a']['description'] in (
                'A%d' % attempt, 'B%d' % attempt)
        key = ' and '.join(sorted(accepted)) or 'none'
        outcomes[key] = outcomes.get(key, 0) + 1
    print('simultaneous changes, accepted by: %s' % outcomes)


def test_many_clients_creating_on_both_sites_lose_nothing(env):
    clients = {site: Client(env) for site in ('site-a', 'site-b')}

    def create(site, index):
        response = _create(clients[site], site, 'many-%s-%02d'
                           % (site[-1], index))
        assert response.status_code == 201, response.text
        return response.json()['protection_group']['id']

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(create, site, index)
                   for site in ('site-a', 'site-b') for index in range(20)]
        created = [f.result() for f in futures]

    for group_id in created:
        version, _digest = _wait_in_sync(env, group_id)
        assert version == 1
    for site in ('site-a', 'site-b'):
        names = {g['name'] for g in clients[site](
            'GET', site, clients[site].groups(site)).json()[
                'protection_groups']}
        assert {'many-%s-%02d' % (s, i) for s in 'ab'
                for i in range(20)} <= names


def test_a_push_the_peer_could_not_take_is_delivered_later(env):
    client = Client(env)
    database = env.sites['site-b'].sqlite_path()
    locked = sqlite3.connect(database, timeout=30, isolation_level=None)
    locked.execute('BEGIN IMMEDIATE')
    try:
        started = time.monotonic()
        response = _create(client, 'site-a', 'delivered-later')
        assert response.status_code == 201, response.text
        group = response.json()['protection_group']
        # Site B could not store it: accepted here, kept, and said so.
        assert group['sync_status'] == 'OUT OF SYNC'
        assert 'unreachable' in group['last_sync_error']
        assert time.monotonic() - started < 30
        a, b = _copies(env, group['id'])
        assert (a[0], b) == (1, None)
    finally:
        locked.execute('ROLLBACK')
        locked.close()
    assert _wait_in_sync(env, group['id'])[0] == 1
    # Site A sends it again by itself and sees it confirmed.
    deadline = time.monotonic() + 60
    while True:
        shown = client('GET', 'site-a', client.groups(
            'site-a', '/' + group['id'])).json()['protection_group']
        if shown['sync_status'] == 'IN SYNC' or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert shown['sync_status'] == 'IN SYNC', shown
    assert shown['last_sync_error'] is None


def test_a_change_while_the_engine_is_down_is_refused_in_seconds(env):
    client = Client(env)
    group = _create(client, 'site-a', 'engine-down').json()[
        'protection_group']
    path = client.groups('site-a', '/' + group['id'])
    site = env.sites['site-a']
    site.stop('protector-engine', signal.SIGKILL)
    try:
        started = time.monotonic()
        response = client('PUT', 'site-a', path, json={
            'protection_group': {'description': 'while the engine is down'}})
        elapsed = time.monotonic() - started
        assert response.status_code == 503, response.text
        error = response.json()['error']
        assert error['error_code'] == 'engine_unavailable'
        assert "protector-engine of site 'site-a' did not answer" in \
            error['message']
        assert 'nothing was changed' in error['message']
        assert elapsed < 15, elapsed
        # Reads go on without the engine.
        assert client('GET', 'site-a', path).status_code == 200
    finally:
        site.start('protector-engine')
    deadline = time.monotonic() + 60
    while True:
        response = client('PUT', 'site-a', path, json={
            'protection_group': {'description': 'engine back'}})
        if response.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert response.status_code == 200, response.text
    # The refused change never ran: one version more, not two.
    assert _wait_in_sync(env, group['id'])[0] == 2
