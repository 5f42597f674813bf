"""Pods of the fake storage driver: a pod stretched to a second array
shares its volumes' bytes with it, so both copies are always equal."""

from protector.common import driver_errors as errors


def pod_arrays(found, name):
    """``[{'name', 'status'}]`` of pod ``name`` as array ``found`` sees it.

    An array off the network is ``offline``.
    """
    arrays = []
    for member in found.pod(name, 'read')['arrays']:
        online = found.world.array_named(member).reachable()
        arrays.append({'name': member,
                       'status': 'online' if online else 'offline'})
    return arrays


def healthy(arrays):
    return all(a['status'] == 'online' for a in arrays)


class FakePodMixin(object):
    """Needs ``_do`` (see fake.FakeStorageDriver).

    An array object is valid in the request (transaction) that gave it.
    """

    def ensure_pod(self, source, target, name, volumes):
        target_name = self._do(target, 'array %s' % target[0], 'log in to',
                               lambda a: a.name)

        def ensure(src):
            tgt = src.world.array_named(target_name)
            if '::' in name:
                raise src.error(errors.ArrayBadRequest, 'pod %s' % name,
                                'create', 'Pod name is invalid.')
            src.check_name('Pod', name)
            pod = src.pods.get(name)
            if pod is None:
                pod = src.pods[name] = {'arrays': [src.name],
                                        'promotion': 'promoted'}
            moved = {}
            for volume in volumes:
                in_pod = '%s::%s' % (name, volume.split('::')[-1])
                if in_pod not in src.volumes:
                    data = src.volume(volume, 'move into pod %s' % name)
                    del src.volumes[volume]
                    src.volumes[in_pod] = data
                    for other in src.pod_peers(name):
                        other.volumes[in_pod] = data
                moved[volume] = in_pod
            if tgt.name not in pod['arrays']:
                if tgt.name not in src.connections:
                    raise src.error(errors.ArrayConflict,
                                    'array %s' % tgt.name,
                                    'stretch pod %s to' % name,
                                    'Array %s is not connected.' % tgt.name)
                if tgt.pods.get(name) is not None:
                    raise tgt.error(errors.ArrayConflict, 'pod %s' % name,
                                    'stretch', 'Pod already exists.')
                pod['arrays'].append(tgt.name)
                tgt.pods[name] = pod
                prefix = name + '::'
                for volume, data in src.volumes.items():
                    if volume.startswith(prefix):
                        tgt.volumes[volume] = data
            return moved
        moved = self._do(source, 'pod %s' % name, 'ensure', ensure)
        return {'name': name, 'volumes': moved,
                'status': self.pod_status(source, name)}

    def pod_status(self, array, name):
        def status(found):
            arrays = pod_arrays(found, name)
            prefix = name + '::'
            return {'name': name, 'arrays': arrays,
                    'promotion_status': found.pod(name)['promotion'],
                    'volumes': sorted(v for v in found.volumes
                                      if v.startswith(prefix)),
                    'healthy': healthy(arrays)}
        return self._do(array, 'pod %s' % name, 'read', status)

    def unstretch_pod(self, array, name, force=False):
        def unstretch(found):
            pod = found.pod(name, 'unstretch')
            prefix = name + '::'
            for member in [m for m in pod['arrays'] if m != found.name]:
                other = found.world.array_named(member)
                if not other.reachable() and not force:
                    raise found.error(
                        errors.ArrayConflict, 'pod %s' % name,
                        'remove array %s from' % member,
                        'Unable to reach array %s; use with_unknown to '
                        'remove it anyway.' % member)
                other.pods.pop(name, None)
                for volume in [v for v in other.volumes
                               if v.startswith(prefix)]:
                    other.destroyed[volume] = bytearray(
                        other.volumes.pop(volume))
            found.pods[name] = {'arrays': [found.name],
                                'promotion': pod['promotion']}
        self._do(array, 'pod %s' % name, 'unstretch', unstretch)
        return self.pod_status(array, name)

    def _promotion(self, array, name, state):
        def change(found):
            pod = found.pod(name, state[:-1])
            if len(pod['arrays']) > 1:
                raise found.error(
                    errors.ArrayConflict, 'pod %s' % name, state[:-1],
                    'Pod %s is stretched; only a pod on one array can be '
                    'promoted or demoted.' % name)
            pod['promotion'] = state
        self._do(array, 'pod %s' % name, state[:-1], change)
        return self.pod_status(array, name)

    def promote_pod(self, array, name):
        return self._promotion(array, name, 'promoted')

    def demote_pod(self, array, name):
        return self._promotion(array, name, 'demoted')

    def clone_volumes(self, array, names, overwrite=False):
        def clone(found):
            for source_volume, new_name in names.items():
                data = found.volume(source_volume, 'copy %s' % new_name)
                found.create_volume(new_name, bytes(data),
                                    overwrite=overwrite)
            return dict(names)
        return self._do(array, 'volumes %s' % ', '.join(sorted(names)),
                        'clone', clone)
