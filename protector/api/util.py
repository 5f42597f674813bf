"""Small helpers every handler uses: JSON in, JSON out, schemas."""

from oslo_serialization import jsonutils
import webob

from protector.api import local_flag
from protector.api import validation
from protector.common import exception


def iso(value):
    """A time of the database (UTC) as the API shows it."""
    return value.isoformat() + 'Z' if value else None


def context(req):
    return req.environ['protector.context']


def json_response(body, status=200):
    response = webob.Response(status=status, content_type='application/json',
                              charset='utf-8')
    if body is not None:
        response.text = jsonutils.dumps(body)
    else:
        response.content_type = None
    return response


def error_body(exc):
    error = {'code': exc.code, 'title': exc.title,
             'error_code': exc.error_code, 'message': exc.msg}
    if getattr(exc, 'problems', None):
        error['problems'] = exc.problems
    return {'error': error}


def body(req):
    """The request body, validated against its handler's declaration.

    An optional body that was left out reads as ``{}``.
    """
    declared = req.environ['protector.endpoint']
    if declared.body_optional and not req.body:
        return {}
    return json_body(req, declared.body)


def json_body(req, schema):
    """Parse and validate the request body; 400 names every bad field."""
    if not req.body:
        raise exception.BadRequest(
            'This request needs a JSON body; see the API reference.')
    value = validation.parse(req.body)
    local_flag.check(req, schema, value)
    return validation.validate(schema, value)


def loose_json(req, *keys):
    """The object at ``keys`` in the body, or ``{}`` when there is none.

    For friendlier messages about a body that failed validation.
    """
    try:
        value = validation.parse(req.body)
    except exception.BadRequest:
        return {}
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else {}


def bool_param(req, name):
    value = req.GET.get(name, 'false').lower()
    if value in ('true', '1', 'yes'):
        return True
    if value in ('false', '0', 'no'):
        return False
    raise exception.BadRequest(
        "Invalid query parameter '%s': must be true or false, not '%s'."
        % (name, exception.excerpt(value)))
