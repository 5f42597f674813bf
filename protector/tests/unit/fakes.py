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
from protector.common import metadata_document


def _over_the_wire(document):
    """What the other side reads: JSON, not the Python objects we hold."""
    return jsonutils.loads(jsonutils.dumps(document))


class FakePeer(object):
    """The peer site's copy of every protection group.

    ``documents`` maps a group id to the document the peer stores.
    ``local_projects`` maps a peer project to ours, the way the peer's own
    tenant mapping translates a document it sends back.
    """

    def __init__(self):
        self.documents = {}
        self.local_projects = {}
        self.pushes = []
        self.reason = None
        self.pushes_fail = False

    # What a test changes

    def go_down(self, reason='connection refused'):
        """The peer stops answering every call."""
        self.reason = reason

    def come_back(self):
        self.reason = None
        self.pushes_fail = False

    def change(self, group_id, **group_fields):
        """A change made on the peer site: its version goes up by one."""
        document = self.documents[group_id]
        document['version'] += 1
        document['group'].update(group_fields)
        return document['version']

    def version(self, group_id):
        document = self.documents.get(group_id)
        return None if document is None else document['version']

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

    def get_version(self, group_id, group_name):
        self._answer(group_name)
        return self.peer.version(group_id)

    def push_back(self, group_id, group_name):
        """The peer forces its copy onto this site.

        The real peer's engine sends its document, in our project, to our
        sync API; storing it is what that API does.
        """
        self._answer(group_name)
        document = self.peer.documents.get(group_id)
        if document is None:
            raise exception.Conflict(
                reason="Peer site '%s' could not send its copy of "
                       "protection group '%s': Protection group %s was not "
                       "found." % (self.site.name, group_name, group_id))
        document = copy.deepcopy(document)
        project = document['group']['project_id']
        document['group']['project_id'] = self.peer.local_projects.get(
            project, project)
        metadata_document.apply(context.get_admin_context(),
                                _over_the_wire(document))

    def push(self, document, group_name, force=False):
        self._answer(group_name)
        if self.peer.pushes_fail:
            raise exception.PeerUnreachable(
                site=self.site.name, group=group_name,
                reason='protector-api answered HTTP 503')
        stored = self.peer.version(document['id'])
        if not force and stored is not None and \
                document['version'] <= stored:
            raise exception.Conflict(
                reason="Peer site '%s' refused version %d of protection "
                       "group '%s': it holds version %d"
                       % (self.site.name, document['version'], group_name,
                          stored))
        self.peer.documents[document['id']] = _over_the_wire(document)
        self.peer.pushes.append((document['id'], document['version'],
                                 force))
        return document['version']

    def delete(self, group_id, group_name):
        self._answer(group_name)
        self.peer.documents.pop(group_id, None)


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
