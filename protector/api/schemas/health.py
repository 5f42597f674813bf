"""Protection health (microversion 1.2): query values and answers.

The answers are described here for the OpenAPI document and checked
against these schemas by the unit tests.
"""

from protector.db import api as db
from protector.health import grades

GRADES = list(grades.ALL)
# The counts of the admin summary: the grades, and the groups whose
# workload runs on the other site (its watch grades them).
SUMMARY_GRADES = GRADES + [db.NOT_WATCHED_HERE]
# protector.health.readiness: PASS, FAIL, UNKNOWN.
CHECK_STATUSES = ['pass', 'fail', 'unknown']

_TIME = {'type': ['string', 'null'],
         'description': 'ISO 8601, UTC; null when unknown.'}
_SECONDS = {'type': ['number', 'null'], 'minimum': 0}
_READY = {'type': ['boolean', 'null'],
          'description': 'null: this site has not looked at the group.'}
_COUNT = {'type': 'integer', 'minimum': 0}


def _object(properties, nullable=False):
    """An object with exactly these fields."""
    return {'type': ['object', 'null'] if nullable else 'object',
            'required': sorted(properties), 'properties': properties,
            'additionalProperties': False}


# What a 400 says about a bad ``since`` (the handler too, for a time of
# the right form that does not exist, such as month 13).
SINCE_FORM = 'expected an ISO 8601 time such as 2026-12-07T09:30:00Z'
# More samples than the watch keeps with the default settings.
MAX_SAMPLES = 100000

history_query = {
    # A date and a time, seconds and offset optional (without an offset,
    # UTC).
    'since': {'type': 'string',
              'pattern': r'^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}'
                         r'(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}:?\d{2})?$',
              'description': SINCE_FORM,
              'title': 'The samples taken at or after this time, ISO 8601 '
                       '(default: 24 hours ago).'},
    'limit': {'type': 'integer', 'minimum': 1, 'maximum': MAX_SAMPLES,
              'title': 'At most this many samples, the oldest first '
                       '(default: every sample since then).'},
}

CHECK = _object({
    'name': {'type': 'string'},
    'status': {'enum': CHECK_STATUSES},
    'detail': {'type': 'string'},
    'fix': {'type': ['string', 'null']},
})

TRANSFER = _object({
    'name': {'type': 'string'},
    'created_at': _TIME,
    'progress': {'type': ['number', 'null']},
    'data_transferred': {'type': ['integer', 'null']},
})

health = _object({'health': _object({
    'protection_group_id': {'type': 'string'},
    'rpo_seconds': _SECONDS,
    'rpo_target_seconds': {'type': ['integer', 'null']},
    'rpo_grade': {'enum': GRADES},
    'rpo_detail': {'type': 'string'},
    'failover_ready': _READY,
    'checks': {'type': 'array', 'items': CHECK},
    'newest_recovery_point': _object({'name': {'type': 'string'},
                                      'created_at': _TIME}, nullable=True),
    'transfers': {'type': 'array', 'items': TRANSFER},
    'last_checked_at': _TIME,
    'watched_by': {'type': ['string', 'null']},
})})

SAMPLE = _object({
    'checked_at': {'type': 'string'},
    'rpo_seconds': _SECONDS,
    'rpo_target_seconds': {'type': ['integer', 'null']},
    'rpo_grade': {'enum': GRADES},
    'failover_ready': {'type': 'boolean'},
    'failing_checks': {'type': 'array', 'items': {'type': 'string'}},
})

history = _object({'samples': {'type': 'array', 'items': SAMPLE}})

summary = _object({'health': _object({
    'projects': {'type': 'array', 'items': _object({
        'project_id': {'type': 'string'},
        'groups': _COUNT,
        'by_grade': _object({grade: _COUNT for grade in SUMMARY_GRADES}),
        'failover_ready': _COUNT,
        'not_ready': _COUNT,
    })},
    'not_ready': {'type': 'array', 'items': _object({
        'id': {'type': 'string'},
        'name': {'type': 'string'},
        'project_id': {'type': 'string'},
        'rpo_grade': {'enum': GRADES},
        'failing_checks': {'type': 'array', 'items': {'type': 'string'}},
    })},
    'sites': {'type': 'array', 'items': _object({
        'id': {'type': 'string'},
        'name': {'type': 'string'},
        'reachable': {'type': ['boolean', 'null']},
        'detail': {'type': 'string'},
        'checked_at': _TIME,
    })},
})})
