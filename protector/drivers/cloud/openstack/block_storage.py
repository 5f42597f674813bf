"""Cinder: volumes, volume types, generic volume groups, manage/unmanage.

Cinder's manage and unmanage, volume type extra specs and group types are
for administrators; they go through the service user's own session.
Everything else uses a session scoped to the tenant project.  ``manage``
creates the volume in the service user's project; protector moves it at
once into the tenant project with a volume transfer (created by the service
user, accepted inside the tenant project), so no tenant volume is ever
created or read with more than the project's own rights.  ``unmanage``
first reads the volume inside the tenant project, so that a volume of
another project is never touched.
"""

from openstack import exceptions as sdk_exc
from oslo_config import cfg
from oslo_log import log as logging

from protector.common import coordination
from protector.common import driver_errors as errors
from protector.drivers.cloud.openstack import common

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

VOLUME_FAILED = ('ERROR', 'ERROR_DELETING', 'ERROR_MANAGING',
                 'ERROR_MANAGING_DELETING', 'ERROR_EXTENDING',
                 'ERROR_RESTORING')
GROUP_FAILED = ('ERROR', 'ERROR_DELETING')
CONSISTENT = 'consistent_group_snapshot_enabled'
# Cinder answers 202 without a body to a group update; the sdk's update
# expects one, so this call is made directly (microversion 3.13+).
GROUP_UPDATE_VERSION = '3.13'
MANAGEABLE_VERSION = '3.8'
# Cinder takes the volumes of a group update as one comma-separated
# string of at most 255 characters: six volume ids per call.
GROUP_UPDATE_MAX_CHARS = 255


def _chunks(ids, limit):
    """``ids`` joined by commas, in strings of at most ``limit``."""
    chunks, current = [], ''
    for ident in ids:
        joined = '%s,%s' % (current, ident) if current else ident
        if current and len(joined) > limit:
            chunks.append(current)
            joined = ident
        current = joined
    if current:
        chunks.append(current)
    return chunks


def volume_dict(volume):
    return {'id': volume.id, 'name': volume.name, 'status': volume.status,
            'size': volume.size, 'volume_type': volume.volume_type,
            'bootable': bool(volume.is_bootable),
            'availability_zone': volume.availability_zone,
            'group_id': volume.group_id,
            'attachments': [{'server_id': a.get('server_id'),
                             'device': a.get('device'),
                             'attachment_id': a.get('attachment_id')}
                            for a in volume.attachments or []],
            'image_metadata': dict(volume.volume_image_metadata or {})}


def group_dict(group):
    return {'id': group.id, 'name': group.name, 'status': group.status,
            'group_type': group.group_type,
            'volume_types': list(group.volume_types or []),
            'volume_ids': list(group.volumes or [])}


def _spec_true(value):
    return str(value or '').replace('<is>', '').strip().lower() == 'true'


def _replication_type(value):
    """'<in> sync' -> 'sync'; Pure's Cinder driver defaults to async."""
    words = str(value or '').replace('<in>', '').split()
    return words[-1].lower() if words else 'async'


