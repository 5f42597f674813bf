"""Database API: the only module that touches the models.

Every function that changes a protection group or anything inside it
(members, policy, mappings, plan) increments the group's
``metadata_version`` in the same transaction, so the version is the exact
measure of what the peer site must receive.
"""

import datetime
import functools

from oslo_config import cfg
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade
from oslo_db.sqlalchemy import utils as db_utils
from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa
from sqlalchemy import orm

from protector.common import exception
from protector.common import group_states
from protector.common import local_changes
from protector.common import metadata_content
from protector.db import models
from protector.db import sqlite

CONF = cfg.CONF
main_context_manager = enginefacade.transaction_context()
main_context_manager.append_on_engine_create(sqlite.set_up)


def _reader(function):
    """A read-only transaction (see ``protector.db.sqlite``)."""
    read = main_context_manager.reader(function)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with sqlite.read_only():
            return read(*args, **kwargs)
    return wrapper


def configure(conf):
    main_context_manager.configure(**dict(conf.database.items()))


def get_engine():
    return main_context_manager.writer.get_engine()


def _by_ident(query, model, ident, kind):
    """Find a row by id, then by name."""
    row = None
    if uuidutils.is_uuid_like(ident):
        row = query.filter(model.id == ident).first()
    if row is None and hasattr(model, 'name'):
        rows = query.filter(model.name == ident).all()
        if len(rows) > 1:
            raise exception.Conflict(
                reason="More than one %s is named '%s'; use its id."
                % (kind, exception.excerpt(ident)))
        row = rows[0] if rows else None
    if row is None:
        raise exception.NotFound(kind=kind.capitalize(),
                                 ident=exception.excerpt(ident))
    return row


# Lists: one query per page

# Sort keys of the API read from another attribute of the model.  Every
# sort key is a value that is never NULL (see models.Base.changed_at).
_SORT_ATTRIBUTES = {'updated_at': 'changed_at'}


class _Marker(object):
    """The sort keys of the marker, as subqueries of the list's query.

    paginate_query compares each row with them, so the page is one query.
    A marker that is not in the list (another project's, a deleted row)
    makes them NULL, which no row follows.
    """

    def __init__(self, query, model, marker, keys):
        for key in keys:
            setattr(self, key, query.with_entities(getattr(model, key))
                    .filter(model.id == marker)
                    .correlate(None).scalar_subquery())


def _page(query, model, kind, default_sort, limit=None, marker=None,
          sort_key=None, sort_dir=None):
    """One page of ``query``, sorted, with ``id`` breaking ties.

    ``default_sort`` is the list of (key, direction) used without
    ``sort_key``; ``sort_dir`` overrides every direction.  ``marker`` is
    the id of the last row of the previous page; only an empty page costs
    a second query, to tell the end of the list from a marker that is not
    in it.  ``limit`` None reads every row.
    """
    if sort_key:
        sort = [(sort_key, sort_dir or default_sort[0][1])]
    else:
        sort = [(key, sort_dir or direction)
                for key, direction in default_sort]
    if 'id' not in [key for key, _ in sort]:
        sort.append(('id', sort[-1][1]))
    keys = [_SORT_ATTRIBUTES.get(key, key) for key, _ in sort]
    rows = db_utils.paginate_query(
        query, model, limit, keys,
        marker=_Marker(query, model, marker, keys) if marker else None,
        sort_dirs=[direction for _, direction in sort]).all()
    if marker is not None and not rows and query.with_entities(
            model.id).filter(model.id == marker).first() is None:
        raise exception.InvalidMarker(kind=kind, marker=marker)
    return rows


# Sites

@main_context_manager.writer
def site_create(context, values):
    site = models.Site(**values)
    try:
        context.session.add(site)
        context.session.flush()
    except db_exc.DBDuplicateEntry:
        raise exception.Duplicate(
            reason='A site named %r is already registered.' % values['name'])
    return site


@_reader
def site_get(context, ident):
    return _by_ident(context.session.query(models.Site), models.Site,
                     ident, 'site')


@_reader
def site_list(context, **page):
    """Sites, oldest first; ``page``: see :func:`_page`."""
    return _page(context.session.query(models.Site), models.Site, 'site',
                 [('created_at', 'asc')], **page)


@_reader
def site_get_by_role(context, is_local):
    """The local site or the peer site, or None when not registered."""
    return context.session.query(models.Site).filter_by(
        is_local=is_local).first()


@main_context_manager.writer
def site_update(context, site_id, values):
    site = _by_ident(context.session.query(models.Site), models.Site,
                     site_id, 'site')
    site.update(values)
    return site


