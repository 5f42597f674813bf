"""What the lab tests share: the real CLI, the arrays, volume bytes.

Everything comes from ``eval "$(tools/lab/labctl env)"``: the clouds
``site-a``/``site-b`` (a demo project member) and ``site-a-admin``/
``site-b-admin``, ``PROTECTOR_LAB_DIR`` (where the volume files are) and
``PROTECTOR_LAB_ARRAY_{A,B}_{URL,TOKEN}``.
"""

import json
import os
import subprocess
import time
import warnings

import pytest

ENV = ('OS_CLIENT_CONFIG_FILE', 'PROTECTOR_LAB_DIR',
       'PROTECTOR_LAB_ARRAY_A_URL', 'PROTECTOR_LAB_ARRAY_A_TOKEN',
       'PROTECTOR_LAB_ARRAY_B_URL', 'PROTECTOR_LAB_ARRAY_B_TOKEN',
       'PROTECTOR_LAB_METRICS_A_URL', 'PROTECTOR_LAB_TRANSPORT_A_URL')
WAIT = 300
LABCTL = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir,
                      os.pardir, 'tools', 'lab', 'labctl')


def require_lab():
    """Skip the calling module unless the lab's environment is set."""
    if not all(os.environ.get(name) for name in ENV):
        pytest.skip('needs %s: run eval "$(tools/lab/labctl env)" first'
                    % ', '.join(ENV), allow_module_level=True)
    # The arrays' certificates are self-signed (the client does not check).
    warnings.filterwarnings('ignore', message='Unverified HTTPS request')


def run(*args, cloud='site-a', check=True, timeout=900):
    """``openstack --os-cloud cloud protector args``: (rc, out, err)."""
    result = subprocess.run(
        ['openstack', '--os-cloud', cloud, 'protector'] + list(args),
        capture_output=True, text=True, timeout=timeout)
    if check:
        assert result.returncode == 0, 'protector %s (on %s): exit %d\n%s%s' \
            % (' '.join(args[:3]), cloud, result.returncode, result.stdout,
               result.stderr)
    return result.returncode, result.stdout, result.stderr


def cli(*args, cloud='site-a'):
    return run(*args, cloud=cloud)[1]


def cli_json(*args, cloud='site-a'):
    return json.loads(cli(*(list(args) + ['-f', 'json']), cloud=cloud))


def policy_options():
    """``policy-create`` options for the lab's two arrays."""
    options = []
    for role, letter in (('primary', 'A'), ('secondary', 'B')):
        options += ['--%s-fa-url' % role,
                    os.environ['PROTECTOR_LAB_ARRAY_%s_URL' % letter],
                    '--%s-fa-token' % role,
                    os.environ['PROTECTOR_LAB_ARRAY_%s_TOKEN' % letter]]
    return options + ['--rpo-minutes', '15', '--replication-interval', '300']


def labctl(*args):
    subprocess.run([LABCTL] + list(args), check=True, timeout=900,
                   stdout=subprocess.DEVNULL)


def engine_pids(site):
    """{name: pid} of the protector-engines of ``site`` the lab runs."""
    run_dir = os.path.join(os.environ['PROTECTOR_LAB_DIR'], 'run')
    pids = {}
    for entry in sorted(os.listdir(run_dir)):
        prefix = '%s-protector-engine-' % site
        if entry.startswith(prefix) and entry.endswith('.pid'):
            with open(os.path.join(run_dir, entry)) as f:
                pids[entry[len(site) + 1:-len('.pid')]] = json.load(f)['pid']
    return pids


def array(letter):
    import purestorage
    url = os.environ['PROTECTOR_LAB_ARRAY_%s_URL' % letter]
    return purestorage.FlashArray(
        url.split('://', 1)[-1],
        api_token=os.environ['PROTECTOR_LAB_ARRAY_%s_TOKEN' % letter])


def wait_for(predicate, what, timeout=WAIT, interval=1.0):
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError('%s: not after %ss' % (what, timeout))
        time.sleep(interval)


def array_file(site, name):
    """The file that is the array volume ``name`` of ``site``'s array."""
    return os.path.join(os.environ['PROTECTOR_LAB_DIR'], site, 'volumes',
                        name)


def volume_file(site, volume_id):
    """The file that is the Cinder volume (and its array volume)."""
    return array_file(site, 'volume-%s' % volume_id)


def write_file(path, offset, data):
    """Write into a volume's file, as the server using it would."""
    fd = os.open(path, os.O_WRONLY)
    try:
        os.pwrite(fd, data, offset)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_file(path, offset, length):
    with open(path, 'rb') as f:
        f.seek(offset)
        return f.read(length)


def write(site, volume_id, offset, data):
    write_file(volume_file(site, volume_id), offset, data)


def read(site, volume_id, offset, length):
    return read_file(volume_file(site, volume_id), offset, length)
