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

"""The FlashArray emulator of each site (``tools/lab/flasharray/``).

Each site's array serves the site's Cinder volume directory on
``https://127.0.0.1:<site base + 10>``; its state (tokens, groups,
snapshot bookkeeping, certificate) lives in ``site-X/array/``, outside the
volume directory.  The emulator makes its API token itself, once, and
writes it to ``site-X/array/emulator.json`` (mode 0600): the token never
appears on a command line.  The two arrays are connected for replication.
The calls here use a tiny REST 1.x client on urllib (no ``purestorage``
in the machine's Python).
"""

import hashlib
import json
import os
import ssl
import urllib.error
import urllib.request

from lablib import layout
from lablib import proc

from protector.tests import processes

REST_VERSION = '1.19'
REPO_DIR = os.path.dirname(os.path.dirname(layout.TOOLS_LAB_DIR))


class Array(object):
    """The emulator process of one site and a REST session to it."""

    def __init__(self, site):
        self.site = site
        self.lab = site.lab
        self.procs = proc.Processes(site.lab)
        self.key = '%s-array' % site.name
        self.log = site.log('flasharray')
        self.info_file = os.path.join(site.array_state_dir, 'emulator.json')
        self._cookie = None

    @property
    def token(self):
        """The array's API token (known once the emulator has started)."""
        try:
            with open(self.info_file) as f:
                return json.load(f)['api_token']
        except FileNotFoundError:
            raise proc.LabError('%s has never started: run labctl up'
                                % self.site.array_name)

    def pid(self):
        return self.procs.pid(self.key)

    def start(self):
        """Start the emulator unless it runs; True if started.

        A running emulator started from other code or arguments is
        restarted (its state is kept; clients log in again).
        """
        site = self.site
        cmd = self._cmd()
        tag = _code_digest(cmd)
        if self.pid():
            if self.procs.record(self.key).get('tag') == tag:
                return False
            self.stop()
        processes.check_ports_free('array of %s' % site.name,
                                   [site.array_port])
        os.makedirs(site.array_state_dir, exist_ok=True)
        os.makedirs(site.volumes_dir, exist_ok=True)
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE='1')
        env.pop('PYTHONPATH', None)
        # Its standard output is a JSON line with the token: not logged.
        pid = self.procs.spawn(self.key, cmd, self.log, env=env,
                               cwd=REPO_DIR, stdout=False, tag=tag)
        processes.wait_for(self.answers, 30, self.key, [self.log], pid=pid,
                           interval=0.2)
        return True

    def _cmd(self):
        site = self.site
        # The lab venv's Python: the emulator needs ``cryptography``.
        return [self.lab.python, '-m', 'tools.lab.flasharray.emulator',
                '--name', site.array_name,
                '--volumes-dir', site.volumes_dir,
                '--state-dir', site.array_state_dir,
                '--port', str(site.array_port),
                # Pings of the peer array and schedule checks every 5 s,
                # not every 1 s: under 1 % of a core at idle instead of 4 %.
                '--heartbeat-interval', '5', '--scheduler-interval', '5',
                '--log-level', 'WARNING']

    def stop(self):
        self.procs.stop([self.key], timeout=15)

    def answers(self):
        try:
            self.call('GET', 'array')
            return True
        except (OSError, proc.LabError):
            return False

    # -- REST 1.x ---------------------------------------------------------

    def _request(self, method, path, body=None, headers=None):
        url = '%s/%s' % (self.site.array_url, path)
        data = json.dumps(body if body is not None else {}).encode()
        hdrs = {'Content-Type': 'application/json', 'Connection': 'close'}
        hdrs.update(headers or {})
        if self._cookie:
            hdrs['Cookie'] = self._cookie
        req = urllib.request.Request(url, data=data, method=method,
                                     headers=hdrs)
        # The emulator's certificate is self-signed, made at every start.
        context = ssl._create_unverified_context()
        try:
            with urllib.request.urlopen(req, timeout=30,
                                        context=context) as resp:
                status, raw, rhdrs = resp.status, resp.read(), resp.headers
        except urllib.error.HTTPError as exc:
            status, raw, rhdrs = exc.code, exc.read(), exc.headers
        cookie = rhdrs.get('Set-Cookie')
        if cookie:
            self._cookie = cookie.split(';')[0]
        return status, (json.loads(raw) if raw else None)

    def call(self, method, path, body=None):
        """A REST call with a session (logs in on the first 401)."""
        path = 'api/%s/%s' % (REST_VERSION, path)
        for attempt in (1, 2):
            status, data = self._request(method, path, body)
            if status == 401 and attempt == 1:
                status, data = self._request(
                    'POST', 'api/%s/auth/session' % REST_VERSION,
                    {'api_token': self.token})
                if status != 200:
                    break
                continue
            break
        if status != 200:
            raise proc.LabError('%s %s on %s: HTTP %d %s' % (
                method, path, self.site.array_name, status, data))
        return data

    def connect(self, peer):
        """Connect this array to peer for replication (once).

        Of both types: protection groups replicate asynchronously, and
        ActiveCluster pods (sync groups) need ``sync-replication``.
        """
        names = [c['array_name'] for c in self.call('GET',
                                                    'array/connection')]
        if peer.site.array_name in names:
            return False
        key = peer.call('GET', 'array',
                        {'connection_key': True})['connection_key']
        self.call('POST', 'array/connection',
                  {'management_address': peer.site.array_address,
                   'connection_key': key,
                   'type': ['async-replication', 'sync-replication']})
        return True

    def sees(self, peer):
        """True once this array's heartbeat reached peer."""
        return any(c['array_name'] == peer.site.array_name
                   and c.get('connected')
                   for c in self.call('GET', 'array/connection'))

    def reset(self):
        """Protection groups, snapshots, pods, hosts of the array: gone.

        Volumes made by the array (not by Cinder) are files that no Cinder
        volume owns: ``lablib.cloud reset`` deletes those.
        """
        status, data = self._request(
            'POST', '_emulator/reset', {},
            headers={'api-token': self.token})
        if status != 200:
            raise proc.LabError('reset of %s: HTTP %d %s' % (
                self.site.array_name, status, data))
        return data

    def status(self):
        pid = self.pid()
        if not pid:
            return ('array', 'down', 'not running')
        try:
            info = self.call('GET', 'array')
            conns = self.call('GET', 'array/connection')
        except (OSError, proc.LabError) as exc:
            return ('array', 'down', 'pid %d, %s not answering (%s)'
                    % (pid, self.site.array_url, exc))
        peers = ', '.join('%s %s' % (c['array_name'], 'connected'
                                     if c.get('connected') else
                                     'disconnected') for c in conns)
        return ('array', 'up', 'pid %d, %s %s, %s' % (
            pid, info.get('array_name'), self.site.array_url,
            peers or 'no connection'))

    def exports(self):
        letter = self.site.letter.upper()
        if not os.path.exists(self.info_file):
            return ['# %s: not started yet (labctl up)'
                    % self.site.array_name]
        return ['export PROTECTOR_LAB_ARRAY_%s_URL=%s'
                % (letter, self.site.array_url),
                'export PROTECTOR_LAB_ARRAY_%s_TOKEN=%s'
                % (letter, self.token)]


def _code_digest(cmd):
    """Digest of the emulator's command line and source files."""
    digest = hashlib.sha256('\0'.join(cmd).encode())
    top = os.path.join(layout.TOOLS_LAB_DIR, 'flasharray')
    for name in sorted(os.listdir(top)):
        if name.endswith('.py'):
            digest.update(name.encode())
            with open(os.path.join(top, name), 'rb') as f:
                digest.update(f.read())
    return digest.hexdigest()
