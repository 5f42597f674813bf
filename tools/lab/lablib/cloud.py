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

"""Cloud content of a site, through openstacksdk (runs in the lab venv).

``python -m lablib.cloud setup SITE``: flavors, the lab image, the volume
types (plain, replicated-async, replicated-sync).

``python -m lablib.cloud reset SITE VOLUMES_DIR``: delete every tenant
resource of the site (servers, volumes, snapshots, groups, networks and
what hangs on them, key pairs, images but the lab's), then the files left
in the backend's directory that no Cinder volume owns.

``python -m lablib.cloud demo SITE KEY_FILE``: the demo tenant (user
``demo``, project ``demo``): networks and subnets with the same names and
CIDRs on both sites, the key pair ``demo-key``; on site A also the
three-tier application (below).  Idempotent: what exists is kept.
"""

import concurrent.futures
import fcntl
import os
import sys
import time

from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives import serialization
import openstack

LAB_TAG = 'protector-lab'
IMAGE_NAME = 'lab-image'
IMAGE_SIZE = 1024 * 1024

FLAVORS = [
    # name, vcpus, ram (MiB), disk (GiB)
    ('m1.tiny', 1, 512, 1),
    ('m1.small', 1, 2048, 10),
    ('m1.medium', 2, 4096, 20),
]

VOLUME_TYPES = {
    'plain': {'volume_backend_name': 'lab'},
    'replicated-async': {'volume_backend_name': 'lab',
                         'replication_enabled': '<is> True',
                         'replication_type': '<in> async'},
    'replicated-sync': {'volume_backend_name': 'lab',
                        'replication_enabled': '<is> True',
                        'replication_type': '<in> sync'},
}


def _image_bytes():
    head = b'protector lab image: a raw disk of 1 MiB\n'
    return head + b'\0' * (IMAGE_SIZE - len(head))


def setup(conn):
    for name, vcpus, ram, disk in FLAVORS:
        if not conn.compute.find_flavor(name, ignore_missing=True):
            conn.compute.create_flavor(name=name, vcpus=vcpus, ram=ram,
                                       disk=disk, is_public=True)
    for name, specs in VOLUME_TYPES.items():
        vtype = conn.block_storage.find_type(name, ignore_missing=True)
        if vtype is None:
            vtype = conn.block_storage.create_type(
                name=name, is_public=True, extra_specs=specs,
                description='protector lab: %s' % name)
        else:
            have = vtype.extra_specs or {}
            if any(have.get(k) != v for k, v in specs.items()):
                conn.block_storage.update_type_extra_specs(vtype, **specs)
    if not conn.image.find_image(IMAGE_NAME, ignore_missing=True):
        image = conn.image.create_image(
            name=IMAGE_NAME, disk_format='raw', container_format='bare',
            visibility='public', data=_image_bytes(), tags=[LAB_TAG],
            min_disk=1, allow_duplicates=True)
        conn.image.wait_for_status(image, 'active', wait=120)


# Demo tenant: network -> CIDR of its subnet (<network>-subnet).
DEMO_NETWORKS = {
    'demo-web': '10.20.1.0/24',
    'demo-app': '10.20.2.0/24',
    'demo-db': '10.20.3.0/24',
}
DEMO_KEYPAIR = 'demo-key'
DEMO_FLAVOR = 'm1.tiny'
DEMO_VOLUME_TYPE = 'replicated-async'
# The three-tier application of site A: server -> its network.
DEMO_SERVERS = {'web': 'demo-web', 'app': 'demo-app', 'db': 'demo-db'}
DEMO_SITE = 'site-a'


def demo_public_key(key_file):
    """The demo key pair's public key; the private key made once (0600)."""
    with open(key_file + '.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(key_file):
            key = ed25519.Ed25519PrivateKey.generate()
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                         0o600)
            with os.fdopen(fd, 'wb') as f:
                f.write(key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.OpenSSH,
                    serialization.NoEncryption()))
            with open(key_file + '.pub', 'wb') as f:
                f.write(key.public_key().public_bytes(
                    serialization.Encoding.OpenSSH,
                    serialization.PublicFormat.OpenSSH) + b' demo@lab\n')
    with open(key_file + '.pub') as f:
        return f.read().strip()