@main_context_manager.writer
def site_delete(context, site_id):
    site = _by_ident(context.session.query(models.Site), models.Site,
                     site_id, 'site')
    PG = models.ProtectionGroup
    used = context.session.query(PG).filter(sa.or_(
        PG.primary_site_id == site.id,
        PG.secondary_site_id == site.id)).count()
    if used:
        raise exception.Conflict(
            reason='Site %r is used by %d protection group(s); delete '
                   'them first.' % (site.name, used))
    context.session.query(models.TenantMapping).filter_by(
        remote_site_id=site.id).delete()
    context.session.delete(site)


# Tenant mappings

@main_context_manager.writer
def tenant_mapping_create(context, values):
    mapping = models.TenantMapping(**values)
    try:
        context.session.add(mapping)
        context.session.flush()
    except db_exc.DBDuplicateEntry:
        raise exception.Duplicate(
            reason='Project %s is already mapped on that site; delete the '
                   'existing tenant mapping first.'
                   % values['local_project_id'])
    context.session.refresh(mapping)
    return mapping


@_reader
def tenant_mapping_list(context, **page):
    """Tenant mappings, oldest first; ``page``: see :func:`_page`."""
    return _page(context.session.query(models.TenantMapping),
                 models.TenantMapping, 'tenant mapping',
                 [('created_at', 'asc')], **page)


@_reader
def tenant_mapping_get(context, mapping_id):
    mapping = context.session.query(models.TenantMapping).filter_by(
        id=mapping_id).first()
    if mapping is None:
        raise exception.NotFound(kind='Tenant mapping', ident=mapping_id)
    return mapping


@_reader
def tenant_mapping_find(context, remote_site_id, local_project_id=None,
                        remote_project_id=None):
    query = context.session.query(models.TenantMapping).filter_by(
        remote_site_id=remote_site_id)
    if local_project_id:
        query = query.filter_by(local_project_id=local_project_id)
    if remote_project_id:
        query = query.filter_by(remote_project_id=remote_project_id)
    return query.first()


@main_context_manager.writer
def tenant_mapping_delete(context, mapping_id):
    count = context.session.query(models.TenantMapping).filter_by(
        id=mapping_id).delete()
    if not count:
        raise exception.NotFound(kind='Tenant mapping', ident=mapping_id)


# Protection groups

def _group_query(context, project_id):
    query = context.session.query(models.ProtectionGroup)
    if project_id is not None:
        query = query.filter_by(project_id=project_id)
    return query


def _digest(session, group):
    """The digest of what this transaction makes of ``group``."""
    session.flush()
    # A site id may have changed in this transaction: read the sites again.
    session.expire(group, list(metadata_content.SITE_ROLES))
    members = session.query(models.Member).filter_by(
        protection_group_id=group.id).all()
    policy = session.query(models.ReplicationPolicy).filter_by(
        protection_group_id=group.id).first()
    return metadata_content.digest_of_rows(group, members, policy)


def _bump(context, group):
    """A new version of ``group``: every change of its content makes one.

    A change made under a lease (``context.group_lease``, set by
    ``protector.engine.sync.GroupChange``) must still hold it; holding it
    is extended by each of its writes.
    """
    lease = getattr(context, 'group_lease', None)
    if lease is not None and lease[0] == group.id:
        now = timeutils.utcnow()
        still_held = context.session.query(models.ProtectionGroup).filter_by(
            id=group.id, lease_holder=lease[1]).update(
                {'lease_expires_at': now + datetime.timedelta(
                    seconds=CONF.engine.change_lease_seconds)},
                synchronize_session=False)
        if not still_held:
            context.session.refresh(group)
            raise lease_refusal(group)
    group.metadata_version = (group.metadata_version or 0) + 1
    group.updated_at = timeutils.utcnow()
    group.metadata_digest = _digest(context.session, group)


def group_new(values):
    """A group row that is not stored.

    Creating a group makes its Cinder groups from it before
    ``group_create`` stores the group.
    """
    return models.ProtectionGroup(**values)


@main_context_manager.writer
def group_create(context, values):
    values = dict(values)
    values.setdefault('status', group_states.INITIAL)
    group_states.check(None, values['status'], values.get('id'))
    group = models.ProtectionGroup(**values)
    try:
        context.session.add(group)
        context.session.flush()
    except db_exc.DBDuplicateEntry:
        raise exception.Duplicate(
            reason='A protection group named %r already exists in this '
                   'project; choose another name.' % values['name'])
    group.metadata_digest = _digest(context.session, group)
    return group


@_reader
def group_get(context, ident, project_id=None):
    return _by_ident(_group_query(context, project_id),
                     models.ProtectionGroup, ident, 'protection group')


@_reader
def group_list(context, project_id=None, **page):
    """Groups of a project (of all with None), oldest first.

    One query reads a page of groups with their sites and member counts.
    ``page``: see :func:`_page`.
    """
    PG = models.ProtectionGroup
    # A list shows the sites by name (column properties of the group) and
    # neither mappings nor plan subnets: no site rows, no JSON to decode.
    query = _group_query(context, project_id).options(
        orm.raiseload(PG.primary_site), orm.raiseload(PG.secondary_site),
        orm.raiseload(PG.current_primary_site),
        orm.defer(PG.mappings, raiseload=True),
        orm.defer(PG.subnets, raiseload=True))
    return _page(query, PG, 'protection group', [('created_at', 'asc')],
                 **page)


