"""Small helpers every handler uses: JSON in, JSON out, schemas."""

import jsonschema
from oslo_serialization import jsonutils
import webob

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


def _problem(error):
    """One validation error as "Invalid field 'a.b': what is wrong"."""
    path = [str(part) for part in error.absolute_path]
    if error.validator == 'required':
        path.append(error.message.split("'")[1])
        message = 'this field is required'
    elif error.validator == 'additionalProperties':
        message = error.message + '; remove it'
    elif path and (path[-1] == 'password' or path[-1].endswith('_token')):
        # jsonschema quotes the value; a secret is never echoed.
        message = ('the value is not valid (%s check failed; a secret is '
                   'not shown)' % error.validator)
    else:
        message = error.message
    return "Invalid field '%s': %s" % ('.'.join(path) or '(body)', message)


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
    try:
        body = jsonutils.loads(req.body)
    except ValueError as exc:
        raise exception.BadRequest('The request body is not valid JSON: %s'
                                   % exc)
    validator = jsonschema.Draft202012Validator(schema)
    problems = sorted(_problem(error) for error in validator.iter_errors(body))
    if problems:
        raise exception.BadRequest('; '.join(problems) + '.')
    return body


def loose_json(req):
    """The body as a dict when it is a JSON object, else ``{}``.

    For friendlier messages about a body that failed validation.
    """
    try:
        value = jsonutils.loads(req.body)
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def bool_param(req, name):
    value = req.GET.get(name, 'false').lower()
    if value in ('true', '1', 'yes'):
        return True
    if value in ('false', '0', 'no'):
        return False
    raise exception.BadRequest("Query parameter %s must be true or false, "
                               "not %r." % (name, value))
