"""/v1/admin/tenant-mappings: which peer project owns a project's groups."""

from protector.api import endpoint
from protector.api import pagination
from protector.api.schemas import tenant_mappings as schema
from protector.api import util
from protector.api import views
from protector.common import exception
from protector.db import api as db
from protector import policy


@endpoint.declare(status=201, body=schema.create)
def create(req):
    """Map a local project to its project on the peer."""
    ctx = util.context(req)
    policy.authorize(ctx, 'protector:tenant_mappings:create')
    values = util.body(req)['tenant_mapping']
    site = db.site_get(ctx, values.pop('remote_site'))
    if site.is_local:
        raise exception.BadRequest(
            "remote_site must be the peer site, not the local site '%s'."
            % site.name)
    values['remote_site_id'] = site.id
    values.setdefault('description', '')
    mapping = db.tenant_mapping_create(ctx, values)
    return util.json_response(
        {'tenant_mapping': views.tenant_mapping(mapping)}, 201)


@endpoint.declare(query=pagination.query(
    ('created_at', 'updated_at', 'local_project_id', 'id'),
    'created_at, oldest first'))
def index(req):
    """List the tenant mappings."""
    ctx = util.context(req)
    policy.authorize(ctx, 'protector:tenant_mappings:index')
    page = pagination.requested(req)
    mappings = page.fetch(db.tenant_mapping_list, ctx)
    return util.json_response(page.body(req, 'tenant_mappings', [
        views.tenant_mapping(m) for m in mappings]))


def show(req):
    """Show a tenant mapping."""
    ctx = util.context(req)
    policy.authorize(ctx, 'protector:tenant_mappings:show')
    mapping = db.tenant_mapping_get(ctx, req.urlvars['mapping_id'])
    return util.json_response(
        {'tenant_mapping': views.tenant_mapping(mapping)})


@endpoint.declare(status=204)
def delete(req):
    """Remove a tenant mapping."""
    ctx = util.context(req)
    policy.authorize(ctx, 'protector:tenant_mappings:delete')
    db.tenant_mapping_delete(ctx, req.urlvars['mapping_id'])
    return util.json_response(None, 204)