@main_context_manager.writer
def group_update(context, group_id, values, bump=True):
    """Change a group; a change of status must be a move it may make.

    The row is locked and its status checked against the state machine
    (``group_states.check``) in the transaction that writes the new one.
    """
    if 'status' in values:
        # Lock the group's row alone: PostgreSQL refuses FOR UPDATE on the
        # outer-joined site rows that loading a group brings.
        context.session.query(models.ProtectionGroup.id).filter_by(
            id=group_id).with_for_update().all()
    group = _group_query(context, None).filter_by(id=group_id).one()
    if 'status' in values:
        group_states.check(group.status, values['status'], group_id)
    group.update(values)
    try:
        context.session.flush()
    except db_exc.DBDuplicateEntry:
        raise exception.Duplicate(
            reason='A protection group named %r already exists in this '
                   'project; choose another name.' % values.get('name'))
    if bump:
        _bump(context, group)
    return group


@main_context_manager.writer
def group_delete(context, group_id, holder=None):
    """Delete a group and what it holds.

    ``holder``: the change deleting it (by default the change of
    ``context.group_lease``); refused while another holds the group.
    """
    group = _group_query(context, None).filter_by(id=group_id).first()
    if group is None:
        raise exception.NotFound(kind='Protection group', ident=group_id)
    if holder is None:
        holder = (getattr(context, 'group_lease', None) or (None, None))[1]
    if lease_held_by_other(group, holder):
        raise lease_refusal(group)
    context.session.query(models.Member).filter_by(
        protection_group_id=group_id).delete()
    context.session.query(models.ReplicationPolicy).filter_by(
        protection_group_id=group_id).delete()
    context.session.query(models.ProtectionGroup).filter_by(
        id=group_id).delete()


@main_context_manager.writer
def group_fill_digests(context):
    """Digests of the groups stored before there were digests.

    Equal versions were in sync then: the peer holds the same digest.
    """
    for group in _group_query(context, None).filter(
            models.ProtectionGroup.metadata_digest.is_(None)):
        group.metadata_digest = _digest(context.session, group)
        if group.peer_version == group.metadata_version:
            group.peer_digest = group.metadata_digest


@main_context_manager.writer
def group_record_sync(context, group_id, peer_version, peer_digest):
    """The peer holds this version (None: no copy); not a change."""
    group = _group_query(context, None).filter_by(id=group_id).first()
    if group is None:
        return
    group.peer_version = peer_version
    group.peer_digest = peer_digest
    group.last_sync_at = timeutils.utcnow()
    if (peer_version, peer_digest) == (group.metadata_version,
                                       group.metadata_digest):
        group.last_sync_error = None
        group.push_holder = None
        group.push_attempts = 0
        group.push_next_at = None
        _forget_local_changes(group)


@main_context_manager.writer
def group_record_local_change(context, group_id, site_name, version):
    """Version ``version`` was made here alone: the peer was unreachable.

    The first such change records since when, and the copy the peer held
    then (as far as this site knows); a version waiting to be sent is
    forgotten, since only sync-force sends local-only changes.  Not a
    change of the group's content.
    """
    group = _group_query(context, None).filter_by(id=group_id).one()
    if group.local_changes_since is None:
        group.local_changes_site = site_name
        group.local_changes_since = timeutils.utcnow()
        group.local_changes_first_version = version
        group.local_changes_peer_version = group.peer_version
        group.local_changes_peer_digest = group.peer_digest
    group.push_holder = None
    group.push_attempts = 0
    group.push_next_at = None


def _forget_local_changes(group):
    """Both sites hold the same copy: nothing is held here alone."""
    group.local_changes_site = group.local_changes_since = None
    group.local_changes_first_version = None
    group.local_changes_peer_version = group.local_changes_peer_digest = None


@main_context_manager.writer
def group_record_sync_error(context, group_id, error):
    """A push that failed and is not sent again (see sync.push)."""
    _group_query(context, None).filter_by(id=group_id).update(
        {'last_sync_error': error}, synchronize_session=False)


@main_context_manager.writer
def group_record_push_failure(context, group_id, holder, error, retry_at):
    """A version the peer did not confirm: kept, to be sent again.

    It is pending while ``push_next_at`` is set.  ``holder`` is the change
    the peer may still be reserved for; the first one recorded stays until
    the peer confirms.
    """
    group = _group_query(context, None).filter_by(id=group_id).first()
    if group is None:
        return
    group.push_holder = group.push_holder or holder
    group.push_attempts = (group.push_attempts or 0) + 1
    group.push_next_at = retry_at
    group.last_sync_error = error


