"""Benchmark: one look of the health watch at 1,000 protection groups.

Run it with the Python of the unit tests::

    .tox/py3/bin/python tools/bench/health.py
    .tox/lab/bin/python tools/bench/health.py --arrays lab   # lab running

It makes, in one process, site A's database (SQLite, or ``--database``)
with ``--groups`` groups of ``--members`` servers each, spread over
``--projects`` projects, and the fake clouds of sites A and B holding
those servers and their volumes.  The arrays are the fake arrays, or with
``--arrays lab`` the lab's two FlashArray emulators (``labctl env``:
``PROTECTOR_LAB_ARRAY_{A,B}_{URL,TOKEN}``), on which it makes a
replication group per protection group, replicates it once, and removes
everything again at the end.  The peer site's protector-api is stood in
for by an object answering its one call from the database.

Then it runs ``--cycles`` looks of the watch (protector.health.watch) and
prints, for each, its time and the calls it made: driver calls of the
fake clouds (and fake arrays) by method, REST requests to the lab's
arrays, calls to the peer.  Progress goes to stderr, figures to stdout.
"""

import argparse
import collections
import os
import sys
import tempfile
import time
from unittest import mock

from oslo_utils import uuidutils
import requests

from protector.common import context as protector_context
from protector.common import crypto
from protector import conf as protector_conf
from protector.conf import opts
from protector.db import api as db
from protector.db import migration
from protector.drivers import loader
from protector.drivers.storage import base as storage_base
from protector.health import watch
from protector.tests.fake_drivers import cloud as fake_cloud
from protector.tests.fake_drivers import storage as fake_storage
from protector.tests.fake_drivers import world as fake_world

CONF = protector_conf.CONF
_T0 = time.monotonic()
FAKE_ARRAYS = ('https://fa-a.bench', 'https://fa-b.bench')


def say(message):
    sys.stderr.write('[%7.1f s] %s\n' % (time.monotonic() - _T0, message))
    sys.stderr.flush()


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--groups', type=int, default=1000)
    parser.add_argument('--members', type=int, default=5)
    parser.add_argument('--projects', type=int, default=10)
    parser.add_argument('--cycles', type=int, default=3)
    parser.add_argument('--arrays', choices=('fake', 'lab'), default='fake')
    parser.add_argument('--database', metavar='URL',
                        help='SQLAlchemy URL of an empty database '
                             '(default: a new SQLite file)')
    return parser.parse_args(argv)


def configure(args, state):
    CONF([], project='protector', default_config_files=[])
    opts.set_defaults(CONF)
    CONF.set_override('state_path', state)
    CONF.set_override('site_name', 'site-a')
    CONF.set_override('connection', args.database or
                      'sqlite:///%s/protector.db' % state, group='database')
    CONF.set_override('cloud', 'fake', group='drivers')
    CONF.set_override('storage', 'pure' if args.arrays == 'lab' else 'fake',
                      group='drivers')
    db.configure(CONF)
    migration.upgrade()


class PeerVersions(object):
    """Site B's answer to the watch's one call: every copy's version."""

    calls = 0

    def __init__(self, site):
        self.site = site

    def versions(self):
        PeerVersions.calls += 1
        context = protector_context.get_admin_context()
        return {g.id: (g.metadata_version, g.metadata_digest)
                for g in db.group_list(context)}


