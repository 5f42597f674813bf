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

"""Processes, ports and waits of the functional tests and the lab.

Both start real services on loopback (``protector/tests/functional/infra``
and ``tools/lab/lablib``) and need the same rules:

* a long-running process is started detached, in a session of its own, so
  that its process group id is its PID: stopping it by that PID also
  reaches the helpers and workers it leaves in its group, and a Ctrl-C on
  the terminal does not reach it;
* a short command runs with a time-out, its output goes to a log, and an
  error shows its last lines with the secrets replaced by ``***``;
* a service is never started on a port something else holds;
* a wait polls a check until a deadline and fails with the tails of the
  logs that say why, at once if the process it waits for has died.

Standard library only: ``tools/lab/labctl`` imports this module with the
machine's python3, before any virtualenv exists.
"""

import logging
import os
import random
import signal
import socket
import stat
import subprocess
import time

LOG = logging.getLogger(__name__)

LOOPBACK = '127.0.0.1'


class ProcessError(Exception):
    """A process failed, did not answer in time, or found its port taken."""


# -- logs --------------------------------------------------------------------

def tail(path, lines=30):
    """Return the last lines of a log file, or a note why there are none."""
    try:
        with open(path, 'rb') as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 16384))
            data = f.read().decode('utf-8', 'replace')
    except OSError as exc:
        return '(no log %s: %s)' % (path, exc.strerror)
    return '--- last lines of %s ---\n%s' % (
        path, '\n'.join(data.splitlines()[-lines:]))


def tails(paths):
    return '\n'.join(tail(p) for p in paths)


def redact(text, secrets):
    """text with each (non-empty) secret replaced by ``***``."""
    for value in secrets:
        if value:
            text = text.replace(value, '***')
    return text


# -- ports -------------------------------------------------------------------

def port_in_use(port):
    """True if something accepts connections on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((LOOPBACK, port)) == 0


def _bindable(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((LOOPBACK, port))
        except OSError:
            return False
        return True


def free_port(offsets=(0,), low=20000, high=40000, attempts=200):
    """Return a port p in [low, high) with p + offset free for each offset.

    Racy by nature (another process may take the port later): good enough
    for tests.
    """
    rng = random.SystemRandom()
    for _ in range(attempts):
        port = rng.randrange(low, high)
        if all(_bindable(port + o) for o in offsets):
            return port
    raise ProcessError('no free port found in %d-%d' % (low, high))


def check_ports_free(what, ports):
    """Refuse to start what while another process holds one of its ports.

    Otherwise a check of the port could take that process for ours.
    """
    busy = [p for p in ports if port_in_use(p)]
    if busy:
        raise ProcessError('%s: port(s) %s on %s already in use by another '
                           'process' % (what, ', '.join(map(str, busy)),
                                        LOOPBACK))


# -- processes ---------------------------------------------------------------

def require(path, what, hint):
    if not os.access(path, os.X_OK):
        raise ProcessError('%s: %s not found or not executable; %s'
                           % (what, path, hint))


def _as_user(user, group):
    if user is None:
        return {}
    return {'user': user, 'group': group, 'extra_groups': []}


def spawn(cmd, log_path, env=None, cwd=None, user=None, group=None,
          stdout=True):
    """Start a long-running process detached; return its Popen.

    Its standard error is appended to log_path, its standard output too
    unless stdout is false (a program that prints a secret there).
    """
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    with open(log_path, 'ab') as log:
        log.write(('\n==== %s: starting %s\n' % (
            time.strftime('%Y-%m-%d %H:%M:%S'), ' '.join(cmd))).encode())
        log.flush()
        return subprocess.Popen(
            cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
            stdout=log if stdout else subprocess.DEVNULL, stderr=log,
            start_new_session=True, close_fds=True, **_as_user(user, group))


def run(cmd, log_path, timeout=600, what=None, env=None, cwd=None,
        user=None, group=None, secrets=(), new_session=False):
    """Run a short command, its output appended to log_path; return it.

    Raise ProcessError with the last lines of its output, secrets
    redacted, if it fails or does not finish within timeout seconds.
    With new_session, the command and what it leaves running in the
    background get a session of their own (a Ctrl-C on the terminal does
    not reach them).
    """
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    started = time.monotonic()
    try:
        res = subprocess.run(cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=timeout, check=False,
                             start_new_session=new_session,
                             **_as_user(user, group))
        out = res.stdout.decode('utf-8', 'replace')
        outcome = None if res.returncode == 0 else (
            'failed with status %d' % res.returncode)
    except subprocess.TimeoutExpired as exc:
        out = (exc.output or b'').decode('utf-8', 'replace')
        outcome = 'did not finish within %ss' % timeout
    out = redact(out, secrets)
    shown = redact(' '.join(cmd), secrets)
    with open(log_path, 'a') as log:
        log.write('$ %s  (%.1fs, %s)\n%s\n' % (
            shown, time.monotonic() - started, outcome or 'status 0', out))
    if outcome:
        raise ProcessError('%s: %s %s (output in %s)\n%s' % (
            what or cmd[0], shown, outcome, log_path,
            '\n'.join(out.splitlines()[-50:])))
    return out


def _stat(pid):
    """(state, process group id, start time) of pid, or None."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            data = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # The command name (field 2) may hold spaces: split after its ')'.
    fields = data[data.rindex(')') + 2:].split()
    return fields[0], int(fields[2]), int(fields[19])


