"""Smoke test of the two-site lab: clouds, arrays and bytes.

Run (after ``eval "$(tools/lab/labctl env)"``)::

    python -m pytest -v protector/tests/lab/test_lab_smoke.py

It needs ``OS_CLIENT_CONFIG_FILE`` (the lab's clouds ``site-a``,
``site-b``), ``PROTECTOR_LAB_DIR`` (the volume files) and
``PROTECTOR_LAB_ARRAY_{A,B}_{URL,TOKEN}``, all printed by ``labctl env``,
and runs as a user that may write the lab's volume files.

* Each site boots a server and attaches a new volume to it.
* A site-A volume with known bytes is put in a protection group of array
  A that targets array B; a snapshot replicated now lands on array B with
  the same bytes; array B copies it into a new volume (a new file of site
  B's volume directory), which Cinder on site B adopts with ``manage``:
  the adopted volume's file holds the very bytes written on site A.
"""

import hashlib
import os
import uuid

import pytest

from protector.tests.lab import lab

lab.require_lab()
openstack = pytest.importorskip('openstack')
pytest.importorskip('purestorage')

LAB_DIR = os.environ['PROTECTOR_LAB_DIR']
MIB = 1 << 20
WAIT = lab.WAIT
HOST_B = 'site-b@lab#lab'
array, wait_for = lab.array, lab.wait_for


def unique(prefix):
    return 'smoke-%s-%s' % (prefix, uuid.uuid4().hex[:8])


def volume_file(site, name):
    return os.path.join(LAB_DIR, site, 'volumes', name)


def digest(path):
    sha = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(4 * MIB), b''):
            sha.update(chunk)
    return sha.hexdigest()


@pytest.fixture
def cleanup():
    """Callables run at the end of the test, last first, all of them."""
    calls = []
    yield calls.append
    errors = []
    for call in reversed(calls):
        try:
            call()
        except Exception as exc:  # report every failure, not only the first
            errors.append(exc)
    if errors:
        raise errors[0]


def _delete_volume(conn, volume):
    conn.block_storage.delete_volume(volume, ignore_missing=True)
    conn.block_storage.wait_for_delete(volume, wait=WAIT)


def _delete_server(conn, server):
    conn.compute.delete_server(server, ignore_missing=True)
    conn.compute.wait_for_delete(server, wait=WAIT)


def _detach(conn, server, volume):
    conn.compute.delete_volume_attachment(server, volume.id)
    conn.block_storage.wait_for_status(volume, 'available',
                                       failures=['error'], wait=WAIT)


@pytest.mark.parametrize('cloud', ['site-a', 'site-b'])
def test_server_and_volume(cloud, cleanup):
    conn = openstack.connect(cloud=cloud)
    name = unique('vm')
    network = conn.network.create_network(name=name)
    cleanup(lambda: conn.network.delete_network(network))
    conn.network.create_subnet(name=name, network_id=network.id,
                               ip_version=4, cidr='192.168.77.0/24')
    flavor = conn.compute.find_flavor('m1.tiny', ignore_missing=False)
    image = conn.image.find_image('lab-image', ignore_missing=False)
    server = conn.compute.create_server(
        name=name, flavor_id=flavor.id, image_id=image.id,
        networks=[{'uuid': network.id}])
    cleanup(lambda: _delete_server(conn, server))
    volume = conn.block_storage.create_volume(name=name, size=1)
    cleanup(lambda: _delete_volume(conn, volume))

    server = conn.compute.wait_for_server(server, wait=WAIT)
    volume = conn.block_storage.wait_for_status(
        volume, 'available', failures=['error'], wait=WAIT)
    assert os.path.isfile(volume_file(cloud, 'volume-%s' % volume.id))
    conn.compute.create_volume_attachment(server, volume_id=volume.id)
    volume = conn.block_storage.wait_for_status(
        volume, 'in-use', failures=['error'], wait=WAIT)
    assert volume.attachments[0]['server_id'] == server.id
    cleanup(lambda: _detach(conn, server, volume))


def test_replicated_snapshot_adopted_by_cinder_on_site_b(cleanup):
    conn_a = openstack.connect(cloud='site-a')
    conn_b = openstack.connect(cloud='site-b')
    fa_a, fa_b = array('A'), array('B')
    name_a = fa_a.get()['array_name']
    name_b = fa_b.get()['array_name']

    # A replicated volume of site A, known bytes written into its file.
    volume = conn_a.block_storage.create_volume(
        name=unique('source'), size=1, volume_type='replicated-async')
    cleanup(lambda: _delete_volume(conn_a, volume))
    volume = conn_a.block_storage.wait_for_status(
        volume, 'available', failures=['error'], wait=WAIT)
    array_volume = 'volume-%s' % volume.id
    source_file = volume_file('site-a', array_volume)
    with open(source_file, 'r+b') as f:
        f.write(b'written on site A by the lab smoke test\n')
        f.seek(300 * MIB + 7)
        f.write(os.urandom(MIB))
        f.seek(-4096, os.SEEK_END)
        f.write(b'tail' * 1024)
    source_digest = digest(source_file)
    assert array_volume in [v['name'] for v in fa_a.list_volumes()]

    # Array A's protection group, allowed by array B, replicated now.
    pgroup = unique('pg')
    fa_a.create_pgroup(pgroup, vollist=[array_volume], targetlist=[name_b])
    cleanup(lambda: (fa_a.destroy_pgroup(pgroup),
                     fa_a.eradicate_pgroup(pgroup)))
    target_group = '%s:%s' % (name_a, pgroup)
    fa_b.set_pgroup(target_group, allowed=True)
    wait_for(lambda: fa_a.get_pgroup(pgroup)['targets'][0]['allowed'],
             'array A to see that array B allowed %s' % pgroup)
    snapshot = fa_a.create_pgroup_snapshot(pgroup, replicate_now=True)
    replica = '%s:%s' % (name_a, snapshot['name'])

    def completed():
        snaps = fa_b.get_pgroup(target_group, snap=True, transfer=True)
        return [s for s in snaps if s['name'] == replica
                and s['completed']]
    wait_for(completed, 'transfer of %s to %s' % (replica, name_b))
    cleanup(lambda: (fa_b.destroy_pgroup(replica),
                     fa_b.eradicate_pgroup(replica)))

    # Array B copies the replicated volume snapshot into a new volume.
    copy = unique('copy')
    fa_b.copy_volume('%s.%s' % (replica, array_volume), copy)
    copy_file = volume_file('site-b', copy)
    cleanup(lambda: os.path.exists(copy_file) and os.unlink(copy_file))
    assert digest(copy_file) == source_digest

    # Cinder on site B adopts it; the file becomes volume-<new id>.
    adopted = conn_b.block_storage.manage_volume(
        host=HOST_B, ref={'source-name': copy}, name=unique('adopted'),
        volume_type='replicated-async', bootable=False)
    cleanup(lambda: _delete_volume(conn_b, adopted))
    adopted = conn_b.block_storage.wait_for_status(
        adopted, 'available', failures=['error', 'error_managing'],
        wait=WAIT)
    assert adopted.size == 1
    assert adopted.volume_type == 'replicated-async'
    adopted_file = volume_file('site-b', 'volume-%s' % adopted.id)
    assert not os.path.exists(copy_file)
    assert digest(adopted_file) == source_digest
