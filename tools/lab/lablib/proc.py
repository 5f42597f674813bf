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

"""Processes of the lab: started detached, known by PID, stopped by PID.

The rules (detached start, stop by PID and process group, waits, ports)
are those of ``protector/tests/processes.py``, shared with the functional
tests; this module adds what the lab needs because ``labctl`` exits while
its processes run on.  Each one's PID and kernel start time are written to
``<lab>/run/<name>.pid``; a PID is only believed while the start time
matches, so a recycled PID is never signalled.  Every process also carries
``PROTECTOR_LAB_OWNER=<lab dir>`` in its environment, which its helpers
inherit (uwsgi and oslo.service workers, privsep daemons, Erlang's helper
programs): ``sweep`` finds any of them left behind and stops it by PID.
"""

import json
import os
import signal
import time
import urllib.error
import urllib.request

from protector.tests import processes

OWNER_ENV = 'PROTECTOR_LAB_OWNER'

# One error for the lab and the primitives it uses: labctl reports its
# message, whatever failed.
LabError = processes.ProcessError


class Processes(object):
    """The pid files of one lab."""

    def __init__(self, lab):
        self.lab = lab

    def _pidfile(self, name):
        return os.path.join(self.lab.run_dir, name + '.pid')

    def spawn(self, name, cmd, log_path, env=None, cwd=None, user=None,
              group=None, stdout=True, tag=None):
        """Start cmd detached; record it under name; return its PID.

        See processes.spawn for the log and stdout; tag is kept in the
        record (what the process was started from).
        """
        env = dict(os.environ if env is None else env)
        env[OWNER_ENV] = self.lab.dir
        pid = processes.spawn(cmd, log_path, env=env, cwd=cwd, user=user,
                              group=group, stdout=stdout).pid
        self._write(name, {'pid': pid,
                           'start_time': processes.start_time(pid),
                           'started_at': time.time(),
                           'cmd': cmd, 'log': log_path, 'tag': tag})
        return pid

    def adopt(self, name, pid, log_path):
        """Record a process that something else started (by its PID)."""
        started = processes.start_time(pid)
        if started is None:
            return
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            cmd = [a.decode('utf-8', 'replace')
                   for a in f.read().split(b'\0') if a]
        self._write(name, {'pid': pid, 'start_time': started,
                           'started_at': time.time(), 'cmd': cmd,
                           'log': log_path})

    def _write(self, name, record):
        os.makedirs(self.lab.run_dir, exist_ok=True)
        tmp = self._pidfile(name) + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(record, f)
        os.replace(tmp, self._pidfile(name))

    def record(self, name):
        try:
            with open(self._pidfile(name)) as f:
                return json.load(f)
        except (FileNotFoundError, ValueError):
            return None

    def pid(self, name):
        """PID of the running process recorded under name, or None."""
        rec = self.record(name)
        if rec and processes.alive(rec['pid'], rec.get('start_time')):
            return rec['pid']
        return None

    def names(self):
        try:
            return sorted(f[:-4] for f in os.listdir(self.lab.run_dir)
                          if f.endswith('.pid'))
        except FileNotFoundError:
            return []

    def stop(self, names, sig=signal.SIGTERM, timeout=30):
        """Stop the processes recorded under names (processes.stop)."""
        start_times, labels = {}, {}
        for name in names:
            rec = self.record(name)
            if rec is not None:
                start_times[rec['pid']] = rec.get('start_time')
                labels[rec['pid']] = name
        processes.stop(list(start_times), sig, timeout, labels,
                       start_times=start_times)
        for name in names:
            self._forget(name)

    def _forget(self, name):
        try:
            os.unlink(self._pidfile(name))
        except FileNotFoundError:
            pass

    def strays(self):
        """PIDs of processes carrying this lab's owner mark."""
        mark = ('%s=%s' % (OWNER_ENV, self.lab.dir)).encode()
        found = []
        for entry in os.listdir('/proc'):
            if not entry.isdigit() or int(entry) == os.getpid():
                continue
            try:
                with open('/proc/%s/environ' % entry, 'rb') as f:
                    env = f.read()
            except OSError:
                continue
            if mark in env.split(b'\0') and processes.alive(int(entry)):
                found.append(int(entry))
        return found

    def memory(self):
        """(processes, RSS sum, PSS sum) in KiB of the lab's processes."""
        count = rss = pss = 0
        for pid in self.strays():
            try:
                with open('/proc/%d/smaps_rollup' % pid) as f:
                    for line in f:
                        if line.startswith('Rss:'):
                            rss += int(line.split()[1])
                        elif line.startswith('Pss:'):
                            pss += int(line.split()[1])
                count += 1
            except OSError:
                continue
        return count, rss, pss

    def sweep(self, timeout=10):
        """Stop (by PID) every process still carrying the lab's mark."""
        pids = self.strays()
        start_times = {pid: processes.start_time(pid) for pid in pids}
        processes.stop(pids, signal.SIGTERM, timeout, 'leftover process',
                       start_times=start_times)
        return pids


def http_status(url, timeout=3):
    """HTTP status of GET url, or None if nothing answers."""
    req = urllib.request.Request(url, headers={'Connection': 'close'})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (OSError, ValueError):
        return None
