"""Synchronous replication with ActiveCluster pods.

A pod's volumes are named ``<pod>::<volume>``; stretching the pod to a
connected array makes that array hold the same volumes, kept identical.
Promotion and demotion apply to a pod on one array (REST 1.19).
"""

from oslo_log import log as logging

from protector.common import driver_errors as errors
from protector.drivers.storage import base

LOG = logging.getLogger(__name__)

SYNC_REST_VERSION = '1.13'
PROMOTION_REST_VERSION = '1.19'


def _has(exc, phrase):
    return phrase in (exc.detail or '').lower()


class PodMixin(object):
    """Pods (needs ``_call`` and ``_conn``)."""

    def _pod_volumes(self, array, name):
        volumes = self._call(array, 'pod %s' % name, 'list the volumes of',
                             'list_volumes')
        prefix = name + '::'
        return sorted(v['name'] for v in volumes
                      if v['name'].startswith(prefix))

    def ensure_pod(self, source, target, name, volumes):
        source, target = base.array_ref(source), base.array_ref(target)
        resource = 'pod %s' % name
        tgt = self._conn.session(target)
        try:
            self._call(source, resource, 'create', 'create_pod', name,
                       idempotent=False)
            LOG.info('Array %(array)s: pod %(pod)s created',
                     {'array': source.url, 'pod': name})
        except errors.ArrayConflict as exc:
            if _has(exc, 'has been destroyed'):
                self._call(source, resource, 'recover', 'recover_pod', name)
            elif not _has(exc, 'already exists'):
                raise
        present = set(self._pod_volumes(source, name))
        moved = {}
        for volume in volumes:
            in_pod = '%s::%s' % (name, volume.split('::')[-1])
            if in_pod not in present:
                self._call(source, 'volume %s' % volume,
                           'move into pod %s' % name, 'move_volume',
                           volume, name)
            moved[volume] = in_pod
        pod = self._call(source, resource, 'read', 'get_pod', name)
        if tgt.name not in [a['name'] for a in pod.get('arrays') or []]:
            try:
                self._call(source, resource, 'stretch to %s' % tgt.name,
                           'add_pod', name, tgt.name)
                LOG.info('Array %(array)s: pod %(pod)s stretched to '
                         '%(target)s', {'array': source.url, 'pod': name,
                                        'target': tgt.name})
            except errors.ArrayConflict as exc:
                if not _has(exc, 'already exists'):
                    raise
        return {'name': name, 'volumes': moved,
                'status': self.pod_status(source, name)}

    def pod_status(self, array, name):
        array = base.array_ref(array)
        pod = self._read(array, 'pod %s' % name, 'get_pod', name)
        arrays = [{'name': a['name'], 'status': a.get('status')}
                  for a in pod.get('arrays') or []]
        return {'name': name, 'arrays': arrays,
                'promotion_status': pod.get('promotion_status'),
                'volumes': self._pod_volumes(array, name),
                'healthy': bool(arrays) and all(
                    a['status'] == 'online' for a in arrays)}

    def unstretch_pod(self, array, name, force=False):
        array = base.array_ref(array)
        here = self._conn.session(array).name
        pod = self._call(array, 'pod %s' % name, 'read', 'get_pod', name)
        for member in pod.get('arrays') or []:
            if member['name'] == here:
                continue
            kwargs = {'with_unknown': True} if force else {}
            self._call(array, 'pod %s' % name,
                       'remove array %s from' % member['name'],
                       'remove_pod', name, member['name'], **kwargs)
            LOG.info('Array %(array)s: pod %(pod)s no longer on %(other)s',
                     {'array': array.url, 'pod': name,
                      'other': member['name']})
        return self.pod_status(array, name)

    def promote_pod(self, array, name):
        array = base.array_ref(array)
        self._call(array, 'pod %s' % name, 'promote', 'promote_pod', name)
        return self.pod_status(array, name)

    def demote_pod(self, array, name):
        array = base.array_ref(array)
        self._call(array, 'pod %s' % name, 'demote', 'demote_pod', name)
        return self.pod_status(array, name)

    def clone_volumes(self, array, names, overwrite=False):
        array = base.array_ref(array)
        for source_volume, new_name in names.items():
            self._call(array, 'volume %s' % new_name,
                       'copy %s into' % source_volume, 'copy_volume',
                       source_volume, new_name, overwrite=bool(overwrite),
                       idempotent=bool(overwrite))
        LOG.info('Array %(array)s: %(count)d volume(s) cloned',
                 {'array': array.url, 'count': len(names)})
        return dict(names)
