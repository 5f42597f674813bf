"""Fakes at the boundaries of the engine: the peer site and Keystone.

``FakePeer`` stands for the peer site's protector-api as
``protector.engine.peer.PeerClient`` reaches it: it keeps the peer's copy
of each protection group (the metadata documents pushed to it) and can be
made unreachable.  ``FakeKeystone`` stands for a site's Keystone behind
``protector.common.keystone.site_session``.
"""

import copy

from keystoneauth1 import exceptions as ks_exc
from oslo_serialization import jsonutils

from protector.common import context
from protector.common import exception
from protector.common import local_changes
from protector.common import metadata_content
from protector.common import metadata_document


def _over_the_wire(document):
    """What the other side reads: JSON, not the Python objects we hold."""
    return jsonutils.loads(jsonutils.dumps(document))


class FakePeer(object):
    """The peer site's copy of every protection group.

    ``documents`` maps a group id to the document the peer stores,
    ``leases`` to the change that holds it there, ``local_changes`` to the
    changes the peer made alone (as its API shows them), ``running`` holds
    the groups the peer runs an operation on.  ``local_projects`` maps a peer
    project to ours, the way the peer's own tenant mapping translates a
    document it sends back.  It keeps the rules of the real receiver
    (``protector.db.api.group_replace`` and ``group_lease_take``).
    """

    def __init__(self):
        self.documents = {}
        self.leases = {}
        self.local_changes = {}
        self.running = set()
        self.local_projects = {}
        self.pushes = []
        self.reservations = []
        self.reason = None
        self.pushes_fail = False
        self.answers_lost = False

    # What a test changes

    def go_down(self, reason='connection refused'):
        """The peer stops answering every call."""
        self.reason = reason

    def come_back(self):
        self.reason = None
        self.pushes_fail = False
        self.answers_lost = False

    def change(self, group_id, **group_fields):
        """A change made on the peer site: its version goes up by one."""
        document = self.documents[group_id]
        document['version'] += 1
        document['group'].update(group_fields)
        return document['version']

    def change_alone(self, group_id, **group_fields):
        """A change the peer made alone, this site being unreachable."""
        held = self.local_changes.get(group_id)
        if held is None:
            held = self.local_changes[group_id] = {
                'site': 'site-b', 'since': '2026-12-07T10:00:00Z',
                'first_version': self.version(group_id) + 1,
                'peer_version': self.version(group_id),
                'peer_digest': self.digest(group_id)}
        held['last_version'] = self.change(group_id, **group_fields)
        return held['last_version']

    def version(self, group_id):
        document = self.documents.get(group_id)
        return None if document is None else document['version']

    def digest(self, group_id):
        return metadata_content.digest(self.documents[group_id])

    def client(self, site):
        """Stands in for ``PeerClient(site)``."""
        return FakePeerClient(self, site)