@_reader
def group_list_pushes_due(context, now):
    """Groups with a version to send again whose time has come."""
    return _group_query(context, None).filter(
        models.ProtectionGroup.push_next_at <= now).order_by(
            models.ProtectionGroup.push_next_at).all()


# Leases: one change at a time per group, whichever process or site makes
# it.  A lease is taken by compare-and-set, so two processes cannot both
# win, and it expires, so a process that died cannot hold a group forever.

def _lease_query(context, group_id, holder, now):
    PG = models.ProtectionGroup
    return context.session.query(PG).filter(
        PG.id == group_id,
        sa.or_(PG.lease_holder.is_(None), PG.lease_holder == holder,
               PG.lease_expires_at < now))


@main_context_manager.writer
def group_lease_take(context, group_id, holder, seconds, base=None,
                     refuse_running=False):
    """Hold ``group_id`` for ``holder``; returns the group.

    ``base`` (version, digest): the group must still be at this version
    with this content.  Raises ChangeInProgress when somebody else holds
    it, VersionConflict when it moved on, OperationRunning when
    ``refuse_running`` and an operation runs on it, NotFound when it does
    not exist.
    """
    now = timeutils.utcnow()
    taken = _lease_query(context, group_id, holder, now).update(
        {'lease_holder': holder, 'lease_taken_at': now,
         'lease_expires_at': now + datetime.timedelta(seconds=seconds)},
        synchronize_session=False)
    group = _group_query(context, None).filter_by(id=group_id).first()
    if group is None:
        raise exception.NotFound(kind='Protection group', ident=group_id)
    if not taken:
        raise lease_refusal(group)
    if refuse_running:
        _refuse_if_running(context.session, group)
    if base is not None and tuple(base) != (group.metadata_version,
                                            group.metadata_digest):
        raise exception.VersionConflict(
            group=group.name, stored=group.metadata_version,
            digest=short_digest(group.metadata_digest), base=base[0],
            incoming=base[0] + 1)
    return group


def lease_refusal(group):
    site, _sep, change = (group.lease_holder or '').partition(':')
    return exception.ChangeInProgress(
        group=group.name, site=site, holder='change %s' % change,
        since=_iso(group.lease_taken_at), expires=_iso(group.lease_expires_at))


def lease_held_by_other(group, holder, now=None):
    now = now or timeutils.utcnow()
    return (group.lease_holder not in (None, holder)
            and group.lease_expires_at >= now)


@main_context_manager.writer
def group_lease_release(context, group_id, holder):
    context.session.query(models.ProtectionGroup).filter_by(
        id=group_id, lease_holder=holder).update(
            {'lease_holder': None, 'lease_taken_at': None,
             'lease_expires_at': None}, synchronize_session=False)


def short_digest(digest):
    """The first 12 hex digits: enough for people to compare."""
    return (digest or 'none')[:12]


def _iso(value):
    return value.isoformat(timespec='seconds') + 'Z' if value else 'never'


# Members

@main_context_manager.writer
def member_create(context, group_id, values):
    group = _group_query(context, None).filter_by(id=group_id).one()
    # A failed flush expires the group; read its name before.
    group_name = group.name
    member = models.Member(protection_group_id=group_id, **values)
    try:
        context.session.add(member)
        context.session.flush()
    except db_exc.DBDuplicateEntry:
        raise exception.Duplicate(
            reason='Server %s is already a member of protection group %r.'
                   % (values['server_id'], group_name))
    _bump(context, group)
    return member


@_reader
def member_list(context, group_id, **page):
    """Members of a group by rank, then server name.

    ``page``: see :func:`_page`.
    """
    return _page(context.session.query(models.Member).filter_by(
        protection_group_id=group_id), models.Member, 'member',
        [('rank', 'asc'), ('server_name', 'asc')], **page)


@_reader
def member_get(context, group_id, ident):
    query = context.session.query(models.Member).filter_by(
        protection_group_id=group_id)
    member = query.filter(sa.or_(models.Member.id == ident,
                                 models.Member.server_id == ident)).first()
    if member is None:
        named = query.filter_by(server_name=ident).all()
        if len(named) > 1:
            raise exception.Conflict(
                reason='More than one member is named %r; use the server '
                       'id.' % ident)
        member = named[0] if named else None
    if member is None:
        raise exception.NotFound(kind='Member', ident=ident)
    return member


@main_context_manager.writer
def member_delete(context, group_id, member_id):
    group = _group_query(context, None).filter_by(id=group_id).one()
    context.session.query(models.Member).filter_by(
        protection_group_id=group_id, id=member_id).delete()
    _bump(context, group)