class BlockStorageMixin(object):

    def _vol(self, project_id, action, ident, func, **kwargs):
        return self.pcall(project_id, action, common.describe(
            'volume', ident, project_id), func, **kwargs)

    # Volume types

    def _volume_types(self):
        return self.acall('list volume types', 'volume types',
                          lambda c: list(c.block_storage.types()))

    def list_replicated_volume_types(self):
        found = []
        for vtype in self._volume_types():
            specs = vtype.extra_specs or {}
            if not _spec_true(specs.get('replication_enabled')):
                continue
            found.append({
                'id': vtype.id, 'name': vtype.name,
                'replication_type': _replication_type(
                    specs.get('replication_type')),
                'backend': specs.get('volume_backend_name')})
        return found

    def _backend_host(self, volume_type):
        """``host@backend#pool`` of the backend serving ``volume_type``."""
        vtype = next((t for t in self._volume_types()
                      if volume_type in (t.id, t.name)), None)
        resource = common.describe('volume type', volume_type)
        if vtype is None:
            raise errors.CloudNotFound(site=self.site.name,
                                       resource=resource,
                                       action='find the backend of',
                                       detail='no such volume type')
        backend = (vtype.extra_specs or {}).get('volume_backend_name')
        pools = self.acall('list storage pools', 'storage pools',
                           lambda c: list(c.block_storage.backend_pools()))
        if backend is None and len(pools) == 1:
            return pools[0].name
        if backend is None:
            raise errors.CloudBadRequest(
                site=self.site.name, resource=resource,
                action='find the backend of',
                detail='the type has no volume_backend_name extra spec and '
                       'the site has %d pools; set it so that protector '
                       'knows where to manage volumes' % len(pools))
        for pool in pools:
            capabilities = pool.capabilities or {}
            if capabilities.get('volume_backend_name') == backend:
                return pool.name
        raise errors.CloudNotFound(
            site=self.site.name, resource=resource,
            action='find the backend of',
            detail="no Cinder pool reports volume_backend_name '%s'"
                   % backend)

    # Volumes

    def get_volume(self, project_id, volume_id):
        return self._vol(project_id, 'read volume', volume_id,
                         lambda c: volume_dict(
                             c.block_storage.get_volume(volume_id)))

    def list_volumes(self, project_id, name=None):
        query = {'name': name} if name is not None else {}
        return self.pcall(project_id, 'list volumes', common.describe(
            'volumes', None, project_id),
            lambda c: [volume_dict(v)
                       for v in c.block_storage.volumes(**query)])

    def create_volume(self, project_id, size, name=None, volume_type=None,
                      image_id=None, availability_zone=None):
        attrs = {'size': size}
        for key, value in (('name', name), ('volume_type', volume_type),
                           ('image_id', image_id),
                           ('availability_zone', availability_zone)):
            if value:
                attrs[key] = value
        volume = self._vol(project_id, 'create volume', name or '',
                           lambda c: volume_dict(
                               c.block_storage.create_volume(**attrs)),
                           idempotent=False)
        LOG.info('Site %(site)s: creating volume %(id)s in project '
                 '%(project)s', {'site': self.site.name, 'id': volume['id'],
                                 'project': project_id})
        return volume

    def set_volume_bootable(self, project_id, volume_id, bootable=True):
        self._vol(project_id, 'set the bootable flag of', volume_id,
                  lambda c: c.block_storage.set_volume_bootable_status(
                      volume_id, bool(bootable)))

    def set_volume_image_metadata(self, project_id, volume_id, metadata):
        self._vol(project_id, 'set image metadata of', volume_id,
                  lambda c: c.block_storage.set_volume_image_metadata(
                      volume_id, **metadata))

    def delete_volume(self, project_id, volume_id):
        self._vol(project_id, 'delete volume', volume_id,
                  lambda c: c.block_storage.delete_volume(
                      volume_id, ignore_missing=True))

    def wait_for_volume(self, project_id, volume_id, status, timeout=None):
        resource = common.describe('volume', volume_id, project_id)

        def fetch():
            return common.absent(lambda: self.get_volume(project_id,
                                                         volume_id))
        return self.wait('wait for volume %s' % status.upper(), resource,
                         fetch, status, timeout, failed=VOLUME_FAILED)

    def list_volume_attachments(self, project_id, volume_id):
        return self.get_volume(project_id, volume_id)['attachments']

    # Generic volume groups

    def ensure_group_type(self):
        name = CONF.openstack_cloud.group_type

        def run(conn):
            for group_type in conn.block_storage.group_types():
                if group_type.name == name:
                    return group_type
            group_type = conn.block_storage.create_group_type(
                name=name, is_public=True,
                description='Consistent group snapshots (protector)',
                group_specs={CONSISTENT: '<is> True'})
            LOG.info('Site %(site)s: created group type %(name)s',
                     {'site': self.site.name, 'name': name})
            return group_type
        group_type = self.acall('ensure group type', common.describe(
            'group type', name), run, idempotent=False)
        return {'id': group_type.id, 'name': group_type.name}

    def _group(self, project_id, action, group_id, func, **kwargs):
        return self.pcall(project_id, action, common.describe(
            'volume group', group_id, project_id), func, **kwargs)

    def _wait_group(self, project_id, group_id, status, timeout, action):
        def fetch():
            return common.absent(lambda: self.get_volume_group(project_id,
                                                               group_id))
        return self.wait(action, common.describe(
            'volume group', group_id, project_id), fetch, status, timeout,
            failed=GROUP_FAILED)

    def create_volume_group(self, project_id, name, volume_types,
                            group_type=None, timeout=None):
        if group_type is None:
            group_type = self.ensure_group_type()['id']
        group = self._group(project_id, 'create volume group', name,
                            lambda c: c.block_storage.create_group(
                                name=name, group_type=group_type,
                                volume_types=list(volume_types)),
                            idempotent=False)
        LOG.info('Site %(site)s: creating volume group %(id)s (%(name)s) in '
                 'project %(project)s', {'site': self.site.name,
                                         'id': group.id, 'name': name,
                                         'project': project_id})
        return self._wait_group(project_id, group.id, 'available', timeout,
                                'create volume group')

    def get_volume_group(self, project_id, group_id):
        return self._group(project_id, 'read volume group', group_id,
                           lambda c: group_dict(c.block_storage.get_group(
                               group_id, list_volume=True)))

    def _update_group(self, project_id, group_id, key, volume_ids, timeout,
                      action):
        group = None
        for chunk in _chunks(volume_ids, GROUP_UPDATE_MAX_CHARS):
            def run(conn, chunk=chunk):
                response = conn.block_storage.put(
                    '/groups/%s' % group_id,
                    json={'group': {key: chunk}},
                    microversion=GROUP_UPDATE_VERSION)
                sdk_exc.raise_from_response(response)
            self._group(project_id, action, group_id, run)
            LOG.info('Site %(site)s: %(action)s %(group)s: %(volumes)s',
                     {'site': self.site.name, 'action': action,
                      'group': group_id, 'volumes': chunk})
            group = self._wait_group(project_id, group_id, 'available',
                                     timeout, action)
        return group

    def add_volumes_to_group(self, project_id, group_id, volume_ids,
                             timeout=None):
        # Cinder refuses a change to a group while the last one is under
        # way ("Group status must be available"): one at a time.
        with coordination.get().lock('volume group', self.site.name, group_id):
            group = self.get_volume_group(project_id, group_id)
            missing = [v for v in volume_ids if v not in group['volume_ids']]
            if not missing:
                return group
            return self._update_group(project_id, group_id, 'add_volumes',
                                      missing, timeout,
                                      'add volumes to group')

    def remove_volumes_from_group(self, project_id, group_id, volume_ids,
                                  timeout=None):
        # Cinder refuses a change to a group while the last one is under
        # way ("Group status must be available"): one at a time.
        with coordination.get().lock('volume group', self.site.name, group_id):
            group = self.get_volume_group(project_id, group_id)
            present = [v for v in volume_ids if v in group['volume_ids']]
            if not present:
                return group
            return self._update_group(project_id, group_id,
                                      'remove_volumes', present, timeout,
                                      'remove volumes from group')

    def delete_volume_group(self, project_id, group_id, timeout=None):
        group = common.absent(lambda: self.get_volume_group(project_id,
                                                            group_id))
        if group is None:
            return
        if group['volume_ids']:
            self.remove_volumes_from_group(project_id, group_id,
                                           group['volume_ids'], timeout)
        self._group(project_id, 'delete volume group', group_id,
                    lambda c: c.block_storage.delete_group(
                        group_id, delete_volumes=False,
                        ignore_missing=True))
        self._wait_group(project_id, group_id, 'DELETED', timeout,
                         'delete volume group')

    # Manage and unmanage

    def _reference(self, reference):
        if isinstance(reference, dict):
            return dict(reference)
        opts = CONF.openstack_cloud
        key = opts.site_manage_reference_keys.get(
            self.site.name, opts.manage_reference_key)
        return {key: reference}

    def list_manageable_volumes(self, volume_type):
        host = self._backend_host(volume_type)

        def run(conn):
            # The sdk lists these without a microversion, and Cinder has
            # them only from 3.8 on.
            response = conn.block_storage.get(
                '/manageable_volumes/detail', params={'host': host},
                microversion=MANAGEABLE_VERSION)
            sdk_exc.raise_from_response(response)
            return response.json().get('manageable-volumes', [])
        found = self.acall('list manageable volumes',
                           common.describe('backend', host), run)
        return [{'reference': m.get('reference'), 'size': m.get('size'),
                 'safe_to_manage': bool(m.get('safe_to_manage')),
                 'reason_not_safe': m.get('reason_not_safe'),
                 'cinder_id': m.get('cinder_id')} for m in found]

    def manage_volume(self, project_id, reference, volume_type, name=None,
                      bootable=False, timeout=None):
        reference = self._reference(reference)
        resource = common.describe('backend volume %s' % (
            ', '.join('%s=%s' % kv for kv in sorted(reference.items()))),
            None, project_id)
        volume_id = self._adoption_begun(name, resource) if name else None
        if volume_id is None:
            host = self._backend_host(volume_type)
            volume_id = self.acall('manage', resource,
                                   lambda c: c.block_storage.manage_volume(
                                       host=host, ref=reference, name=name,
                                       volume_type=volume_type,
                                       bootable=bool(bootable)),
                                   idempotent=False).id
            LOG.info('Site %(site)s: managing %(resource)s as volume '
                     '%(id)s', {'site': self.site.name,
                                'resource': resource, 'id': volume_id})

        def fetch():
            return common.absent(lambda: self.acall(
                'read volume', resource, lambda c: volume_dict(
                    c.block_storage.get_volume(volume_id))))
        self.wait('manage', resource, fetch, 'available', timeout,
                  failed=VOLUME_FAILED)
        if self.service_project_id() != project_id:
            self._transfer(project_id, volume_id)
        return self.wait_for_volume(project_id, volume_id, 'available',
                                    timeout)

    def _adoption_begun(self, name, resource):
        """The volume ``name`` an earlier adoption left in our project.

        A process that died while adopting (an engine killed in the middle
        of a failover) leaves the volume in the service project: being
        managed, available, or offered for transfer.  Its adoption goes on
        from there: managing the backend object again would make a second
        volume of it.
        """
        found = self._left_in_our_project(name, resource)
        if not found:
            return None
        LOG.info('Site %(site)s: %(resource)s is volume %(id)s already: '
                 'going on with its adoption', {
                     'site': self.site.name, 'resource': resource,
                     'id': found[0]})
        return found[0]

    def discard_adoption(self, name, timeout=None):
        resource = common.describe('volume', name, self.service_project_id())
        for volume_id in self._left_in_our_project(name, resource):
            self.acall('delete volume', resource,
                       lambda c, v=volume_id: c.block_storage.delete_volume(
                           v, ignore_missing=True))

            def fetch(volume_id=volume_id):
                return common.absent(lambda: self.acall(
                    'read volume', resource, lambda c: volume_dict(
                        c.block_storage.get_volume(volume_id))))
            self.wait('delete', resource, fetch, 'DELETED', timeout,
                      failed=VOLUME_FAILED)
            LOG.info('Site %(site)s: deleted volume %(id)s that an '
                     'unfinished adoption of %(name)s left behind',
                     {'site': self.site.name, 'id': volume_id, 'name': name})

    def _left_in_our_project(self, name, resource):
        """Ids of the service project's volumes named ``name``.

        A transfer offered for one of them is withdrawn: it is offered
        again, or the volume deleted.
        """
        found = self.acall('list volumes named %s' % name, resource,
                           lambda c: [(v.id, v.status) for v in
                                      c.block_storage.volumes(name=name)])
        offered = [volume_id for volume_id, status in found
                   if status == 'awaiting-transfer']
        if offered:
            transfers = self.acall(
                'list the transfers of', resource,
                lambda c: [t.id for t in c.block_storage.transfers()
                           if t.volume_id in offered])
            for transfer_id in transfers:
                common.absent(lambda t=transfer_id: self.acall(
                    'withdraw the transfer of', resource,
                    lambda c: c.block_storage.delete_transfer(t)))
        return [volume_id for volume_id, _status in found]

    def _transfer(self, project_id, volume_id):
        """Move a volume of the service project into ``project_id``."""
        resource = common.describe('volume', volume_id, project_id)
        transfer = self.acall('offer', resource,
                              lambda c: c.block_storage.create_transfer(
                                  volume_id=volume_id,
                                  name='protector-%s' % project_id),
                              idempotent=False)
        try:
            self.pcall(project_id, 'accept the transfer of', resource,
                       lambda c: c.block_storage.accept_transfer(
                           transfer.id, auth_key=transfer.auth_key),
                       idempotent=False)
        except errors.DriverError:
            common.absent(lambda: self.acall(
                'withdraw the transfer of', resource,
                lambda c: c.block_storage.delete_transfer(transfer.id)))
            raise
        LOG.info('Site %(site)s: volume %(volume)s moved into project '
                 '%(project)s', {'site': self.site.name,
                                 'volume': volume_id, 'project': project_id})

    def unmanage_volume(self, project_id, volume_id, timeout=None):
        if common.absent(lambda: self.get_volume(project_id,
                                                 volume_id)) is None:
            return
        self.acall('unmanage', common.describe('volume', volume_id,
                                               project_id),
                   lambda c: c.block_storage.unmanage_volume(volume_id))
        LOG.info('Site %(site)s: unmanaging volume %(volume)s of project '
                 '%(project)s', {'site': self.site.name,
                                 'volume': volume_id, 'project': project_id})
        self.wait_for_volume(project_id, volume_id, 'DELETED', timeout)
