#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

"""``labctl demo``: protector's story on the lab, told with the real CLI.

Every command is printed as an operator would type it (after
``eval "$(labctl env)"``), then its output.  An array API token is passed
on the command line but printed as the variable that holds it; no secret
is ever printed.  After protecting and replicating the application it
runs a test failover and its cleanup, a planned failover to site B and a
failback home, and shows that an order the database wrote into its data
volume just before each move is on the other site afterwards (the lab
writes it into the volume's file, as the database would).  The demo's
protection group stays in place; a group left by an earlier run is
deleted first (the lab is reset if the application is not at home on
site A), so the demo can be run again.
"""

import json
import os
import shlex
import subprocess
import time

from lablib import arrays as arrays_mod
from lablib import proc
from lablib import protector_site

GROUP = 'three-tier'
SERVERS = ('web', 'app', 'db')
VOLUME_TYPE = 'replicated-async'
MAPPING = ['--network-mapping'] + ['demo-%s=demo-%s' % (s, s)
                                   for s in SERVERS]
# Where the database's "order" goes in its data volume, and its length.
ORDER_OFFSET = 256 << 20
ORDER_LENGTH = 64
WAIT_COLUMNS = ['-c', 'operation_type', '-c', 'status', '-c', 'progress',
                '-c', 'steps_completed', '-c', 'steps_failed', '-c',
                'recovery_point', '-c', 'rto_seconds']


