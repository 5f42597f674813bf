"""Hypothesis strategies for the values a JSON Schema of this API accepts.

The schemas of protector use a small part of JSON Schema (types,
properties, required, additionalProperties, enum, const, lengths,
patterns, bounds, items, oneOf); this draws values that mostly satisfy
them, which is what the fuzz test needs to get past validation into the
handlers.
"""

from hypothesis import strategies as st

_LEAF = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
_TYPES = ('object', 'array', 'string', 'integer', 'number', 'boolean',
          'null')


def _string(schema):
    low = schema.get('minLength', 0)
    high = schema.get('maxLength', 64)
    if 'pattern' in schema:
        text = st.from_regex(schema['pattern'])
    else:
        text = st.text(min_size=low, max_size=min(high, low + 64))
    return text.filter(lambda value: low <= len(value) <= high)


def _object(schema):
    properties = schema.get('properties', {})
    required = [name for name in schema.get('required', [])
                if name in properties]
    optional = sorted(set(properties) - set(required))
    extra = schema.get('additionalProperties', True)
    least = max(0, schema.get('minProperties', 0) - len(required))
    most = schema.get('maxProperties')
    if most is not None:
        most -= len(required)
        extra = False
    names = from_schema(dict(schema.get('propertyNames', {}),
                             type='string'))

    @st.composite
    def build(draw):
        chosen = required + draw(
            st.lists(st.sampled_from(optional), unique=True,
                     min_size=least, max_size=most)
            if optional else st.just([]))
        value = {name: draw(from_schema(properties[name]))
                 for name in chosen}
        if extra is not False and draw(st.integers(0, 3)) == 0:
            values = from_schema(extra) if isinstance(extra, dict) \
                else _LEAF
            value.update(draw(st.dictionaries(names, values, max_size=2)))
        return value
    return build()


def from_schema(schema):
    """A strategy for values of ``schema``."""
    if 'const' in schema:
        return st.just(schema['const'])
    if 'enum' in schema:
        return st.sampled_from(schema['enum'])
    for key in ('oneOf', 'anyOf'):
        if key in schema:
            return st.one_of(*[from_schema(option)
                               for option in schema[key]])
    kind = schema.get('type')
    if isinstance(kind, list):
        return st.one_of(*[from_schema(dict(schema, type=one))
                           for one in kind])
    if kind is None:
        kind = 'object' if 'properties' in schema else None
    if kind == 'object':
        return _object(schema)
    if kind == 'array':
        return st.lists(from_schema(schema.get('items', {})),
                        min_size=schema.get('minItems', 0),
                        max_size=schema.get('maxItems', 4))
    if kind == 'string':
        return _string(schema)
    if kind == 'integer':
        return st.integers(schema.get('minimum'), schema.get('maximum'))
    if kind == 'number':
        return st.floats(schema.get('minimum'), schema.get('maximum'),
                         allow_nan=False, allow_infinity=False)
    if kind == 'boolean':
        return st.booleans()
    if kind == 'null':
        return st.none()
    return _LEAF
