"""Small helpers every handler uses: JSON in, JSON out, schemas."""

import jsonschema
from oslo_serialization import jsonutils
import webob

from protector.common import exception


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
    error = {'code': exc.code, 'title': exc.title, 'message': str(exc)}
    if getattr(exc, 'problems', None):
        error['problems'] = exc.problems
    return {'error': error}


def _field(error):
    path = '.'.join(str(part) for part in error.absolute_path)
    if error.validator == 'required':
        missing = error.message.split("'")[1]
        path = '.'.join(filter(None, [path, missing]))
    if error.validator == 'additionalProperties':
        return path, error.message
    return path, error.message


def json_body(req, schema):
    """Parse and validate the request body; 400 names the bad field."""
    if not req.body:
        raise exception.BadRequest(
            'This request needs a JSON body; see the API reference.')
    try:
        body = jsonutils.loads(req.body)
    except ValueError as exc:
        raise exception.BadRequest('The request body is not valid JSON: %s'
                                   % exc)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(body),
                    key=lambda e: (len(e.absolute_path), e.message))
    if errors:
        path, message = _field(errors[0])
        raise exception.BadRequest(
            "Invalid field '%s': %s" % (path or '(body)', message))
    return body


def bool_param(req, name):
    value = req.GET.get(name, 'false').lower()
    if value in ('true', '1', 'yes'):
        return True
    if value in ('false', '0', 'no'):
        return False
    raise exception.BadRequest("Query parameter %s must be true or false, "
                               "not %r." % (name, value))
