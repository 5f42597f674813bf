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

"""Install what the lab needs and is missing: Debian packages, virtualenv.

Idempotent and quick when everything is there: packages are checked by the
files the lab uses, the virtualenv by a marker holding the package list,
the lab plugins by a hash of their sources.
"""

import hashlib
import os
import shutil
import subprocess
import sys

from lablib import layout
from lablib import proc

from protector.tests import processes

# file the lab uses -> Debian package that ships it
DEBIAN_FILES = {
    '/usr/lib/postgresql/15/bin/postgres': 'postgresql-15',
    '/usr/lib/postgresql/15/bin/psql': 'postgresql-client-15',
    '/usr/lib/rabbitmq/bin/rabbitmq-server': 'rabbitmq-server',
    '/usr/bin/epmd': 'erlang-base',
    '/usr/bin/qemu-img': 'qemu-utils',       # Cinder's NFS driver
    '/sbin/mount.nfs': 'nfs-common',         # checked by the NFS driver
    '/usr/bin/mountpoint': 'util-linux',
    '/usr/bin/curl': 'curl',                 # devstack/lib/protector waits
}

PLUGINS_DIR = os.path.join(layout.TOOLS_LAB_DIR, 'plugins')


def _say(msg):
    print(msg, flush=True)


def missing_debian_packages():
    return sorted({pkg for path, pkg in DEBIAN_FILES.items()
                   if not os.path.exists(path)})


def ensure_debian_packages(lab):
    missing = missing_debian_packages()
    if not missing:
        return
    if os.geteuid() != 0:
        raise proc.LabError('Debian packages missing: %s (run labctl up as '
                            'root, or install them)' % ' '.join(missing))
    log = os.path.join(lab.log_dir, 'install.log')
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    _say('installing Debian packages: %s' % ' '.join(missing))
    processes.run(['apt-get', 'update', '-q'], log, timeout=600, env=env,
                  what='apt-get update')
    processes.run(['apt-get', 'install', '-y', '-q',
                   '--no-install-recommends'] + missing, log, timeout=1200,
                  env=env, what='apt-get install')
    still = missing_debian_packages()
    if still:
        raise proc.LabError('still missing after apt-get install: %s'
                            % ' '.join(still))


def _base_python():
    """A Python 3.10+ with venv, to create the lab virtualenv."""
    candidates = [os.environ.get('PROTECTOR_LAB_PYTHON'), 'python3.11',
                  'python3', sys.executable]
    for cand in candidates:
        if not cand:
            continue
        path = shutil.which(cand) or (cand if os.path.exists(cand) else None)
        if not path:
            continue
        ok = subprocess.run(
            [path, '-c', 'import sys, venv, ensurepip; '
             'sys.exit(sys.version_info < (3, 10))'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        if ok == 0:
            return path
    raise proc.LabError('no Python >= 3.10 with venv and ensurepip found; '
                        'set PROTECTOR_LAB_PYTHON')


def _plugins_hash():
    digest = hashlib.sha256()
    for root, dirs, files in sorted(os.walk(PLUGINS_DIR)):
        dirs[:] = sorted(d for d in dirs if d not in (
            '__pycache__', 'build') and not d.endswith('.egg-info'))
        for name in sorted(files):
            if name.endswith(('.py', '.cfg', '.toml')):
                path = os.path.join(root, name)
                digest.update(os.path.relpath(path, PLUGINS_DIR).encode())
                with open(path, 'rb') as f:
                    digest.update(f.read())
    return digest.hexdigest()


def ensure_venv(lab):
    """Create and fill the virtualenv; True if the lab plugins changed."""
    log = os.path.join(lab.log_dir, 'install.log')
    if not os.path.exists(lab.python):
        _say('creating the lab virtualenv %s' % lab.venv)
        processes.run([_base_python(), '-m', 'venv', lab.venv], log,
                      what='python -m venv')
    marker = os.path.join(lab.venv, '.lab-packages')
    wanted = '\n'.join(layout.PIP_PACKAGES) + '\n'
    try:
        with open(marker) as f:
            have = f.read()
    except FileNotFoundError:
        have = None
    if have != wanted:
        _say('installing into the lab virtualenv (about 1.5 minutes): %s'
             % ' '.join(layout.PIP_PACKAGES))
        processes.run([lab.python, '-m', 'pip', 'install', '-q',
                       '--disable-pip-version-check']
                      + layout.PIP_PACKAGES, log, timeout=1800,
                      what='pip install')
        with open(marker, 'w') as f:
            f.write(wanted)
    marker = os.path.join(lab.venv, '.lab-plugins')
    digest = _plugins_hash()
    try:
        with open(marker) as f:
            have = f.read().strip()
    except FileNotFoundError:
        have = None
    if have == digest:
        return False
    _say('installing the lab plugins (ML2, Cinder and Nova drivers)')
    # A copy: pip must not write build files into the source tree.
    build = os.path.join(lab.dir, 'build', 'plugins')
    shutil.rmtree(build, ignore_errors=True)
    shutil.copytree(PLUGINS_DIR, build, ignore=shutil.ignore_patterns(
        '__pycache__', '*.egg-info', 'build'))
    processes.run([lab.python, '-m', 'pip', 'install', '-q', '--no-deps',
                   '--disable-pip-version-check', '--force-reinstall', build],
                  log, timeout=600, what='pip install lab plugins')
    shutil.rmtree(build, ignore_errors=True)
    with open(marker, 'w') as f:
        f.write(digest + '\n')
    return True


# Services that load the lab plugins (restarted when they change).
PLUGIN_USERS = ('neutron-api', 'cinder-api', 'cinder-scheduler',
                'cinder-volume', 'nova-compute')


def ensure(lab):
    """Install what is missing; return True if the lab plugins changed."""
    os.makedirs(lab.log_dir, exist_ok=True)
    ensure_debian_packages(lab)
    return ensure_venv(lab)
