"""A drill of a sync (ActiveCluster) group on the lab: the pod untouched.

Run (after ``eval "$(tools/lab/labctl env)"``)::

    python -m pytest -v protector/tests/lab/test_sync_drill_on_lab.py

A server booted from a ``replicated-sync`` volume on site A is protected
in a sync group, whose pod protector stretches across the two arrays.  A
test failover boots a copy on site B from clones of the pod's volumes on
array B: the copy holds the bytes written on site A just before, while the
pod (its arrays, its volumes' bytes) and the server on site A are left as
they were; test cleanup leaves nothing of the drill on site B or its
array.
"""

import uuid

import pytest

from protector.tests.lab import lab

lab.require_lab()
openstack = pytest.importorskip('openstack')

GROUP = 'ledger'
SERVER = 'ledger'
VOLUME = 'ledger-boot'
OFFSET = 512 << 20
MARK = 160


def connection(site):
    return openstack.connect(cloud=site)


def servers(site):
    return {s.name: s for s in connection(site).compute.servers()
            if s.name == SERVER}


def pod_volumes(letter, pod):
    """{name: bytes where the test writes} of the pod's volumes."""
    site = 'site-' + letter.lower()
    return {v['name']: lab.read_file(lab.array_file(site, v['name']),
                                     OFFSET, MARK)
            for v in lab.array(letter).list_volumes()
            if v['name'].startswith(pod + '::')}


def pod_arrays(letter, pod):
    return sorted((a['name'], a['status'])
                  for a in lab.array(letter).get_pod(pod)['arrays'])


def _remove(pod):
    """The group, the server, its volume and what is left of the pod."""
    lab.run('protection-group', 'delete', GROUP, check=False)
    a = connection('site-a')
    for server in servers('site-a').values():
        a.compute.delete_server(server)
        a.compute.wait_for_delete(server)
    for volume in a.block_storage.volumes(name=VOLUME):
        a.block_storage.delete_volume(volume)
    for letter in 'AB':
        array = lab.array(letter)
        for found in array.list_pods():
            if found['name'] != pod:
                continue
            for volume in array.list_volumes():
                if volume['name'].startswith(pod + '::'):
                    array.destroy_volume(volume['name'])
                    array.eradicate_volume(volume['name'])
            array.destroy_pod(pod)
            array.eradicate_pod(pod)


@pytest.fixture(scope='module')
def protected():
    """SERVER on site A, protected in the sync group GROUP."""
    a = connection('site-a')
    image = a.image.find_image('lab-image')
    network = a.network.find_network('demo-db')
    flavor = a.compute.find_flavor('m1.tiny')
    volume = a.block_storage.create_volume(
        name=VOLUME, size=1, image_id=image.id,
        volume_type='replicated-sync')
    a.block_storage.wait_for_status(volume, 'available', wait=300)
    server = a.compute.create_server(
        name=SERVER, flavor_id=flavor.id, networks=[{'uuid': network.id}],
        block_device_mapping_v2=[{'uuid': volume.id, 'source_type':
                                  'volume', 'destination_type': 'volume',
                                  'boot_index': 0}])
    a.compute.wait_for_server(server, wait=300)
    created = lab.cli_json('protection-group', 'create', GROUP,
                           '--replication-type', 'sync', '--primary-site',
                           'site-a', '--secondary-site', 'site-b',
                           '--volume-type', 'replicated-sync')
    pod = 'protector-%s' % created['id']
    try:
        lab.cli('protection-group', 'member-add', GROUP, SERVER)
        lab.cli('protection-group', 'policy-create', GROUP,
                *lab.policy_options())
        lab.wait_for(lambda: len(pod_arrays('B', pod)) == 2 and all(
            status == 'online' for _, status in pod_arrays('B', pod)),
            'the pod stretched to array B and in sync')
        yield {'pod': pod, 'server': server}
    finally:
        _remove(pod)


def test_a_drill_boots_clones_of_the_pod_and_leaves_it_as_it_was(
        protected):
    pod = protected['pod']
    in_pod, = pod_volumes('A', pod)
    mark = ('written on site A %s' % uuid.uuid4().hex).encode()
    lab.write_file(lab.array_file('site-a', in_pod), OFFSET,
                   mark.ljust(MARK, b'\0'))
    lab.wait_for(lambda: pod_volumes('B', pod)[in_pod].rstrip(b'\0') == mark,
                 'the mark mirrored to array B')
    before = {letter: (pod_arrays(letter, pod), pod_volumes(letter, pod))
              for letter in 'AB'}
    volumes_b = sorted(v.id for v in connection('site-b')
                       .block_storage.volumes())
    array_b = sorted(v['name'] for v in lab.array('B').list_volumes())

    operation = lab.cli_json('protection-group', 'test-failover', GROUP,
                             '--network-mapping', 'demo-db=demo-db',
                             '--wait')

    assert operation['status'] == 'completed', operation
    assert lab.cli_json('protection-group', 'show', GROUP)['status'] == \
        'testing'
    copy = servers('site-b')[SERVER]
    assert copy.status == 'ACTIVE'
    volume_id, = [v['id'] for v in copy.attached_volumes]
    assert lab.read('site-b', volume_id, OFFSET, MARK).rstrip(b'\0') == mark
    # The pod: the same arrays, in sync, its volumes' bytes unchanged.
    assert before == {letter: (pod_arrays(letter, pod),
                               pod_volumes(letter, pod))
                      for letter in 'AB'}
    production = servers('site-a')[SERVER]
    assert (production.id, production.status) == \
        (protected['server'].id, 'ACTIVE')

    cleanup = lab.cli_json('protection-group', 'test-cleanup', GROUP,
                           '--wait')

    assert cleanup['status'] == 'completed', cleanup
    assert lab.cli_json('protection-group', 'show', GROUP)['status'] == \
        'active'
    assert {} == servers('site-b')
    assert volumes_b == sorted(v.id for v in connection('site-b')
                               .block_storage.volumes())
    assert array_b == sorted(v['name'] for v in lab.array('B')
                             .list_volumes())
    assert before == {letter: (pod_arrays(letter, pod),
                               pod_volumes(letter, pod))
                      for letter in 'AB'}
