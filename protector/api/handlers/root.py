"""GET /, GET /v1/ and GET /openapi.json: what this API is (no
authentication)."""

from protector.api import microversion
from protector.api import openapi
from protector.api import util


def _version(req):
    return {
        'id': 'v1', 'status': 'CURRENT',
        'min_version': microversion.as_string(microversion.MIN_VERSION),
        'max_version': microversion.as_string(microversion.MAX_VERSION),
        'links': [{'rel': 'self',
                   'href': req.application_url.rstrip('/') + '/v1/'}],
    }


def versions(req):
    """List the API versions this site serves."""
    return util.json_response({'versions': [_version(req)]})


def v1(req):
    """Describe version 1 of the API and its microversions."""
    return util.json_response({'version': _version(req)})


def openapi_description(req):
    """Describe this API in OpenAPI 3.1."""
    return util.json_response(openapi.describe())