class Story(object):

    def __init__(self, lab, reset):
        self.lab = lab
        self.reset = reset
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith('OS_') and k != 'PYTHONPATH'}
        self.env['OS_CLIENT_CONFIG_FILE'] = lab.clouds_yaml
        self.env['PATH'] = '%s:%s' % (os.path.join(lab.dir, 'bin'),
                                      self.env.get('PATH', '/usr/bin:/bin'))
        # name of the exported variable -> its value (never printed)
        self.masked = {}
        # other secrets that must never show (printed as ***)
        self.hidden = [s.password(u) for s in lab.sites
                       for u in ('admin', 'demo', 'protector')]
        self.failures = 0

    def say(self, text):
        print('\n== %s' % text, flush=True)

    def run(self, cloud, *args, check=True, quiet=False):
        """Run ``openstack --os-cloud cloud args``; print it and its output.

        Arguments that are values of self.masked are printed as
        ``"$VARIABLE"``.
        """
        names = {value: name for name, value in self.masked.items()}
        shown = ' '.join('"$%s"' % names[a] if a in names else shlex.quote(a)
                         for a in args)
        if not quiet:
            print('\n$ openstack --os-cloud %s %s' % (cloud, shown),
                  flush=True)
        res = subprocess.run([self.lab.bin('openstack'), '--os-cloud',
                              cloud] + list(args), env=self.env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=600)
        out = res.stdout.decode('utf-8', 'replace')
        for value, name in names.items():
            out = out.replace(value, '$' + name)
        for value in self.hidden:
            out = out.replace(value, '***')
        if not quiet:
            print(out.rstrip('\n'), flush=True)
        if res.returncode:
            if quiet:
                print('\n$ openstack --os-cloud %s %s\n%s' % (
                    cloud, shown, out.rstrip('\n')), flush=True)
            if check:
                raise proc.LabError('the demo stopped: "openstack %s" '
                                    'failed (exit %d)' % (shown,
                                                          res.returncode))
            self.failures += 1
        return out

    def json(self, cloud, *args):
        return json.loads(self.run(cloud, *(list(args) + ['-f', 'json']),
                                   quiet=True))

    def data_volume(self, cloud, site):
        """The file of the db server's data volume on site."""
        server = self.json(cloud, 'server', 'show', 'db')
        for attached in server['volumes_attached']:
            volume = self.json(cloud, 'volume', 'show', attached['id'])
            if volume['name'].startswith('db-data'):
                return os.path.join(site.volumes_dir,
                                    'volume-%s' % volume['id'])
        raise proc.LabError('server db on %s has no db-data volume' % cloud)

    def write_order(self, cloud, site, number):
        order = ('order #%d written on %s at %s' % (
            number, site.name, time.strftime('%H:%M:%S'))).encode()
        path = self.data_volume(cloud, site)
        fd = os.open(path, os.O_WRONLY)
        try:
            os.pwrite(fd, order.ljust(ORDER_LENGTH, b'\0'), ORDER_OFFSET)
            os.fsync(fd)
        finally:
            os.close(fd)
        print('\n(db writes "%s" into its data volume on %s)'
              % (order.decode(), site.name), flush=True)
        return order

    def read_order(self, cloud, site, expected):
        with open(self.data_volume(cloud, site), 'rb') as f:
            f.seek(ORDER_OFFSET)
            found = f.read(ORDER_LENGTH).rstrip(b'\0')
        same = found == expected
        print('\n(db\'s data volume on %s holds "%s": %s)' % (
            site.name, found.decode('utf-8', 'replace'),
            'the same order, nothing lost' if same else 'NOT THE SAME'),
            flush=True)
        if not same:
            self.failures += 1

    def app_at_home(self):
        names = self.run('site-a', 'server', 'list', '-f', 'value', '-c',
                         'Name', quiet=True).split()
        elsewhere = self.run('site-b', 'server', 'list', '-f', 'value',
                             '-c', 'Name', quiet=True).split()
        return sorted(set(names) & set(SERVERS)) == sorted(SERVERS) and \
            not set(elsewhere) & set(SERVERS)

    def tell(self):
        arrays = [arrays_mod.Array(s) for s in self.lab.sites]
        urls, tokens = [], []
        for a in arrays:
            letter = a.site.letter.upper()
            url = os.environ.get('PROTECTOR_LAB_ARRAY_%s_URL' % letter,
                                 a.site.array_url)
            token = os.environ.get('PROTECTOR_LAB_ARRAY_%s_TOKEN' % letter,
                                   a.token)
            self.masked['PROTECTOR_LAB_ARRAY_%s_TOKEN' % letter] = token
            urls.append(url)
            tokens.append(token)

        self.say('Two OpenStack sites, each with protector and a '
                 'FlashArray; both sites are registered on each site')
        self.run('site-a-admin', 'protector', 'site', 'list')
        self.run('site-b-admin', 'protector', 'site', 'list')
        self.run('site-a-admin', 'protector', 'site', 'validate', 'site-b')
        self.run('site-a-admin', 'protector', 'tenant-mapping', 'list')

        names = self.run('site-a', 'protector', 'protection-group', 'list',
                         '-f', 'value', '-c', 'Name', quiet=True).split()
        if GROUP in names:
            self.say('An earlier demo left its protection group: it goes '
                     'first')
            self.run('site-a', 'protector', 'protection-group', 'delete',
                     GROUP, check=False)
        if not self.app_at_home():
            self.say('The application is not at home on site A: the lab is '
                     'reset and the demo tenant built again')
            self.reset()

        self.say("The tenant's three-tier application on site A: servers "
                 'booted from replicated volumes, each with a data volume')
        self.run('site-a', 'server', 'list', '-c', 'Name', '-c', 'Status',
                 '-c', 'Networks', '--sort-column', 'Name')
        self.run('site-a', 'volume', 'list', '--long', '-c', 'Name', '-c',
                 'Status', '-c', 'Size', '-c', 'Type', '-c', 'Attached to',
                 '--sort-column', 'Name')

        self.say('The tenant protects it')
        self.run('site-a', 'protector', 'protection-group', 'create', GROUP,
                 '--replication-type', 'async',
                 '--primary-site', 'site-a', '--secondary-site', 'site-b',
                 '--volume-type', VOLUME_TYPE,
                 '--description', 'web, app and db of the demo tenant')
        for server in SERVERS:
            self.run('site-a', 'protector', 'protection-group', 'member-add',
                     GROUP, server, '-c', 'server_name', '-c', 'status',
                     '-c', 'flavor', '-c', 'volumes')
        self.run('site-a', 'protector', 'protection-group', 'policy-create',
                 GROUP, '--primary-fa-url', urls[0],
                 '--primary-fa-token', tokens[0],
                 '--secondary-fa-url', urls[1],
                 '--secondary-fa-token', tokens[1],
                 '--rpo-minutes', '15', '--replication-interval', '300')

        self.say('Both sites hold the same version of the group')
        self.run('site-a', 'protector', 'protection-group', 'sync-status',
                 GROUP)
        self.run('site-b', 'protector', 'protection-group', 'sync-status',
                 GROUP)
        self.say("Array A replicates the group to array B: replicate now, "
                 "and see the recovery points on site B's array")
        self.run('site-a', 'protector', 'protection-group', 'sync', GROUP,
                 '--wait', '-c', 'operation_type', '-c', 'status', '-c',
                 'source_site', '-c', 'target_site', '-c', 'steps_completed',
                 '-c', 'recovery_point')
        self.run('site-a', 'protector', 'recovery-point', 'list', GROUP)
        self.run('site-a', 'protector', 'protection-group', 'show', GROUP)
        self.run('site-a', 'protector', 'protection-group', 'member-list',
                 GROUP)
        self.run('site-a', 'protector', 'protection-group', 'policy-show',
                 GROUP)
        site_a = protector_site.ProtectorSite(self.lab.sites[0], print)
        if site_a.storage_configured() == 'pure':
            self.say("site-b's array, as protector sees it")
            self.run('site-a-admin', 'protector', 'site', 'validate',
                     'site-b', check=False)
        self.operations()

    def move(self, action, source, target, number, replicate=False):
        """An order written on source, ``action``, the order on target.

        The clouds of the demo user are named after the sites.
        """
        order = self.write_order(source.name, source, number)
        if replicate:
            self.run(source.name, 'protector', 'protection-group', 'sync',
                     GROUP, '--wait', '-c', 'status', '-c', 'recovery_point')
        self.run(source.name, 'protector', 'protection-group', action,
                 GROUP, *(MAPPING + ['--wait'] + WAIT_COLUMNS))
        self.run(target.name, 'server', 'list', '-c', 'Name', '-c',
                 'Status', '-c', 'Networks', '--sort-column', 'Name')
        self.read_order(target.name, target, order)

    def operations(self):
        site_a, site_b = self.lab.sites
        self.say('A DR drill: test failover. Copies of the servers boot on '
                 'site B from the newest replicated snapshot; production '
                 'on site A keeps running')
        self.move('test-failover', site_a, site_b, 1001, replicate=True)
        self.run('site-a', 'server', 'list', '-c', 'Name', '-c', 'Status',
                 '--sort-column', 'Name')
        self.say('The drill is over: test cleanup removes the copies')
        self.run('site-a', 'protector', 'protection-group', 'test-cleanup',
                 GROUP, '--wait', '-c', 'status', '-c', 'steps_completed')
        self.run('site-b', 'server', 'list')

        self.say('Planned failover to site B: the servers on site A stop, '
                 'a last replication carries every write, the servers '
                 'start on site B with their fixed IPs')
        self.move('failover', site_a, site_b, 1002)
        self.run('site-b', 'protector', 'protection-group', 'show', GROUP,
                 '-c', 'status', '-c', 'current_primary_site', '-c',
                 'failover_count', '-c', 'last_failover_at', '-c',
                 'sync_status')

        self.say('Failback: the application comes home to site A with what '
                 'it wrote on site B')
        self.move('failback', site_b, site_a, 1003)
        self.run('site-a', 'protector', 'protection-group', 'show', GROUP,
                 '-c', 'status', '-c', 'current_primary_site', '-c',
                 'failover_count', '-c', 'sync_status')
        self.run('site-b', 'protector', 'operation', 'list',
                 '--protection-group', GROUP)


def main(lab, up, reset):
    """``up`` brings the lab up; ``reset`` empties both sites."""
    started = time.monotonic()
    if up() != 0:
        return 1

    def reset_and_up():
        if reset() != 0 or up() != 0:
            raise proc.LabError('the lab could not be reset')
    story = Story(lab, reset_and_up)
    story.tell()
    print('\n== Done in %.0f s. The protection group %r stays; look '
          'around with:\n   eval "$(%s env)"\n   openstack --os-cloud '
          'site-a protector protection-group show %s'
          % (time.monotonic() - started, GROUP,
             os.path.join(os.path.dirname(os.path.dirname(
                 os.path.abspath(__file__))), 'labctl'), GROUP), flush=True)
    return 1 if story.failures else 0
