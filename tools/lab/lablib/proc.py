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

Every long-running process is started in its own session (so its process
group id is its PID and its workers share that group) with its output in a
log file, and its PID and kernel start time are written to
``<lab>/run/<name>.pid``; a PID is only believed while the start time
matches, so a recycled PID is never signalled.  Every process also carries
``PROTECTOR_LAB_OWNER=<lab dir>`` in its environment, which its helpers
inherit (uwsgi and oslo.service workers, privsep daemons, Erlang's helper
programs): ``sweep`` finds any of them left behind and stops it by PID.
"""

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request

OWNER_ENV = 'PROTECTOR_LAB_OWNER'


class LabError(Exception):
    """Something of the lab failed; the message says what and where."""


def tail(path, lines=25):
    try:
        with open(path, 'rb') as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 16384))
            data = f.read().decode('utf-8', 'replace')
    except OSError as exc:
        return '(no log %s: %s)' % (path, exc.strerror)
    return '--- last lines of %s ---\n%s' % (
        path, '\n'.join(data.splitlines()[-lines:]))


def _proc_stat(pid):
    """(state, pgid, start time) of pid, or None if there is no such."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            data = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # The command name (field 2) may hold spaces: split after its ')'.
    fields = data[data.rindex(')') + 2:].split()
    return fields[0], int(fields[2]), int(fields[19])


def alive(pid, start_time=None):
    st = _proc_stat(pid)
    if st is None or st[0] in ('Z', 'X'):
        return False
    return start_time is None or st[2] == start_time


class Processes(object):
    """The pid files of one lab."""

    def __init__(self, lab):
        self.lab = lab

    def _pidfile(self, name):
        return os.path.join(self.lab.run_dir, name + '.pid')

    def spawn(self, name, cmd, log_path, env=None, cwd=None, user=None,
              group=None, stdout=True, tag=None):
        """Start cmd detached; record it under name; return its PID.

        Its standard error goes to log_path, its standard output too unless
        stdout is false (a program that prints a secret there).  tag is
        kept in the record (what the process was started from).
        """
        os.makedirs(self.lab.run_dir, exist_ok=True)
        os.makedirs(os.path.dirname(log_path), exist_ok=True)
        env = dict(os.environ if env is None else env)
        env[OWNER_ENV] = self.lab.dir
        kwargs = {}
        if user is not None:
            kwargs.update(user=user, group=group, extra_groups=[])
        with open(log_path, 'ab') as log:
            log.write(('\n==== %s: starting %s\n' % (
                time.strftime('%Y-%m-%d %H:%M:%S'), ' '.join(cmd))).encode())
            log.flush()
            proc = subprocess.Popen(
                cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                stdout=log if stdout else subprocess.DEVNULL, stderr=log,
                start_new_session=True,
                close_fds=True, **kwargs)
        st = _proc_stat(proc.pid)
        self._write(name, {'pid': proc.pid,
                           'start_time': st[2] if st else None,
                           'started_at': time.time(),
                           'cmd': cmd, 'log': log_path, 'tag': tag})
        return proc.pid

    def adopt(self, name, pid, log_path):
        """Record a process that something else started (by its PID)."""
        st = _proc_stat(pid)
        if st is None:
            return
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            cmd = [a.decode('utf-8', 'replace')
                   for a in f.read().split(b'\0') if a]
        self._write(name, {'pid': pid, 'start_time': st[2],
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
        if rec and alive(rec['pid'], rec.get('start_time')):
            return rec['pid']
        return None

    def names(self):
        try:
            return sorted(f[:-4] for f in os.listdir(self.lab.run_dir)
                          if f.endswith('.pid'))
        except FileNotFoundError:
            return []

    def stop(self, names, sig=signal.SIGTERM, timeout=30):
        """Signal each recorded process, wait, then SIGKILL its group.

        ``names`` is a list of names or of (name, signal) pairs.
        """
        targets = []
        for item in names:
            name, signum = item if isinstance(item, tuple) else (item, sig)
            rec = self.record(name)
            if rec is None:
                continue
            pid, start = rec['pid'], rec.get('start_time')
            if alive(pid, start):
                try:
                    os.kill(pid, signum)
                except ProcessLookupError:
                    pass
                targets.append((name, pid, start))
            else:
                self._forget(name)
        deadline = time.monotonic() + timeout
        while targets and time.monotonic() < deadline:
            if not any(alive(pid, start) for _n, pid, start in targets):
                break
            time.sleep(0.2)
        for name, pid, start in targets:
            if alive(pid, start):
                _killpg(pid)
                # Not a group leader (started by another program): itself.
                if alive(pid, start):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            else:
                # Workers left in its process group (its PGID is its PID).
                _killpg_if_ours(pid, self.lab.dir)
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
            if mark in env.split(b'\0') and alive(int(entry)):
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
        for pid in pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + timeout
        while pids and time.monotonic() < deadline:
            pids = [p for p in pids if alive(p)]
            time.sleep(0.2)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return pids


def _killpg(pgid):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _killpg_if_ours(pgid, lab_dir):
    """SIGKILL what is left of a process group, if it is the lab's."""
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        st = _proc_stat(int(entry))
        if st and st[1] == pgid and st[0] not in ('Z', 'X'):
            _killpg(pgid)
            return


def run(cmd, log_path, timeout=600, env=None, cwd=None, user=None,
        group=None, what=None, secrets=(), new_session=False):
    """Run a short command, output appended to log_path; fail loudly.

    With new_session, the command and what it leaves running in the
    background get a session of their own (a Ctrl-C on labctl's terminal
    does not reach them).
    """
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    kwargs = {'start_new_session': new_session}
    if user is not None:
        kwargs.update(user=user, group=group, extra_groups=[])
    started = time.monotonic()
    try:
        res = subprocess.run(cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=timeout, check=False, **kwargs)
        out = res.stdout.decode('utf-8', 'replace')
        code = res.returncode
    except subprocess.TimeoutExpired as exc:
        out = (exc.output or b'').decode('utf-8', 'replace')
        code = 'timeout after %ss' % timeout
    shown = ' '.join(cmd)
    for value in secrets:
        out = out.replace(value, '***')
        shown = shown.replace(value, '***')
    with open(log_path, 'a') as log:
        log.write('$ %s  (%.1fs, status %s)\n%s\n' % (
            shown, time.monotonic() - started, code, out))
    if code != 0:
        raise LabError('%s failed (%s): %s\n%s' % (
            what or cmd[0], code, shown, '\n'.join(out.splitlines()[-30:])))
    return out


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


def wait_for(check, timeout, what, logs=(), interval=0.5, pid=None):
    """Poll check() until true; fail with the logs' tails on time-out."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            if check():
                return
        except Exception as exc:  # keep polling; report the last one
            last = exc
        if pid is not None and not alive(pid):
            raise LabError('%s: process %d exited\n%s' % (
                what, pid, '\n'.join(tail(p) for p in logs)))
        if time.monotonic() > deadline:
            raise LabError('%s: not ready after %ss (last error: %s)\n%s' % (
                what, timeout, last, '\n'.join(tail(p) for p in logs)))
        time.sleep(interval)