def demo_tenant(conn, site, key_file):
    """Networks, subnets, key pair; on site A the three-tier app."""
    net = conn.network
    networks = {}
    for name, cidr in DEMO_NETWORKS.items():
        network = net.find_network(name, ignore_missing=True)
        if network is None:
            network = net.create_network(name=name)
        networks[name] = network
        subnet = name + '-subnet'
        if net.find_subnet(subnet, ignore_missing=True) is None:
            net.create_subnet(name=subnet, network_id=network.id,
                              ip_version=4, cidr=cidr)
    if conn.compute.find_keypair(DEMO_KEYPAIR, ignore_missing=True) is None:
        conn.compute.create_keypair(name=DEMO_KEYPAIR,
                                    public_key=demo_public_key(key_file))
    if site != DEMO_SITE:
        return 'networks %s, key pair %s' % (', '.join(DEMO_NETWORKS),
                                             DEMO_KEYPAIR)
    with concurrent.futures.ThreadPoolExecutor(len(DEMO_SERVERS)) as pool:
        jobs = [pool.submit(_demo_server, conn, name, networks[network])
                for name, network in DEMO_SERVERS.items()]
        for job in jobs:
            job.result()
    return 'networks %s, key pair %s, servers %s' % (
        ', '.join(DEMO_NETWORKS), DEMO_KEYPAIR, ', '.join(DEMO_SERVERS))


def _demo_volume(conn, name, **kwargs):
    bs = conn.block_storage
    volume = bs.find_volume(name, ignore_missing=True)
    if volume is None:
        volume = bs.create_volume(name=name, size=1,
                                  volume_type=DEMO_VOLUME_TYPE, **kwargs)
    return bs.wait_for_status(volume, status='available',
                              failures=['error'], wait=300) \
        if volume.status not in ('available', 'in-use') else volume


def _demo_server(conn, name, network):
    """A server booted from a replicated volume, a data volume attached."""
    compute, bs = conn.compute, conn.block_storage
    server = compute.find_server(name, ignore_missing=True)
    if server is None:
        image = conn.image.find_image(IMAGE_NAME, ignore_missing=False)
        # Made from an image: bootable.
        boot = _demo_volume(conn, name + '-boot', image_id=image.id)
        flavor = compute.find_flavor(DEMO_FLAVOR, ignore_missing=False)
        server = compute.create_server(
            name=name, flavor_id=flavor.id, key_name=DEMO_KEYPAIR,
            networks=[{'uuid': network.id}],
            metadata={'tier': name, 'application': 'three-tier'},
            block_device_mapping=[{
                'boot_index': 0, 'uuid': boot.id, 'source_type': 'volume',
                'destination_type': 'volume',
                'delete_on_termination': False}])
    server = compute.wait_for_server(server, status='ACTIVE', wait=300)
    data = _demo_volume(conn, name + '-data')
    attached = [a['id'] for a in server.attached_volumes or []]
    if data.id not in attached:
        compute.create_volume_attachment(server, volume_id=data.id)
        bs.wait_for_status(data, status='in-use', failures=['error'],
                           wait=300)


def _wait_gone(get, items, what, timeout=180):
    deadline = time.monotonic() + timeout
    pending = list(items)
    while pending and time.monotonic() < deadline:
        pending = [i for i in pending if get(i.id) is not None]
        if pending:
            time.sleep(1)
    if pending:
        raise RuntimeError('%s not deleted after %ss: %s' % (
            what, timeout, ', '.join(i.id for i in pending)))


