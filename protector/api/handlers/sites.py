"""/v1/admin/sites: the two sites of this deployment (admin only)."""

from oslo_config import cfg
from oslo_log import log as logging

from protector.api import endpoint
from protector.api import pagination
from protector.api.schemas import sites as schema
from protector.api import util
from protector.api import views
from protector.common import crypto
from protector.common import exception
from protector.common import rpcapi
from protector.db import api as db
from protector import policy

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
_DEFAULTS = {'description': '', 'user_domain_name': 'Default',
             'project_domain_name': 'Default', 'region_name': 'RegionOne'}


def _with_secret(values):
    values = dict(values)
    if 'password' in values:
        values['password_encrypted'] = crypto.encrypt(values.pop('password'))
    return values


@endpoint.declare(status=201, body=schema.create)
def create(req):
    """Register a site and the service credentials used there."""
    ctx = util.context(req)
    policy.authorize(ctx, 'protector:sites:create')
    values = dict(_DEFAULTS)
    values.update(util.body(req)['site'])
    values['is_local'] = values['name'] == CONF.site_name
    existing = db.site_get_by_role(ctx, values['is_local'])
    if existing is not None:
        role = 'local' if values['is_local'] else 'peer'
        raise exception.Duplicate(
            reason="A %s site is already registered ('%s'); protector "
                   "protects between exactly two sites. Delete it first or "
                   "change it with 'openstack protector site set'. (This "
                   "site's own name is '%s', from [DEFAULT] site_name.)"
                   % (role, existing.name, CONF.site_name))
    site = db.site_create(ctx, _with_secret(values))
    LOG.info('Site %(name)s registered (local: %(local)s)',
             {'name': site.name, 'local': site.is_local})
    return util.json_response({'site': views.site(site)}, 201)


@endpoint.declare(query=pagination.query(
    ('created_at', 'updated_at', 'name', 'id'), 'created_at, oldest first'))
def index(req):
    """List the registered sites."""
    ctx = util.context(req)
    policy.authorize(ctx, 'protector:sites:index')
    page = pagination.requested(req)
    sites = page.fetch(db.site_list, ctx)
    return util.json_response(page.body(req, 'sites', [
        views.site(s) for s in sites]))


def show(req):
    """Show a site."""
    ctx = util.context(req)
    policy.authorize(ctx, 'protector:sites:show')
    site = db.site_get(ctx, req.urlvars['site'])
    return util.json_response({'site': views.site(site)})


@endpoint.declare(body=schema.update)
def update(req):
    """Change a site's registration."""
    ctx = util.context(req)
    policy.authorize(ctx, 'protector:sites:update')
    values = util.body(req)['site']
    site = db.site_update(ctx, req.urlvars['site'], _with_secret(values))
    return util.json_response({'site': views.site(site)})


@endpoint.declare(status=204)
def delete(req):
    """Remove a site registration."""
    ctx = util.context(req)
    policy.authorize(ctx, 'protector:sites:delete')
    db.site_delete(ctx, req.urlvars['site'])
    return util.json_response(None, 204)


def validate(req):
    """Check that the site answers with its credentials."""
    ctx = util.context(req)
    policy.authorize(ctx, 'protector:sites:validate')
    site = db.site_get(ctx, req.urlvars['site'])
    result = rpcapi.EngineAPI().site_validate(ctx, site_id=site.id)
    return util.json_response({'validation': result})


@endpoint.declare(query=pagination.query(('name', 'id'), 'name'))
def volume_types(req):
    """List the site's replicated volume types."""
    ctx = util.context(req)
    policy.authorize(ctx, 'protector:sites:volume_types')
    page = pagination.requested(req)
    site = db.site_get(ctx, req.urlvars['site'])
    types = rpcapi.EngineAPI().site_volume_types(ctx, site_id=site.id)
    return util.json_response(page.body(req, 'volume_types', page.cut(
        types, 'volume type', 'name', 'asc')))
