"""What ``site validate`` and policy creation check on the arrays."""

from protector.common import driver_errors as errors
from protector.drivers.storage import base
from protector.drivers.storage.pure import pods
from protector.drivers.storage.pure import replication

SYNC_TYPE = 'sync-replication'


def _version(text):
    return tuple(int(p) for p in text.split('.'))


class CheckMixin(object):
    """Checks (needs ``_conn`` and ``_call``)."""

    def _login_check(self, array):
        """(session or None, check)."""
        try:
            session = self._conn.session(array, retry=False)
        except errors.StorageError as exc:
            return None, base.check('array', 'failed', str(exc))
        return session, base.check(
            'array', 'passed', 'array %s (Purity %s, REST %s) at %s accepts '
            'the token' % (session.name, session.purity_version,
                           session.rest_version, array.url))

    def _connection(self, array, session, peer):
        """(check, types) of ``array``'s connection to ``peer``."""
        try:
            connections = self._call(array, 'array connections', 'list',
                                     'list_array_connections')
        except errors.StorageError as exc:
            return base.check('array_connection', 'failed', str(exc)), []
        for conn in connections:
            if conn.get('array_name') != peer.name:
                continue
            types = list(conn.get('type') or ['replication'])
            if not conn.get('connected', True):
                return base.check(
                    'array_connection', 'failed',
                    'array %s lists %s but the link is down; check the '
                    'replication network between them'
                    % (session.name, peer.name)), types
            return base.check(
                'array_connection', 'passed',
                'array %s is connected to %s (%s)'
                % (session.name, peer.name, ', '.join(types))), types
        return base.check(
            'array_connection', 'failed',
            'array %s is not connected to %s; connect them (on %s: '
            '"purearray connect --management-address <address of %s> '
            '--type replication", with the connection key of %s)'
            % (session.name, peer.name, session.name, peer.name,
               peer.name)), []

    def check_array(self, url, api_token, peer=None):
        array = base.ArrayRef(url, api_token)
        session, result = self._login_check(array)
        if session is None or peer is None:
            return result
        peer = base.array_ref(peer)
        try:
            peer_session = self._conn.session(peer, retry=False)
        except errors.StorageError as exc:
            return base.check('array', 'failed',
                              '%s; its peer: %s' % (result['detail'], exc))
        link, _ = self._connection(array, session, peer_session)
        if link['result'] != 'passed':
            return base.check('array', 'failed', link['detail'])
        return base.check('array', 'passed', '%s; %s' % (result['detail'],
                                                         link['detail']))

    def check_replication(self, source, target, group=None,
                          replication_type='async'):
        source, target = base.array_ref(source), base.array_ref(target)
        src, check = self._login_check(source)
        checks = [check]
        tgt, check = self._login_check(target)
        checks.append(check)
        if src is None or tgt is None:
            checks.append(base.check(
                'array_connection', 'skipped',
                'not run: an array did not accept the login'))
            return checks
        needed = (pods.PROMOTION_REST_VERSION if replication_type == 'sync'
                  else replication.ASYNC_REST_VERSION)
        for session, array in ((src, source), (tgt, target)):
            if _version(session.rest_version) < _version(needed):
                checks.append(base.check(
                    'rest_version', 'failed',
                    'array %s speaks REST %s; %s replication needs %s or '
                    'newer (upgrade Purity)' % (
                        session.name, session.rest_version,
                        replication_type, needed)))
            else:
                checks.append(base.check(
                    'rest_version', 'passed', 'array %s speaks REST %s' % (
                        session.name, session.rest_version)))
        for array, here, there in ((source, src, tgt), (target, tgt, src)):
            link, types = self._connection(array, here, there)
            checks.append(link)
            if (replication_type == 'sync' and link['result'] == 'passed'
                    and SYNC_TYPE not in types):
                checks.append(base.check(
                    'array_connection', 'failed',
                    'the connection of %s to %s is not of type %s, which '
                    'ActiveCluster pods need' % (here.name, there.name,
                                                 SYNC_TYPE)))
        if group is not None:
            if replication_type == 'sync':
                checks.append(self._pod_check(source, tgt, group))
            else:
                checks.append(self._group_check(source, tgt, group))
        return checks

    def _group_check(self, source, tgt, group):
        try:
            described = self.get_replication_group(source, group)
        except errors.ArrayNotFound:
            return base.check(
                'replication_group', 'skipped',
                'protection group %s does not exist on %s yet; protector '
                'creates it with the replication policy' % (group,
                                                            source.url))
        except errors.StorageError as exc:
            return base.check('replication_group', 'failed', str(exc))
        targets = {t['name']: t['allowed'] for t in described['targets']}
        if tgt.name not in targets:
            return base.check(
                'replication_group', 'failed',
                'protection group %s does not replicate to %s; run '
                "'openstack protector protection-group policy-set' to set "
                'it up again' % (group, tgt.name))
        if not targets[tgt.name]:
            return base.check(
                'replication_group', 'failed',
                'array %s has not allowed protection group %s:%s; allow '
                'it there ("purepgroup allow %s:%s")' % (
                    tgt.name, described['source_array'], group,
                    described['source_array'], group))
        return base.check(
            'replication_group', 'passed',
            'protection group %s replicates %d volume(s) to %s every %s s'
            '%s' % (group, len(described['volumes']), tgt.name,
                    described['interval_seconds'],
                    '' if described['replication_enabled']
                    else ' (schedule disabled)'))

    def _pod_check(self, source, tgt, name):
        try:
            status = self.pod_status(source, name)
        except errors.ArrayNotFound:
            return base.check('pod', 'skipped',
                              'pod %s does not exist on %s yet' % (
                                  name, source.url))
        except errors.StorageError as exc:
            return base.check('pod', 'failed', str(exc))
        members = {a['name']: a['status'] for a in status['arrays']}
        if tgt.name not in members:
            return base.check('pod', 'failed',
                              'pod %s is not stretched to %s' % (
                                  name, tgt.name))
        if not status['healthy']:
            return base.check('pod', 'failed', 'pod %s is not in sync: %s'
                              % (name, ', '.join(
                                  '%s %s' % i for i in members.items())))
        return base.check('pod', 'passed', 'pod %s is online on %s' % (
            name, ', '.join(sorted(members))))
