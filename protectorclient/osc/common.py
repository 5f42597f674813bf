"""Helpers shared by the protector commands: output shaping, parsing."""

import argparse
import logging

from cliff import columns
from osc_lib.cli import format_columns
from osc_lib import exceptions
from osc_lib import utils

from protectorclient import exceptions as client_exceptions

LOG = logging.getLogger(__name__)

SECRET = '******'


class OrderedListColumn(format_columns.ListColumn):
    """A list shown in its own order (steps happen in order)."""

    def human_readable(self):
        return ', '.join(str(item) for item in self._value or [])


class ReadyColumn(columns.FormattableColumn):
    """Failover readiness: yes, no, or - when the site has not looked."""

    def human_readable(self):
        return {True: 'yes', False: 'no'}.get(self._value, '-')

    def machine_readable(self):
        return self._value if isinstance(self._value, bool) else None


class GradeColumn(columns.FormattableColumn):
    """An RPO grade, or - when the site has not graded the group."""

    def human_readable(self):
        return self._value or '-'

    def machine_readable(self):
        return self._value or None


class LocalChangesColumn(columns.FormattableColumn):
    """Changes a site made alone (--local): versions, site, since when."""

    def human_readable(self):
        return local_changes(self._value) if self._value else ''

    def machine_readable(self):
        return self._value or None


def local_changes(held):
    """'versions 5 to 7 made on site-a alone since <time>'."""
    first, last = held.get('first_version'), held.get('last_version')
    versions = ('version %s' % first if first == last
                else 'versions %s to %s' % (first, last))
    return '%s made on %s alone since %s' % (versions, held.get('site'),
                                             held.get('since'))


class DurationColumn(columns.FormattableColumn):
    """Seconds as people read them (4m 12s); scripts get the number."""

    def human_readable(self):
        return duration(self._value)

    def machine_readable(self):
        return self._value if self._value != '' else None


def duration(seconds):
    """``seconds`` as '45s', '4m 12s', '15m', '5h 03m' or '3d 4h'.

    Two units at most, the second left out when zero; None: '-'.
    """
    if seconds is None or seconds == '':
        return '-'
    seconds = int(round(seconds))
    if seconds < 60:
        return '%ds' % seconds
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return _units(minutes, 'm', seconds, '%02ds')
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _units(hours, 'h', minutes, '%02dm')
    days, hours = divmod(hours, 24)
    return _units(days, 'd', hours, '%dh')


def _units(first, unit, second, second_format):
    shown = '%d%s' % (first, unit)
    return shown + ' ' + second_format % second if second else shown


def format_value(value):
    """Wrap lists and dicts so tables stay readable and JSON structured."""
    if isinstance(value, dict):
        return format_columns.DictColumn(value)
    if isinstance(value, list):
        if value and all(isinstance(item, dict) for item in value):
            return format_columns.ListDictColumn(value)
        return OrderedListColumn(value)
    return value


def show(resource, fields, hidden=()):
    """Return (columns, data) of a ShowOne for one resource.

    ``fields`` come first in their order, then any other field the server
    sent, sorted; ``hidden`` fields are never shown.
    """
    resource = dict(resource)
    for name in hidden:
        resource.pop(name, None)
    names = [f for f in fields if f in resource]
    names += sorted(k for k in resource if k not in fields)
    return (tuple(names),
            tuple(format_value(resource[name]) for name in names))


def _page_size(value):
    try:
        size = int(value)
    except ValueError:
        size = 0
    if size < 1:
        raise argparse.ArgumentTypeError(
            "expects a whole number of 1 or more, got '%s'" % value)
    return size


def add_pagination_options(parser, sort_keys):
    """--limit, --marker, --sort-key and --sort-dir of a list command.

    ``sort_keys`` are the keys the server sorts this list by, for the
    help; the server checks them and names the allowed ones.
    """
    parser.add_argument(
        '--limit', metavar='<num-items>', type=_page_size,
        help='List at most this many items (default: all of them, read '
             'page by page)')
    parser.add_argument(
        '--marker', metavar='<id>',
        help='List the items after this one: the ID of the last item of '
             'the previous list')
    parser.add_argument(
        '--sort-key', metavar='<key>',
        help='Sort by this field: %s (ID breaks ties)'
             % ', '.join(sort_keys))
    parser.add_argument(
        '--sort-dir', metavar='<asc|desc>', choices=['asc', 'desc'],
        help="Sort direction (default: the list's own order)")


def pagination(parsed_args):
    """The pagination keyword arguments of a manager's ``list``."""
    return {'limit': parsed_args.limit, 'marker': parsed_args.marker,
            'sort_key': parsed_args.sort_key,
            'sort_dir': parsed_args.sort_dir}


def rows(items, keys, formatters=None):
    """Rows of a Lister: the value of each key for every item."""
    return (utils.get_dict_properties(item, keys, formatters=formatters)
            for item in items)


def parse_pairs(values, option):
    """Turn ``['SRC=DST', ...]`` (or nested lists) into a dict."""
    result = {}
    flat = []
    for value in values or []:
        flat.extend(value if isinstance(value, list) else [value])
    for pair in flat:
        src, sep, dst = pair.partition('=')
        if not sep or not src or not dst:
            raise exceptions.CommandError(
                "%s expects SOURCE=TARGET, got '%s'." % (option, pair))
        result[src] = dst
    return result


def delete_each(names, delete, kind):
    """Call ``delete`` for every name; report every failure.

    With one name the server's error is raised as it is.
    """
    if len(names) == 1:
        delete(names[0])
        return
    failed = 0
    for name in names:
        try:
            delete(name)
        except client_exceptions.ClientException as e:
            failed += 1
            LOG.error("Failed to delete %s '%s': %s", kind, name, e)
    if failed:
        raise exceptions.CommandError(
            '%d of %d %ss failed to delete.' % (failed, len(names), kind))