@main_context_manager.writer
def plan_update(context, group_id, entries, subnets):
    """Apply a whole recovery plan: ``entries`` maps member id to values."""
    group = _group_query(context, None).filter_by(id=group_id).one()
    for member in context.session.query(models.Member).filter_by(
            protection_group_id=group_id):
        member.update(entries.get(member.id, {
            'rank': 0, 'boot_condition': None, 'overrides': {}}))
    group.subnets = subnets
    _bump(context, group)
    return group


# Replication policy

@_reader
def policy_get(context, group_id):
    policy = context.session.query(models.ReplicationPolicy).filter_by(
        protection_group_id=group_id).first()
    if policy is None:
        raise exception.NotFound(
            kind='Replication policy of protection group', ident=group_id)
    return policy


@main_context_manager.writer
def policy_set(context, group_id, values, create):
    group = _group_query(context, None).filter_by(id=group_id).one()
    policy = context.session.query(models.ReplicationPolicy).filter_by(
        protection_group_id=group_id).first()
    if create and policy is not None:
        raise exception.Duplicate(
            reason='Protection group %r already has a replication policy; '
                   'change it with policy-set.' % group.name)
    if not create and policy is None:
        raise exception.NotFound(
            kind='Replication policy of protection group', ident=group.name)
    if policy is None:
        policy = models.ReplicationPolicy(protection_group_id=group_id)
        context.session.add(policy)
    policy.update(values)
    _bump(context, group)
    return policy


# Metadata documents (sync between sites)

@main_context_manager.writer
def group_replace(context, group_values, members, policy_values, digest,
                  base=None, holder=None, force=False):
    """Install a group as the peer sent it, if it follows what is stored.

    ``digest`` is the sender's digest of the content, ``base`` the
    (version, digest) it was built on (None: the group is new to this
    site), ``holder`` the change that reserved the group here, if any.
    Unless ``force``, the content must follow the stored version: never
    two different contents under one version; nor may it replace changes
    made here alone (``protector.common.local_changes``).  Receiving the
    version that is stored already (a push sent again) changes nothing.
    Returns the group.

    The status is the peer's, whatever this copy's was: the document
    replaces the copy wholesale, so its status is not a move of this copy
    and ``group_states.check`` does not apply (``metadata_document.apply``
    made sure it is a known status).
    """
    session = context.session
    group_id = group_values['id']
    version = group_values['metadata_version']
    group = session.query(models.ProtectionGroup).filter_by(
        id=group_id).first()
    if group is not None:
        if lease_held_by_other(group, holder):
            raise lease_refusal(group)
        _refuse_if_running(session, group)
        stored = (group.metadata_version, group.metadata_digest)
        if stored == (version, digest):
            _received(group, version, digest, holder)
            return group
        held = local_changes.marker(group)
        if held is not None and not force:
            raise local_changes.refusal(group.name, held)
        if not force and (base is None or tuple(base) != stored):
            raise exception.VersionConflict(
                group=group.name, stored=stored[0],
                digest=short_digest(stored[1]),
                base='none' if base is None else base[0], incoming=version)
    elif base is not None and not force:
        raise exception.VersionConflict(
            group=group_values['name'], stored='none', digest='none',
            base=base[0], incoming=version)
    else:
        group = models.ProtectionGroup(id=group_id)
        session.add(group)
    group.update(group_values)
    try:
        # The deletes below autoflush the group: a name clash is raised
        # by the first of them, so all of it is inside this try.
        session.query(models.Member).filter_by(
            protection_group_id=group_id).delete()
        for values in members:
            session.add(models.Member(protection_group_id=group_id,
                                      **values))
        session.query(models.ReplicationPolicy).filter_by(
            protection_group_id=group_id).delete()
        if policy_values:
            session.add(models.ReplicationPolicy(
                protection_group_id=group_id, **policy_values))
        session.flush()
    except db_exc.DBDuplicateEntry:
        raise exception.Duplicate(
            reason='Another protection group named %r exists in project '
                   '%s on this site; rename or delete it.'
                   % (group_values['name'], group_values['project_id']))
    group.metadata_digest = _digest(session, group)
    _received(group, version, digest, holder)
    return group


def _received(group, version, digest, holder):
    """What this site knows after storing the peer's version."""
    group.peer_version = version
    group.peer_digest = digest
    group.last_sync_at = timeutils.utcnow()
    group.last_sync_error = None
    group.push_holder = None
    group.push_attempts = 0
    group.push_next_at = None
    _forget_local_changes(group)
    if group.lease_holder == holder:
        group.lease_holder = group.lease_taken_at = None
        group.lease_expires_at = None


def _refuse_if_running(session, group):
    running = session.query(models.Operation).filter(
        models.Operation.protection_group_id == group.id,
        models.Operation.status.in_(RUNNING_STATUSES)).first()
    if running is not None:
        # Only a test failover can be cancelled (see operations.control).
        cancel = (" or cancel it ('openstack protector operation cancel "
                  "%s')" % running.id
                  if running.operation_type == 'test_failover' else '')
        raise exception.OperationRunning(
            operation=running.id, type=running.operation_type,
            group=group.name, cancel=cancel)


