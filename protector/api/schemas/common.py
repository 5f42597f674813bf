NAME = {'type': 'string', 'minLength': 1, 'maxLength': 255,
        'pattern': r'^[^\s/][^/]*$'}
DESCRIPTION = {'type': 'string', 'maxLength': 1024}
URL = {'type': 'string', 'minLength': 1, 'maxLength': 1024,
       'pattern': '^https?://'}
PROJECT_ID = {'type': 'string', 'minLength': 1, 'maxLength': 64}
SECRET = {'type': 'string', 'minLength': 1, 'maxLength': 1024}


def wrapped(key, properties, required=(), min_properties=0):
    """A body ``{key: {...}}`` with no unknown fields."""
    inner = {'type': 'object', 'properties': properties,
             'additionalProperties': False,
             'required': list(required)}
    if min_properties:
        inner['minProperties'] = min_properties
    return {'type': 'object', 'properties': {key: inner},
            'required': [key], 'additionalProperties': False}
