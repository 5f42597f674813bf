"""Request bodies and query values checked against their JSON Schemas.

Every problem names its field and says what is wrong.  A value the client
sent is quoted only as a short excerpt, and never when the field may hold
a secret: a field named like one (``password``, ``*_token``, ``secret``)
or one whose schema, or any schema below it, is ``writeOnly``.
"""

import json

import jsonschema

from protector.common import exception

# Deeper bodies are refused before anything walks them recursively.
MAX_DEPTH = 32
TYPES = {dict: 'an object', list: 'an array', str: 'a string',
         bool: 'a boolean', int: 'an integer', float: 'a number',
         type(None): 'null'}


def _field(parts):
    return '.'.join(str(part) for part in parts) or '(body)'


def _refuse_constant(name):
    raise ValueError('%s is not a JSON value; send a number or a string'
                     % name)


def _check_text(text, path):
    try:
        text.encode('utf-8')
    except UnicodeEncodeError:
        raise exception.BadRequest(
            "Invalid field '%s': it holds a lone surrogate (%s), which is "
            "not a Unicode character; send the text as UTF-8."
            % (_field(path), exception.excerpt(text)))


def _check_tree(value):
    """Refuse deep nesting and text that is not Unicode (no recursion)."""
    pending = [(value, [])]
    while pending:
        value, path = pending.pop()
        if len(path) > MAX_DEPTH:
            raise exception.BadRequest(
                'The request body nests deeper than %d levels (at %s); '
                'no request of this API needs that.'
                % (MAX_DEPTH, _field(path[:3]) + '...'))
        if isinstance(value, str):
            _check_text(value, path)
        elif isinstance(value, dict):
            for key, item in value.items():
                _check_text(key, path + [key])
                pending.append((item, path + [key]))
        elif isinstance(value, list):
            pending.extend((item, path + [index])
                           for index, item in enumerate(value))


def parse(raw):
    """The JSON value of a request body; 400 when it is not one we take."""
    try:
        value = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        raise exception.BadRequest(
            'The request body nests deeper than %d levels; no request of '
            'this API needs that.' % MAX_DEPTH)
    except ValueError as exc:
        raise exception.BadRequest('The request body is not valid JSON: %s'
                                   % exception.excerpt(str(exc), 200))
    _check_tree(value)
    return value


def _secret_name(part):
    name = str(part).lower()
    return name == 'password' or name.endswith('_token') or \
        'secret' in name


def _objects(tree):
    """Every object (dict) in a JSON tree."""
    pending = [tree]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            yield item
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def _write_only(schema):
    return any(node.get('writeOnly') for node in _objects(schema))


def _holds_secret(instance):
    return any(_secret_name(key) for node in _objects(instance)
               for key in node)


def may_hold_secret(error):
    """Whether the value of a validation error must not be quoted."""
    return (any(_secret_name(part) for part in error.absolute_path) or
            _write_only(error.schema) or _holds_secret(error.instance))


def _unknown_fields(error):
    known = error.schema.get('properties', {})
    return sorted(exception.excerpt(key) for key in error.instance
                  if key not in known)


def _what_is_wrong(error):
    """What is wrong with the value, without quoting it."""
    kind, expected = error.validator, error.validator_value
    instance = error.instance
    if kind == 'type':
        return "is not of type %s (it is %s)" % (
            ' or '.join("'%s'" % name for name in (
                expected if isinstance(expected, list) else [expected])),
            TYPES.get(type(instance), 'something else'))
    if kind == 'const' and error.schema.get('description'):
        return error.schema['description']
    if kind in ('enum', 'const'):
        allowed = expected if kind == 'enum' else [expected]
        return 'must be one of %s' % ', '.join(
            "'%s'" % value if isinstance(value, str) else json.dumps(value)
            for value in allowed)
    if kind == 'minLength':
        return ('must not be empty' if expected == 1 else
                'must be at least %d characters long' % expected)
    if kind == 'maxLength':
        return 'must be at most %d characters long (it has %d)' % (
            expected, len(instance))
    if kind == 'pattern':
        return error.schema.get('description') or \
            'does not have the expected form %s' % expected
    if kind == 'minimum':
        return 'must be at least %s' % expected
    if kind == 'maximum':
        return 'must be at most %s' % expected
    if kind == 'minProperties':
        return 'needs at least %d field(s)' % expected
    if kind == 'maxProperties':
        return 'takes at most %d field(s)' % expected
    if kind == 'minItems':
        return 'needs at least %d item(s)' % expected
    if kind == 'maxItems':
        return 'takes at most %d item(s)' % expected
    if kind == 'additionalProperties':
        unknown = _unknown_fields(error)
        return ('Additional properties are not allowed (%s %s unexpected); '
                'remove %s' % (', '.join("'%s'" % name for name in unknown),
                               'was' if len(unknown) == 1 else 'were',
                               'it' if len(unknown) == 1 else 'them'))
    if kind in ('oneOf', 'anyOf'):
        return error.schema.get('description') or \
            'does not match any of the forms it may take'
    return 'is not valid (%s check failed)' % kind


# Problems whose value is worth quoting back.
_QUOTED = ('enum', 'const', 'pattern', 'minimum', 'maximum')


def describe(error):
    """What is wrong, quoting the value only when that is safe."""
    message = _what_is_wrong(error)
    if 'propertyNames' in error.absolute_schema_path:
        message = 'the name of a field ' + message
    if error.validator in _QUOTED:
        message += (' (a secret is not shown)' if may_hold_secret(error)
                    else ' (got %s)' % exception.excerpt(
                        json.dumps(error.instance, ensure_ascii=False)))
    return message


def problem(error):
    """One validation error as "Invalid field 'a.b': what is wrong"."""
    path = list(error.absolute_path)
    if error.validator == 'required':
        missing = [name for name in error.validator_value
                   if name not in error.instance]
        return "Invalid field '%s': this field is required" % (
            _field(path + missing[:1]))
    return "Invalid field '%s': %s" % (_field(path), describe(error))


def problems(schema, value):
    validator = jsonschema.Draft202012Validator(schema)
    return sorted(problem(error) for error in validator.iter_errors(value))


def validate(schema, value):
    """Raise one 400 that names every problem of ``value``."""
    found = problems(schema, value)
    if found:
        raise exception.BadRequest('; '.join(found) + '.')
    return value


_TRUE = ('true', '1', 'yes')
_FALSE = ('false', '0', 'no')


def _query_value(schema, text):
    """A query parameter's value as its schema's type, or a problem."""
    kind = schema.get('type')
    if kind == 'boolean':
        if text.lower() in _TRUE + _FALSE:
            return text.lower() in _TRUE, None
        return None, 'must be true or false (got %s)' % exception.excerpt(
            text)
    if kind == 'integer':
        try:
            return int(text, 10), None
        except ValueError:
            return None, 'must be an integer (got %s)' % exception.excerpt(
                text)
    return text, None


def check_query(declared, params):
    """Check the query parameters a handler declares.

    ``declared`` maps a name to the JSON Schema of its value; one 400
    names every bad one.
    """
    found = []
    for name, schema in sorted(declared.items()):
        for text in params.getall(name):
            value, wrong = _query_value(schema, text)
            if wrong is None:
                errors = jsonschema.Draft202012Validator(
                    schema).iter_errors(value)
                wrong = next((describe(error) for error in errors), None)
            if wrong:
                found.append("Invalid query parameter '%s': %s" % (
                    name, wrong))
    if found:
        raise exception.InvalidQueryParameter('; '.join(found) + '.')