class Arrays(object):
    """The two arrays of every group and how to make things on them."""

    def __init__(self, kind):
        self.kind = kind
        if kind == 'lab':
            self.refs = [storage_base.ArrayRef(
                os.environ['PROTECTOR_LAB_ARRAY_%s_URL' % letter],
                os.environ['PROTECTOR_LAB_ARRAY_%s_TOKEN' % letter])
                for letter in 'AB']
        else:
            for url in FAKE_ARRAYS:
                fake_storage.add_array(url)
            fake_storage.connect(*FAKE_ARRAYS)
            self.refs = [storage_base.ArrayRef(url, 'token')
                         for url in FAKE_ARRAYS]
        self.driver = loader.storage_driver()
        self.made = []

    def create_volume(self, name):
        if self.kind == 'lab':
            self._lab_client().create_volume(name, 1 << 20)
        else:
            fake_storage.create_volume(self.refs[0].url, name, b'x', 4096)

    def _lab_client(self):
        if not hasattr(self, '_client'):
            import purestorage
            self._client = purestorage.FlashArray(
                self.refs[0].url.split('://', 1)[-1],
                api_token=self.refs[0].api_token)
        return self._client

    def protect(self, name, volumes):
        self.driver.ensure_replication_group(self.refs[0], self.refs[1],
                                             name, volumes, 3600, 24)
        self.driver.replicate_now(self.refs[0], name)
        self.made.append((name, volumes))

    def remove(self):
        for name, volumes in self.made:
            self.driver.delete_replication_group(
                self.refs[0], self.refs[1], name, eradicate=True)
            self.driver.delete_volumes(self.refs[0], volumes,
                                       eradicate=True)


def build(args, context, arrays):
    """Sites, projects, servers and groups; returns nothing."""
    sites = {}
    for name in ('site-a', 'site-b'):
        sites[name] = db.site_create(context, {
            'name': name, 'auth_url': 'http://%s:5000/v3' % name,
            'region_name': 'RegionOne', 'username': 'protector',
            'password_encrypted': crypto.encrypt('secret'),
            'project_name': 'service', 'user_domain_name': 'Default',
            'project_domain_name': 'Default',
            'is_local': name == 'site-a'})
    projects = ['project-%02d' % i for i in range(args.projects)]
    drivers = {name: fake_cloud.FakeCloudDriver(sites[name], None)
               for name in sites}
    networks = {}
    for project in projects:
        db.tenant_mapping_create(context, {
            'local_project_id': project, 'remote_site_id': sites['site-b'].id,
            'remote_project_id': project + '-b'})
        for site, owner in (('site-a', project), ('site-b', project + '-b')):
            cloud = fake_cloud.cloud(site)
            networks[(site, project)] = cloud.add_network(owner, 'app')
            cloud.add_subnet(owner, networks[(site, project)]['id'],
                             '10.0.0.0/16')
    driver = drivers['site-a']
    for index in range(args.groups):
        project = projects[index % len(projects)]
        cg = driver.create_volume_group(project, 'cg', ['replicated'])
        group = db.group_create(context, {
            'id': uuidutils.generate_uuid(), 'project_id': project,
            'name': 'pg-%d' % index,
            'description': '', 'replication_type': 'async',
            'primary_site_id': sites['site-a'].id,
            'secondary_site_id': sites['site-b'].id,
            'current_primary_site_id': sites['site-a'].id,
            'volume_type': 'replicated', 'secondary_volume_type':
                'replicated', 'status': 'active', 'failover_count': 0,
            'metadata_version': 1, 'subnets': {},
            'consistency_groups': {'site-a': cg['id']},
            'mappings': {'failover': {'network': {'app': 'app'}}}})
        db.policy_set(context, group.id, {
            'primary_fa_url': arrays.refs[0].url,
            'primary_fa_token_encrypted': crypto.encrypt(
                arrays.refs[0].api_token),
            'secondary_fa_url': arrays.refs[1].url,
            'secondary_fa_token_encrypted': crypto.encrypt(
                arrays.refs[1].api_token),
            'rpo_minutes': 60, 'replication_interval': 3600,
            'snapshot_retention': 24}, create=True)
        volume_ids = []
        for number in range(args.members):
            volume = driver.create_volume(project, 1, volume_type='replicated')
            driver.wait_for_volume(project, volume['id'], 'available', 5)
            driver.set_volume_bootable(project, volume['id'])
            port = driver.create_port(project,
                                      networks[('site-a', project)]['id'])
            server = driver.create_server(project, {
                'name': 'pg-%d-%d' % (index, number), 'flavor': 'm1.small',
                'ports': [{'port_id': port['id']}],
                'volumes': [{'volume_id': volume['id'], 'boot_index': 0,
                             'device': '/dev/vda'}]})
            driver.wait_for_server(project, server['id'], 'ACTIVE', 5)
            spec = driver.get_server_spec(project, server['id'])
            db.member_create(context, group.id, {
                'server_id': spec['id'], 'server_name': spec['name'],
                'status': 'protected', 'spec': spec, 'rank': 0,
                'boot_condition': None, 'overrides': {}})
            arrays.create_volume(arrays.driver.array_volume_name(
                volume['id']))
            volume_ids.append(volume['id'])
        driver.add_volumes_to_group(project, cg['id'], volume_ids)
        arrays.protect(storage_base.replication_group_name(group.id),
                       [arrays.driver.array_volume_name(v)
                        for v in volume_ids])
        if (index + 1) % 100 == 0:
            say('%d groups of %d members made' % (index + 1, args.members))
    db.group_fill_digests(context)