def start_time(pid):
    """When pid started (kernel clock ticks since boot), or None.

    With the PID it names one process for good: a PID alone may be reused
    by another process once the first one has gone.
    """
    st = _stat(pid)
    return st[2] if st else None


def alive(pid, started=None):
    """True if pid runs (a zombie does not), and started then if given."""
    st = _stat(pid)
    if st is None or st[0] in ('Z', 'X'):
        return False
    return started is None or st[2] == started


def _ended(pid):
    """How our child pid ended (it is not reaped), or '' if unknown."""
    try:
        info = os.waitid(os.P_PID, pid,
                         os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:  # not our child, or already reaped
        return ''
    if info is None:
        return ''
    if info.si_code == os.CLD_EXITED:
        return ' with status %d' % info.si_status
    return ' on signal %d' % info.si_status


def _send(pid, sig):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _killpg(pgid):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _wait_gone(pids, start_times, timeout):
    """The PIDs of pids still alive after up to timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        pids = [p for p in pids if alive(p, start_times.get(p))]
        if not pids or time.monotonic() >= deadline:
            return pids
        time.sleep(0.1)


def stop(pids, sig=signal.SIGTERM, timeout=30, what='process',
         start_times=None):
    """Stop processes by PID: send sig to each, wait, then SIGKILL.

    They are signalled at once and waited for together, up to timeout
    seconds.  What is left in the process group a PID leads (started by
    spawn, it leads one) is killed afterwards, so no helper survives.
    start_times maps a PID to its start_time(): such a PID is left alone
    unless it still names that process, so a recycled PID is never hit.
    what names them in the warning about a kill: one name for all, or a
    dict of PID to name.  Zombies of our own children are left for their
    Popen to reap.
    """
    start_times = start_times or {}
    names = what if isinstance(what, dict) else {}
    groups, signalled = [], []
    for pid in pids:
        st = _stat(pid)
        started = start_times.get(pid)
        if started is not None and (st is None or st[2] != started):
            continue
        # A gone PID (reaped already) may still have helpers in its group.
        if st is None or st[1] == pid:
            groups.append(pid)
        if alive(pid, started):
            _send(pid, sig)
            signalled.append(pid)
    left = _wait_gone(signalled, start_times, timeout)
    for pid in left:
        LOG.warning('%s (pid %d) did not stop within %ss; killing it',
                    names.get(pid, what), pid, timeout)
        _send(pid, signal.SIGKILL)
    for pgid in groups:
        _killpg(pgid)
    _wait_gone(left, start_times, 10)


# -- waits -------------------------------------------------------------------

def wait_for(check, timeout, what, logs=(), pid=None, interval=0.25):
    """Call check() until it returns true; raise ProcessError on time-out.

    If process pid ends meanwhile, fail at once rather than at the
    time-out (and rather than take another process answering for it).
    The error carries the tail of every file in logs.
    """
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        if pid is not None and not alive(pid):
            raise ProcessError('%s: process %d exited%s before it was '
                               'ready\n%s' % (what, pid, _ended(pid),
                                              tails(logs)))
        try:
            if check():
                return
        except Exception as exc:  # keep polling, report the last one
            last_error = exc
        if time.monotonic() >= deadline:
            raise ProcessError('%s: not ready after %ss (last error: %s)\n%s'
                               % (what, timeout, last_error, tails(logs)))
        time.sleep(interval)


# -- files -------------------------------------------------------------------

def make_traversable(path):
    """Give "others" search (x, never r/w) permission on path and parents.

    A server running as an unprivileged OS user (postgres) needs to
    traverse every directory down to its data directory, and
    tempfile.mkdtemp and pytest's tmp_path_factory make 0700 directories
    (trap: initdb then fails with "could not change directory ...
    Permission denied").  A directory of another owner is not changed.
    """
    path = os.path.abspath(path)
    while True:
        st = os.stat(path)
        if not st.st_mode & stat.S_IXOTH:
            if st.st_uid != os.geteuid():
                raise ProcessError(
                    'directory %s is not searchable by other users and '
                    'not owned by us; choose another base directory'
                    % path)
            LOG.debug('adding o+x to %s', path)
            os.chmod(path, stat.S_IMODE(st.st_mode) | stat.S_IXOTH)
        parent = os.path.dirname(path)
        if parent == path:
            return
        path = parent
