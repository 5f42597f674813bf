"""The OpenAPI 3.1 description of the REST API.

It is written from what the API serves: every path and method of the
route table (``router.ROUTES``), what each handler declares
(``endpoint.declare``: status, body schema, query parameters,
microversion) and the first line of its docstring, so it cannot differ
from the API.  ``GET /openapi.json`` serves it without authentication,
like version discovery: it describes the API, never what a site holds.
``python -m protector.api.openapi FILE`` (``tox -e openapi``) writes it.
"""

import functools
import json
import re
import sys

from protector.api import endpoint
from protector.api import microversion
from protector.api import router
from protector.api.schemas import common

OPENAPI = '3.1.0'
_PARAMETER = re.compile(r'{([^}]+)}')
_REASONS = {200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content'}

ERROR = {
    'type': 'object',
    'required': ['error'],
    'properties': {'error': {
        'type': 'object',
        'required': ['code', 'title', 'error_code', 'message'],
        'properties': {
            'code': {'type': 'integer', 'minimum': 400, 'maximum': 599,
                     'description': 'The HTTP status.'},
            'title': {'type': 'string', 'minLength': 1,
                      'description': 'The HTTP reason phrase.'},
            'error_code': {
                'type': 'string', 'pattern': '^[a-z][a-z_]*[a-z]$',
                'description': 'Stable and machine-readable: clients '
                               'branch on it, never on the message. The '
                               'API reference lists every code.'},
            'message': {'type': 'string', 'minLength': 1,
                        'description': 'What is wrong and what to do '
                                       'next, for a person.'},
            'problems': {'type': 'array', 'items': {'type': 'string'},
                         'description': 'Each problem of a recovery plan '
                                        'or of a pre-flight check.'},
        },
    }},
}
_ERROR_RESPONSE = {
    'description': 'An error; the body names what is wrong.',
    'content': {'application/json': {
        'schema': {'$ref': '#/components/schemas/Error'}}},
}
_PATH_VALUE = dict(common.IDENTIFIER, maxLength=1024)


def _summary(handler):
    lines = (handler.__doc__ or '').strip().splitlines()
    return lines[0].rstrip('.') if lines else handler.__name__


def _versions_from(version):
    """The header values that reach an endpoint added in ``version``."""
    major, minor = version
    values = ['%s %d.%d' % (microversion.SERVICE_TYPE, major, number)
              for number in range(minor, microversion.MAX_VERSION[1] + 1)]
    return values + ['%s latest' % microversion.SERVICE_TYPE]


def _version_header(declared):
    newer = declared.version > microversion.MIN_VERSION
    return {
        'name': microversion.HEADER, 'in': 'header', 'required': newer,
        # The header may carry other services' versions too; a value
        # that names no protector version means the oldest.
        'schema': {'anyOf': [{'enum': _versions_from(declared.version)},
                             {'type': 'string'}]},
        'description': (
            'The microversion, "protector X.Y" or "protector latest": '
            'this operation needs %s or newer (below, it answers 404).'
            % microversion.as_string(declared.version) if newer else
            'The microversion, "protector X.Y" or "protector latest"; '
            'without one, %s.'
            % microversion.as_string(microversion.MIN_VERSION)),
    }


def _parameters(path, declared):
    parameters = [{'name': name, 'in': 'path', 'required': True,
                   'schema': _PATH_VALUE}
                  for name in _PARAMETER.findall(path)]
    for name, schema in sorted(declared.query.items()):
        schema = dict(schema)
        description = schema.pop('title', None)
        parameter = {'name': name, 'in': 'query', 'required': False,
                     'schema': schema}
        if description:
            parameter['description'] = description
        parameters.append(parameter)
    parameters.append(_version_header(declared))
    return parameters


def _success(declared):
    response = {'description': _REASONS.get(declared.status, 'Success')}
    if declared.status != 204:
        response['content'] = {'application/json': {
            'schema': declared.response or {'type': 'object'}}}
    return response


def _operation(path, method, handler):
    declared = endpoint.of(handler)
    module = handler.__module__.rsplit('.', 1)[-1]
    operation = {
        'operationId': '%s.%s.%s' % (module, handler.__name__,
                                     method.lower()),
        'summary': _summary(handler),
        'tags': [module],
        'parameters': _parameters(path, declared),
        'responses': {str(declared.status): _success(declared),
                      '4XX': _ERROR_RESPONSE, '5XX': _ERROR_RESPONSE},
    }
    if declared.version > microversion.MIN_VERSION:
        operation['x-openstack-microversion'] = microversion.as_string(
            declared.version)
    if declared.body is not None:
        operation['requestBody'] = {
            'required': not declared.body_optional,
            'content': {'application/json': {'schema': declared.body}}}
    if path in router.PUBLIC_PATHS:
        operation['security'] = []
    return operation


def _paths():
    paths = {}
    for path, methods in router.ROUTES.items():
        # Two routes may share a handler (/v1 and /v1/).
        paths[path] = {method.lower(): _operation(path, method, handler)
                       for method, handler in sorted(methods.items())}
        if path == '/v1/':
            for operation in paths[path].values():
                operation['operationId'] += '.slash'
    return paths


@functools.lru_cache(maxsize=1)
def _document():
    return json.dumps({
        'openapi': OPENAPI,
        'info': {
            'title': 'protector',
            'version': microversion.as_string(microversion.MAX_VERSION),
            'summary': 'Disaster recovery for OpenStack clouds.',
            'description': (
                'Each site serves this API on port 8788. Microversions '
                '%s to %s: send "%s: %s X.Y".' % (
                    microversion.as_string(microversion.MIN_VERSION),
                    microversion.as_string(microversion.MAX_VERSION),
                    microversion.HEADER, microversion.SERVICE_TYPE)),
        },
        'servers': [{'url': '/',
                     'description': 'The protector-api of a site.'}],
        'security': [{'keystone': []}],
        'paths': _paths(),
        'components': {
            'schemas': {'Error': ERROR},
            'securitySchemes': {'keystone': {
                'type': 'apiKey', 'in': 'header', 'name': 'X-Auth-Token',
                'description': 'A Keystone token; the roles it carries '
                               'decide what policy allows.'}},
        },
    }, sort_keys=True)


def describe():
    """The description as a new dict (callers may change it)."""
    return json.loads(_document())


def write(path):
    with open(path, 'w') as output:
        json.dump(describe(), output, indent=2, sort_keys=True)
        output.write('\n')


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        sys.stderr.write('usage: python -m protector.api.openapi FILE\n')
        return 2
    write(argv[0])
    return 0


if __name__ == '__main__':
    sys.exit(main())