def reset(conn, volumes_dir):
    counts = {}
    compute, bs, net = conn.compute, conn.block_storage, conn.network

    servers = list(compute.servers(all_projects=True))
    for server in servers:
        compute.delete_server(server, force=True)
    _wait_gone(lambda i: compute.find_server(i, ignore_missing=True,
                                             all_projects=True),
               servers, 'servers')
    counts['servers'] = len(servers)

    try:
        groups = list(bs.groups(all_projects=True))
    except Exception:
        groups = []
    for group in groups:
        try:
            for gs in bs.group_snapshots(details=False, all_projects=True):
                bs.delete_group_snapshot(gs, ignore_missing=True)
        except Exception:
            pass
        bs.delete_group(group, delete_volumes=True)
    counts['groups'] = len(groups)

    snapshots = list(bs.snapshots(all_projects=True))
    for snap in snapshots:
        if snap.status not in ('available', 'error'):
            bs.reset_snapshot_status(snap, 'error')
        bs.delete_snapshot(snap, ignore_missing=True)
    _wait_gone(lambda i: bs.find_snapshot(i, ignore_missing=True,
                                          all_projects=True),
               snapshots, 'snapshots')
    counts['snapshots'] = len(snapshots)

    volumes = list(bs.volumes(all_projects=True))
    for vol in volumes:
        if vol.status not in ('available', 'error', 'error_managing',
                              'error_restoring', 'error_extending'):
            bs.reset_volume_status(vol, status='available',
                                   attach_status='detached',
                                   migration_status=None)
        for att in vol.attachments or []:
            try:
                bs.delete_attachment(att['attachment_id'])
            except Exception:
                pass
        bs.delete_volume(vol, force=True, ignore_missing=True)
    _wait_gone(lambda i: bs.find_volume(i, ignore_missing=True,
                                        all_projects=True),
               volumes, 'volumes', timeout=300)
    counts['volumes'] = len(volumes)

    for fip in net.ips():
        net.delete_ip(fip, ignore_missing=True)
    routers = list(net.routers())
    for router in routers:
        for port in net.ports(device_id=router.id):
            for ip in port.fixed_ips:
                net.remove_interface_from_router(router,
                                                 subnet_id=ip['subnet_id'])
        if router.external_gateway_info:
            net.remove_gateway_from_router(router)
        net.delete_router(router, ignore_missing=True)
    counts['routers'] = len(routers)
    ports = [p for p in net.ports()
             if not (p.device_owner or '').startswith('network:')]
    for port in ports:
        net.delete_port(port, ignore_missing=True)
    counts['ports'] = len(ports)
    networks = list(net.networks())
    for network in networks:
        net.delete_network(network, ignore_missing=True)
    counts['networks'] = len(networks)
    groups = [g for g in net.security_groups() if g.name != 'default']
    for sg in groups:
        net.delete_security_group(sg, ignore_missing=True)
    counts['security groups'] = len(groups)

    keypairs = 0
    for user in conn.identity.users():
        for kp in compute.keypairs(user_id=user.id):
            compute.delete_keypair(kp, user_id=user.id)
            keypairs += 1
    counts['key pairs'] = keypairs

    images = [i for i in conn.image.images()
              if LAB_TAG not in (i.tags or [])]
    for image in images:
        conn.image.delete_image(image, ignore_missing=True)
    counts['images'] = len(images)

    # Files of the backend that no Cinder volume owns any more (volumes
    # unmanaged, or made on the array side).
    owned = set()
    for vol in bs.volumes(all_projects=True):
        owned.add('volume-%s' % vol.id)
    removed = 0
    for name in os.listdir(volumes_dir):
        path = os.path.join(volumes_dir, name)
        if os.path.isfile(path) and not any(
                name == o or name.startswith(o + '.') for o in owned):
            os.unlink(path)
            removed += 1
    counts['backend files'] = removed
    return counts


def main(argv):
    command, site = argv[0], argv[1]
    if command == 'demo':
        print('%s: demo tenant: %s' % (site, demo_tenant(
            openstack.connect(cloud=site), site, argv[2])))
        return 0
    conn = openstack.connect(cloud=site + '-admin')
    if command == 'setup':
        setup(conn)
        print('%s: flavors, %s, volume types %s ready' % (
            site, IMAGE_NAME, ', '.join(VOLUME_TYPES)))
    elif command == 'reset':
        counts = reset(conn, argv[2])
        print('%s reset: deleted %s' % (site, ', '.join(
            '%d %s' % (n, what) for what, n in counts.items())))
    else:
        raise SystemExit('unknown command %s' % command)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