class RequestCounter(object):
    """REST requests to the lab's arrays, by host."""

    def __init__(self):
        self.counts = collections.Counter()
        self._request = requests.Session.request

    def __enter__(self):
        counter = self

        def counted(session, method, url, *args, **kwargs):
            counter.counts[url.split('/')[2]] += 1
            return counter._request(session, method, url, *args, **kwargs)
        self._patch = mock.patch.object(requests.Session, 'request',
                                        counted)
        self._patch.start()
        return self

    def __exit__(self, *exc):
        self._patch.stop()


def main(argv=None):
    args = parse_args(argv)
    state = tempfile.mkdtemp(prefix='protector-bench-health-')
    configure(args, state)
    context = protector_context.get_admin_context()
    with mock.patch('protector.common.keystone.site_session',
                    lambda site: None), \
            mock.patch('protector.engine.peer.PeerClient', PeerVersions):
        arrays = Arrays(args.arrays)
        say('making %d groups of %d members in %d projects (%s arrays)'
            % (args.groups, args.members, args.projects, args.arrays))
        build(args, context, arrays)
        try:
            results = []
            for cycle in range(args.cycles):
                fake_world.reset_call_counts()
                PeerVersions.calls = 0
                with RequestCounter() as rest:
                    started = time.monotonic()
                    result = watch.Cycle(context).run()
                    seconds = time.monotonic() - started
                results.append((seconds, result, fake_world.call_counts(),
                                dict(rest.counts), PeerVersions.calls))
                say('look %d: %.2f s' % (cycle + 1, seconds))
            report(args, results, context)
            sys.stdout.flush()
        finally:
            if args.arrays == 'lab':
                say('removing the replication groups and volumes made on '
                    'the lab arrays')
                arrays.remove()
    return 0


def report(args, results, context):
    print('Health watch: %d groups x %d members, %d projects, %s arrays'
          % (args.groups, args.members, args.projects, args.arrays))
    for number, (seconds, result, calls, rest, peer) in enumerate(results, 1):
        print('look %d: %.2f s, %d groups, %d notifications'
              % (number, seconds, result['groups'],
                 result['notifications']))
        print('  driver calls: %d (%s)' % (sum(calls.values()), ', '.join(
            '%s %d' % item for item in sorted(calls.items()))))
        if rest:
            print('  REST requests to the arrays: %d (%s)' % (
                sum(rest.values()), ', '.join(
                    '%s %d' % item for item in sorted(rest.items()))))
        print('  calls to the peer site: %d' % peer)
    grades = collections.Counter(
        (row.rpo_grade, row.failover_ready) for _, _, _, row in
        db.health_watched_groups(context, db.site_get_by_role(
            context, True).id) if row is not None)
    print('grades (grade, ready): %s' % ', '.join(
        '%s/%s %d' % (g, r, n) for (g, r), n in sorted(grades.items())))


if __name__ == '__main__':
    sys.exit(main())