# Operations

@_reader
def operation_list(context, project_id=None, group_id=None, status=None,
                   **page):
    """Operations, newest first; ``page``: see :func:`_page`."""
    query = context.session.query(models.Operation)
    if project_id is not None:
        query = query.filter_by(project_id=project_id)
    if group_id:
        query = query.filter_by(protection_group_id=group_id)
    if status:
        query = query.filter_by(status=status)
    return _page(query, models.Operation, 'operation',
                 [('created_at', 'desc')], **page)


@_reader
def operation_get(context, operation_id, project_id=None):
    query = context.session.query(models.Operation).filter_by(
        id=operation_id)
    if project_id is not None:
        query = query.filter_by(project_id=project_id)
    operation = query.first()
    if operation is None:
        raise exception.NotFound(kind='Operation', ident=operation_id)
    return operation


@main_context_manager.writer
def operation_create(context, values):
    operation = models.Operation(**values)
    context.session.add(operation)
    context.session.flush()
    return operation


# Operations: what the engine changes while it runs them

RUNNING_STATUSES = ('running', 'cancelling')


@_reader
def operation_get_running(context, group_id):
    """The operation running on a group (oldest first), or None."""
    return context.session.query(models.Operation).filter(
        models.Operation.protection_group_id == group_id,
        models.Operation.status.in_(RUNNING_STATUSES)).order_by(
            models.Operation.created_at).first()


@_reader
def operation_list_running(context):
    """Every operation this site was running (to resume after a restart)."""
    return context.session.query(models.Operation).filter(
        models.Operation.status.in_(RUNNING_STATUSES)).order_by(
            models.Operation.created_at).all()


@main_context_manager.writer
def operation_claimed(context, operation_id, host, pid):
    """An engine (``host``, ``pid``) takes the operation; returns it."""
    operation = context.session.query(models.Operation).filter_by(
        id=operation_id).with_for_update().first()
    if operation is None:
        raise exception.NotFound(kind='Operation', ident=operation_id)
    operation.update({'engine_host': host, 'engine_pid': pid,
                      'claims': (operation.claims or 0) + 1,
                      'claimed_at': timeutils.utcnow()})
    context.session.flush()
    return operation


def _merge_member(entries, values):
    merged = [dict(entry) for entry in entries or []]
    for entry in merged:
        if entry.get('member_id') == values['member_id']:
            entry.update(values)
            return merged
    merged.append(dict(values))
    return merged


def _merged(current, values):
    merged = dict(current or {})
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            value = _merged(merged[key], value)
        merged[key] = value
    return merged


@main_context_manager.writer
def operation_update(context, operation_id, values=None,
                     completed_step=None, failed_step=None, member=None,
                     parameters=None):
    """Record progress of an operation; returns it.

    ``values`` replace columns, except ``progress``, which never goes
    down (a lower value is ignored).  ``completed_step`` (a name) is added
    to ``steps_completed`` once and clears a failure of the same step
    recorded earlier (a step that succeeded when run again);
    ``failed_step`` (``{'step', 'reason'}``) replaces an earlier failure
    of that step; ``member`` (with ``member_id``) is merged into that
    member's result; ``parameters`` are merged into the recorded ones,
    each object into the object it meets.  JSON columns are replaced,
    never changed in place, so that SQLAlchemy writes them.
    """
    operation = context.session.query(models.Operation).filter_by(
        id=operation_id).with_for_update().first()
    if operation is None:
        raise exception.NotFound(kind='Operation', ident=operation_id)
    values = dict(values or {})
    if 'progress' in values:
        values['progress'] = max(operation.progress or 0,
                                 int(values['progress']))
    operation.update(values)
    if completed_step:
        steps = list(operation.steps_completed or [])
        if completed_step not in steps:
            operation.steps_completed = steps + [completed_step]
        failed = [f for f in operation.steps_failed or []
                  if f.get('step') != completed_step]
        if len(failed) != len(operation.steps_failed or []):
            operation.steps_failed = failed
    if failed_step:
        failed = [f for f in operation.steps_failed or []
                  if f.get('step') != failed_step['step']]
        operation.steps_failed = failed + [dict(failed_step)]
    if member:
        operation.members = _merge_member(operation.members, member)
    if parameters:
        operation.parameters = _merged(operation.parameters, parameters)
    context.session.flush()
    return operation


@main_context_manager.writer
def operation_finish(context, operation_id, values):
    """Write the end of a run of an operation; returns (operation, ended).

    ``ended`` is True only for the call that moved the operation from
    running (or cancelling) to the status in ``values``: the row stays
    locked from that read to the write, so of two calls (two threads, or
    an engine that concludes after a restart a run it had already
    recorded) one only sees the operation end, and only it tells.
    """
    before = context.session.query(models.Operation.status).filter_by(
        id=operation_id).with_for_update().scalar()
    # The same transaction: operation_update joins it.
    operation = operation_update(context, operation_id, values=values)
    return operation, before in RUNNING_STATUSES