class FakePeerClient(object):
    """The calls of ``protector.engine.peer.PeerClient``, in memory."""

    def __init__(self, peer, site):
        self.peer = peer
        self.site = site

    def _answer(self, group_name):
        if self.peer.reason is not None:
            raise exception.PeerUnreachable(site=self.site.name,
                                            group=group_name,
                                            reason=self.peer.reason)

    def _refused(self, error, what):
        """As ``PeerClient`` words the peer's refusals."""
        return type(error)("Peer site '%s' refused %s: %s"
                           % (self.site.name, what, error.msg))

    def _check_lease(self, group_id, holder, what):
        held = self.peer.leases.get(group_id)
        if held is not None and held != holder:
            raise self._refused(exception.ChangeInProgress(
                group=group_id, site=self.site.name, holder=held,
                since='now', expires='later'), what)

    def _state(self, group_id):
        return self.peer.version(group_id), self.peer.digest(group_id)

    def versions(self):
        self._answer('*')
        return {group_id: self._state(group_id)
                for group_id in self.peer.documents}

    def get(self, group_id, group_name):
        self._answer(group_name)
        if group_id not in self.peer.documents:
            return None
        version, digest = self._state(group_id)
        return {'id': group_id, 'version': version, 'digest': digest,
                'lease': self.peer.leases.get(group_id),
                'local_changes': self.peer.local_changes.get(group_id)}

    def reserve(self, group_id, group_name, holder, base, seconds):
        self._answer(group_name)
        what = "a change of protection group '%s'" % group_name
        if group_id not in self.peer.documents:
            raise self._refused(exception.NotFound(
                kind='Protection group', ident=group_id), what)
        self._check_lease(group_id, holder, what)
        if group_id in self.peer.running:
            raise self._refused(exception.OperationRunning(
                operation='op-on-peer', type='failover', group=group_name,
                cancel=''), what)
        if tuple(base) != self._state(group_id):
            raise self._refused(exception.VersionConflict(
                group=group_name, stored=self.peer.version(group_id),
                digest='x', base=base[0], incoming=base[0] + 1), what)
        self.peer.leases[group_id] = holder
        self.peer.reservations.append((group_id, holder))

    def release(self, group_id, group_name, holder):
        if self.peer.reason is None and \
                self.peer.leases.get(group_id) == holder:
            del self.peer.leases[group_id]

    def push_back(self, group_id, group_name, holder):
        """The peer forces its copy onto this site.

        The real peer's engine sends its document, in our project, to our
        sync API; storing it is what that API does.
        """
        self._answer(group_name)
        document = self.peer.documents.get(group_id)
        if document is None:
            raise exception.NotFound(kind='Protection group',
                                     ident=group_id)
        document = copy.deepcopy(document)
        project = document['group']['project_id']
        document['group']['project_id'] = self.peer.local_projects.get(
            project, project)
        metadata_document.apply(context.get_admin_context(),
                                _over_the_wire(document),
                                self.peer.digest(group_id), holder=holder,
                                force=True)
        # Both sites hold its copy now.
        self.peer.local_changes.pop(group_id, None)

    def push(self, document, group_name, digest, base, holder=None,
             force=False):
        self._answer(group_name)
        if self.peer.pushes_fail:
            raise exception.PeerUnreachable(
                site=self.site.name, group=group_name,
                reason='protector-api answered HTTP 503')
        group_id = document['id']
        stored = self.peer.documents.get(group_id)
        what = "version %d of protection group '%s'" % (
            document['version'], group_name)
        self._check_lease(group_id, holder, what)
        incoming = (document['version'], digest)
        if stored is None or self._state(group_id) != incoming:
            held = self.peer.local_changes.get(group_id)
            if held is not None and not force:
                raise self._refused(local_changes.refusal(group_name, held),
                                    what)
            if not force and (
                    (stored is None) != (base is None) or
                    (stored is not None and
                     tuple(base) != self._state(group_id))):
                raise self._refused(exception.VersionConflict(
                    group=group_name, stored=self.peer.version(group_id),
                    digest='x', base=base and base[0],
                    incoming=document['version']), what)
            self.peer.documents[group_id] = _over_the_wire(document)
            self.peer.local_changes.pop(group_id, None)
            self.peer.pushes.append((group_id, document['version'], force))
        if self.peer.leases.get(group_id) == holder:
            self.peer.leases.pop(group_id, None)
        if self.peer.answers_lost:
            raise exception.PeerUnreachable(
                site=self.site.name, group=group_name,
                reason='ReadTimeout')
        return self._state(group_id)

    def delete(self, group_id, group_name, holder):
        self._answer(group_name)
        self._check_lease(group_id, holder, "to delete protection group "
                                            "'%s'" % group_name)
        self.peer.documents.pop(group_id, None)
        self.peer.leases.pop(group_id, None)


class FakeKeystone(object):
    """The Keystone of each site; ``refuse(name)`` rejects its password."""

    def __init__(self):
        self.refused = set()
        self.down = set()

    def refuse(self, site_name):
        self.refused.add(site_name)

    def session(self, site):
        """Stands in for ``keystone.site_session(site)``."""
        return FakeSession(self, site)


class FakeSession(object):

    def __init__(self, keystone, site):
        self.keystone = keystone
        self.site = site

    def get_token(self):
        if self.site.name in self.keystone.down:
            raise ks_exc.ConnectFailure('Unable to establish connection')
        if self.site.name in self.keystone.refused:
            raise ks_exc.Unauthorized('The request you have made requires '
                                      'authentication.')
        return 'token-of-%s' % self.site.name
