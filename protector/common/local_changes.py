"""Changes made on one site alone while the peer was unreachable.

A change of the recovery plan, the resource mappings or the replication
policy asked with ``--local`` (API: ``"local": true``) is made on this site
alone when the peer site cannot be reached (``protector.engine.sync``).
The group then records it: the site that made such changes, since when,
the first version made so, and the copy (version and digest) the peer
held then.  Nothing sends those versions to the peer by itself, and no
site lets a push or a change overwrite them: only sync-force makes both
copies equal again, and the record goes away when both hold the same.

This module says what the record means: as the API shows it, in words,
and whether the two copies went apart since.
"""

from protector.common import exception


def marker(group):
    """The local-only changes of ``group`` as the API shows them, or None.

    ``last_version`` is the group's current version: every version after
    the first one was made without the peer too.
    """
    if group.local_changes_since is None:
        return None
    return {'site': group.local_changes_site,
            'since': group.local_changes_since.isoformat() + 'Z',
            'first_version': group.local_changes_first_version,
            'last_version': group.metadata_version,
            'peer_version': group.local_changes_peer_version,
            'peer_digest': group.local_changes_peer_digest}


def versions(held):
    """'version 5' or 'versions 5 to 7'."""
    if held['first_version'] == held['last_version']:
        return 'version %d' % held['first_version']
    return 'versions %d to %d' % (held['first_version'],
                                  held['last_version'])


def _changed(held):
    """'version 5 was' or 'versions 5 to 7 were'."""
    if held['first_version'] == held['last_version']:
        return versions(held) + ' was'
    return versions(held) + ' were'


def describe(group_name, held, other_site):
    """What ``held`` means and what to run, as one sentence."""
    return ("%s changed on site '%s' while site '%s' was unreachable "
            "(--local); when '%s' is back run 'openstack protector "
            "protection-group sync-force %s' on site '%s'."
            % (_changed(held).capitalize(), held['site'], other_site,
               other_site, group_name, held['site']))


def refusal(group_name, held):
    """The error of a request that would lose the changes ``held``."""
    return exception.LocalChangesHeld(
        group=group_name, site=held['site'], versions=versions(held),
        since=held['since'])


def _moved(held, copy, other_site):
    """How the copy of ``other_site`` left the one ``held`` started from."""
    if (copy['version'], copy['digest']) == (held['peer_version'],
                                             held['peer_digest']):
        return None
    then = ('no copy' if held['peer_version'] is None
            else 'version %d' % held['peer_version'])
    return ("%s made on site '%s' alone (--local) while site '%s' held "
            "%s, and the copy of site '%s' has changed since"
            % (_changed(held), held['site'], other_site, then, other_site))


def diverged(group, remote, local_site, peer_site):
    """How both copies changed apart, or None when at most one did.

    ``remote``: the peer's ``{version, digest, local_changes}`` (None: it
    has no copy, so it changed nothing).
    """
    if remote is None:
        return None
    mine = marker(group)
    if mine is not None:
        moved = _moved(mine, remote, peer_site)
        if moved:
            return moved
    theirs = remote.get('local_changes')
    if theirs is not None:
        return _moved(theirs, {'version': group.metadata_version,
                               'digest': group.metadata_digest}, local_site)
    return None