@main_context_manager.writer
def member_update(context, member_id, values):
    """Change a member as an operation found it; not a metadata change.

    The operation bumps the group's version once when it is done.
    """
    member = context.session.query(models.Member).filter_by(
        id=member_id).first()
    if member is None:
        raise exception.NotFound(kind='Member', ident=member_id)
    member.update(values)
    return member


# Health: what the watch saw (see protector.health)

def _bucket(moment, seconds):
    return int((moment - datetime.datetime(2000, 1, 1)).total_seconds()
               // seconds)


def _keep(previous_at, now, grade_changed):
    """How long a new sample stays (see models.HealthSample)."""
    if previous_at is None or grade_changed or \
            _bucket(previous_at, 3600) != _bucket(now, 3600):
        return 2
    if _bucket(previous_at, 600) != _bucket(now, 600):
        return 1
    return 0


@_reader
def health_watched_groups(context, site_id):
    """Groups whose workload runs on ``site_id``, ready for the watch.

    :returns: ``[(group, policy or None, [members], health or None)]`` in
        four queries, whatever the number of groups.
    """
    PG = models.ProtectionGroup
    groups = context.session.query(PG).filter_by(
        current_primary_site_id=site_id).order_by(PG.created_at).all()

    def of_watched(model):
        return context.session.query(model).join(
            PG, PG.id == model.protection_group_id).filter(
                PG.current_primary_site_id == site_id)
    policies, members, health = {}, {}, {}
    if groups:
        for policy in of_watched(models.ReplicationPolicy):
            policies[policy.protection_group_id] = policy
        for member in of_watched(models.Member).order_by(
                models.Member.rank, models.Member.created_at):
            members.setdefault(member.protection_group_id, []).append(member)
        for row in of_watched(models.GroupHealth):
            health[row.protection_group_id] = row
    return [(g, policies.get(g.id), members.get(g.id, []), health.get(g.id))
            for g in groups]


@_reader
def health_get(context, group_id):
    """The latest look of the watch at a group, or None."""
    return context.session.get(models.GroupHealth, group_id)


@main_context_manager.writer
def health_record(context, samples):
    """Store the watch's looks at groups; keep each sample for plots.

    :param samples: ``{group id: (values, shown_grade)}``; ``values`` are
        those of models.GroupHealth but ``rpo_grade``, with
        ``sample_grade`` the grade of this sample; ``shown_grade(previous
        shown grade, previous sample grade)`` gives the grade to show (see
        protector.health.grades.settle).
    :returns: ``{group id: (before, after)}``, each a dict of the row's
        values (before is None at the first look), read and written in
        one transaction so that each change is seen once.
    """
    rows = {row.protection_group_id: row for row in context.session.query(
        models.GroupHealth).filter(models.GroupHealth.protection_group_id.in_(
            list(samples))).with_for_update()} if samples else {}
    result = {}
    for group_id, (values, shown_grade) in samples.items():
        row = rows.get(group_id)
        before = None
        if row is None:
            row = models.GroupHealth(protection_group_id=group_id)
            context.session.add(row)
        else:
            before = _health_values(row)
        grade = shown_grade(before and before['rpo_grade'],
                            before and before['sample_grade'])
        row.update(dict(values, rpo_grade=grade))
        context.session.add(models.HealthSample(
            protection_group_id=group_id, checked_at=values['checked_at'],
            rpo_seconds=values['rpo_seconds'],
            rpo_target_seconds=values['rpo_target_seconds'],
            rpo_grade=grade, failover_ready=values['failover_ready'],
            failing_checks=[c['name'] for c in values['checks']
                            if c['status'] != 'pass'],
            keep=_keep(before and before['checked_at'],
                       values['checked_at'],
                       before is not None and before['rpo_grade'] != grade)))
        result[group_id] = (before, row)
    context.session.flush()
    return {group_id: (before, _health_values(row))
            for group_id, (before, row) in result.items()}


def _health_values(row):
    return {column.name: getattr(row, column.name)
            for column in models.GroupHealth.__table__.columns}


@main_context_manager.writer
def health_forget(context, site_id):
    """Drop the latest looks at groups whose workload left ``site_id``.

    The peer's watch reports on them now; a stale look here would say
    what no longer holds.
    """
    moved = context.session.query(models.ProtectionGroup.id).filter(
        models.ProtectionGroup.current_primary_site_id != site_id)
    context.session.query(models.GroupHealth).filter(
        models.GroupHealth.protection_group_id.in_(
            moved.scalar_subquery())).delete(synchronize_session=False)


@_reader
def health_history(context, group_id, since=None, limit=None):
    """Samples of a group, oldest first, from ``since`` on."""
    query = context.session.query(models.HealthSample).filter_by(
        protection_group_id=group_id)
    if since is not None:
        query = query.filter(models.HealthSample.checked_at >= since)
    query = query.order_by(models.HealthSample.checked_at,
                           models.HealthSample.id)
    if limit is not None:
        query = query.limit(limit)
    return query.all()


@main_context_manager.writer
def health_thin(context, now, history_days):
    """Thin old samples (see models.HealthSample); returns how many went."""
    sample = models.HealthSample
    removed = 0
    for age, keep_below in ((datetime.timedelta(days=history_days), 3),
                            (datetime.timedelta(days=7), 2),
                            (datetime.timedelta(days=1), 1)):
        removed += context.session.query(sample).filter(
            sample.checked_at < now - age,
            sample.keep < keep_below).delete(synchronize_session=False)
    return removed


# The grade health_summary gives a group whose workload runs on another
# site than the one asked about: that site's watch looks at it.
NOT_WATCHED_HERE = 'not_watched_here'


@_reader
def health_summary(context, project_id=None, site_id=None):
    """Groups per project by grade and readiness.

    :param site_id: the site whose watch is asked about; a group whose
        workload runs elsewhere counts as grade ``NOT_WATCHED_HERE`` and
        readiness None, whatever look of an earlier cycle is still kept
        (``health_forget`` drops it at the next cycle).
    :returns: ``[(project_id, rpo_grade or None, failover_ready or None,
        count)]``; None: no look yet (or the peer watches the group).
    """
    PG, GH = models.ProtectionGroup, models.GroupHealth
    grade, ready = GH.rpo_grade, GH.failover_ready
    if site_id is not None:
        elsewhere = PG.current_primary_site_id != site_id
        grade = sa.case((elsewhere, NOT_WATCHED_HERE), else_=grade)
        ready = sa.case((elsewhere, sa.null()), else_=ready)
    grade, ready = grade.label('rpo_grade'), ready.label('failover_ready')
    query = context.session.query(
        PG.project_id, grade, ready, sa.func.count(PG.id)).outerjoin(
            GH, GH.protection_group_id == PG.id)
    if project_id is not None:
        query = query.filter(PG.project_id == project_id)
    return query.group_by(PG.project_id, grade, ready).all()


@_reader
def health_failing(context, project_id=None, site_id=None):
    """Groups that are not ready, with their latest look.

    :param site_id: only the groups whose workload runs there (the
        others' looks are stale until ``health_forget``).
    """
    PG, GH = models.ProtectionGroup, models.GroupHealth
    query = context.session.query(PG.id, PG.name, PG.project_id, GH).join(
        GH, GH.protection_group_id == PG.id).filter(
            GH.failover_ready.is_(False))
    if project_id is not None:
        query = query.filter(PG.project_id == project_id)
    if site_id is not None:
        query = query.filter(PG.current_primary_site_id == site_id)
    return query.order_by(PG.project_id, PG.name).all()


@main_context_manager.writer
def site_health_record(context, site_id, reachable, detail, now):
    """Store whether the peer answered; returns (shown before, after).

    The shown state changes only when two consecutive looks agree.
    """
    row = context.session.query(models.SiteHealth).filter_by(
        site_id=site_id).with_for_update().first()
    if row is None:
        row = models.SiteHealth(site_id=site_id, reachable=reachable,
                                sample_reachable=reachable)
        context.session.add(row)
        before = None
    else:
        before = row.reachable
        if row.sample_reachable == reachable:
            row.reachable = reachable
        row.sample_reachable = reachable
    row.checked_at = now
    row.detail = detail
    context.session.flush()
    return before, row.reachable


@_reader
def site_health_list(context):
    return context.session.query(models.SiteHealth).all()


@_reader
def health_metrics(context):
    """What the Prometheus metrics show, read at each scrape.

    :returns: ``(groups, sites)``: ``groups`` the latest look at each
        group whose workload runs here, ``[(group id, name, project_id,
        GroupHealth values)]`` in one query that leaves out the checks;
        ``sites`` ``[(name, is_local, reachable or None)]``, None when the
        watch has not looked at the site yet.
    """
    PG, GH = models.ProtectionGroup, models.GroupHealth
    groups = context.session.query(
        PG.id, PG.name, PG.project_id, GH.checked_at, GH.rpo_seconds,
        GH.rpo_target_seconds, GH.rpo_grade, GH.failover_ready,
        GH.transfers).join(GH, GH.protection_group_id == PG.id).order_by(
            PG.project_id, PG.name).all()
    sites = context.session.query(
        models.Site.name, models.Site.is_local,
        models.SiteHealth.reachable).outerjoin(
            models.SiteHealth,
            models.SiteHealth.site_id == models.Site.id).order_by(
                models.Site.name).all()
    return groups, sites
