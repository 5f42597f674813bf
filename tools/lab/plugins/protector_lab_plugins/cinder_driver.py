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

"""The Cinder backend of the lab: volumes are plain files (lab fixture).

Cinder has no usable built-in driver on the lab machine (no device-mapper,
so no LVM; the fake driver cannot manage and reports no replication; the
NFS driver has no manage_existing_get_size).  This driver is Cinder's NFS
driver plus Cinder's own RemoteFS manageable-volumes mixin, reporting the
replication capabilities the lab's volume types ask for.  The "NFS share"
is a local directory that the lab bind-mounts where the driver expects its
mount (os-brick does not mount a path that already is a mount point), so a
volume is the file ``<share>/volume-<id>``: the very file the site's
FlashArray emulator serves.

Manage accepts the reference the mixin documents (``source-name`` =
``<share>/<file>``, as listed by ``cinder manageable-list``) and, for
convenience, a bare file name in the share (``source-name=<file>``).
Only the files at the top of the share are volumes: the array emulator
keeps its snapshots, transfers and destroyed volumes in dot-directories
there.
"""

import os

from cinder.objects import fields
from cinder.volume.drivers import nfs
from cinder.volume.drivers import remotefs
from cinder.volume import volume_utils
from oslo_log import log as logging

LOG = logging.getLogger(__name__)
VERSION = '1.0.0'


class LabFileDriver(remotefs.RemoteFSManageableVolumesMixin,
                    nfs.NfsDriver):
    """NFS driver over a local directory, with manage and replication."""

    VERSION = VERSION
    vendor_name = 'Protector lab'
    # Report the capabilities the lab's replicated volume types ask for
    # (replication_enabled='<is> True', replication_type='<in> async' or
    # '<in> sync').  Replication itself is the array emulator's business.
    REPLICATION_TYPES = ['async', 'sync']

    def _update_volume_stats(self):
        super()._update_volume_stats()
        self._stats.update({
            'vendor_name': self.vendor_name,
            'driver_version': self.VERSION,
            'replication_enabled': True,
            'replication_type': list(self.REPLICATION_TYPES),
            'replication_count': 1,
            'multiattach': False,
        })

    @staticmethod
    def _with_replication_status(volume, model_update):
        """Say, as the Pure driver does, whether the volume replicates."""
        vtype = volume.volume_type
        specs = vtype.extra_specs if vtype else None
        model_update = dict(model_update or {})
        model_update['replication_status'] = (
            fields.ReplicationStatus.ENABLED
            if volume_utils.is_replicated_spec(specs)
            else fields.ReplicationStatus.DISABLED)
        return model_update

    def create_volume(self, volume):
        return self._with_replication_status(
            volume, super().create_volume(volume))

    def create_volume_from_snapshot(self, volume, snapshot):
        return self._with_replication_status(
            volume, super().create_volume_from_snapshot(volume, snapshot))

    def create_cloned_volume(self, volume, src_vref):
        return self._with_replication_status(
            volume, super().create_cloned_volume(volume, src_vref))

    def manage_existing(self, volume, existing_ref):
        update = self._with_replication_status(
            volume, super().manage_existing(volume, existing_ref))
        # Cinder's manage flow leaves shared_targets unknown (None), which
        # makes os-brick on the compute side lock for every attach.
        update['shared_targets'] = False
        return update

    def _get_manageable_vol_location(self, existing_ref):
        name = existing_ref.get('source-name') if existing_ref else None
        if (name and os.path.sep not in name and ':' not in name
                and self._mounted_shares):
            # A bare file name: look for it in the (single) share.
            for share in self._mounted_shares:
                mountpoint = self._get_mount_point_for_share(share)
                if os.path.isfile(os.path.join(mountpoint, name)):
                    existing_ref = dict(existing_ref)
                    existing_ref['source-name'] = '%s/%s' % (
                        share.rstrip('/'), name)
                    break
        return super()._get_manageable_vol_location(existing_ref)

    def _get_share_manageable_volumes(self, share, managed_volumes):
        """The files at the top of the share (the mixin walks the tree).

        The array's snapshots (``.snapshots/``) are not volumes, and
        ``qemu-img info`` on each of them made the listing outlast its
        clients' timeouts.
        """
        found = []
        mount_path = self._get_mount_point_for_share(share)
        for name in sorted(os.listdir(mount_path)):
            path = os.path.join(mount_path, name)
            if name.startswith('.') or not os.path.isfile(path):
                continue
            try:
                found.append(self._get_manageable_volume(
                    share, path,
                    managed_volumes.get(os.path.splitext(name)[0])))
            except Exception as exc:
                LOG.error("Failed to get manageable volume info: "
                          "'%(path)s'. Exception: %(exc)s.",
                          {'path': path, 'exc': exc})
        return found
