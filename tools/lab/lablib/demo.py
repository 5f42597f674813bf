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
is ever printed.  The demo's protection group stays in place; a group
left by an earlier run is deleted first, so the demo can be run again.
"""

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


class Story(object):

    def __init__(self, lab):
        self.lab = lab
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
                     GROUP)

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


def main(lab, up):
    started = time.monotonic()
    if up() != 0:
        return 1
    story = Story(lab)
    story.tell()
    print('\n== Done in %.0f s. The protection group %r stays; look '
          'around with:\n   eval "$(%s env)"\n   openstack --os-cloud '
          'site-a protector protection-group show %s'
          % (time.monotonic() - started, GROUP,
             os.path.join(os.path.dirname(os.path.dirname(
                 os.path.abspath(__file__))), 'labctl'), GROUP), flush=True)
    return 1 if story.failures else 0
