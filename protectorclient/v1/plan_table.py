"""A recovery plan as a table of servers (CSV).

Acura makes plans from a machines list; this is that list.  One row per
server, under a header row naming the columns (in any order):

``name`` (required)
    The device: the server's name (or its name in the plan).
``id``
    The server's ID on the source site; empty keeps the plan's.
``rank`` (required)
    Boot order, 0 to 1000.
``delay``
    Seconds its rank waits for it once it is ACTIVE (a ``wait`` boot
    condition); empty: no wait (a boot condition of another type, set in
    the JSON plan, stays).
``flavor``
    Flavor on the recovery site; empty: the server's own, or its mapping.
``ip``
    Fixed IP of its first port; empty: the address Neutron picks.

A table is applied to the current plan: its servers take these values,
everything else (ports, subnets, the other keys, and the columns the
header leaves out) stays as the plan has it, and servers the table does
not list leave the plan.  Other columns are not used.  Every problem
names its row (the header is row 1) and column.
"""

import csv
import io
import ipaddress
import re

COLUMNS = ('name', 'id', 'rank', 'delay', 'flavor', 'ip')
REQUIRED = ('name', 'rank')
# The column of a problem the server names in a device (after its path).
_PROBLEM_COLUMNS = ((re.compile(r'\.rank\b'), 'rank'),
                    (re.compile(r'\.boot_condition\b'), 'delay'),
                    (re.compile(r'\.flavor\b'), 'flavor'),
                    (re.compile(r'\.id\b'), 'id'),
                    (re.compile(r'\.ports\.[^.:]+\.ip\b'), 'ip'))


class TableInvalid(Exception):
    """A table with problems; ``problems`` lists every one."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__('\n'.join(problems))


def _ports(device):
    ports = device.get('ports') or []
    return list(ports.values()) if isinstance(ports, dict) else ports


def _boot_order(devices):
    def key(name):
        rank = devices[name].get('rank')
        return (not isinstance(rank, int), rank if isinstance(rank, int)
                else 0, name)
    return sorted(devices, key=key)


def export(plan):
    """The table of a plan, in boot order (rank, then name)."""
    devices = plan.get('devices') or {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\n')
    writer.writerow(COLUMNS)
    for name in _boot_order(devices):
        device = devices[name]
        condition = device.get('boot_condition') or {}
        ports = _ports(device)
        writer.writerow([
            name, device.get('id', ''), device.get('rank', ''),
            condition.get('delay_seconds', '')
            if condition.get('type') == 'wait' else '',
            device.get('flavor', ''),
            ports[0].get('ip', '') if ports else ''])
    return out.getvalue()


def _number(row, column, value, highest, what):
    if value.isdigit() and int(value) <= highest:
        return int(value), None
    return None, 'row %d, column %s: %r is not %s' % (
        row, column, value, what)


def _row(number, cells, seen):
    """The values of one row, and its problems."""
    problems = []
    values = {'row': number}
    name = cells.get('name', '')
    if not name:
        problems.append('row %d, column name: a server name is needed'
                        % number)
    elif name in seen:
        problems.append('row %d, column name: %r is listed twice (also row '
                        '%d)' % (number, name, seen[name]))
    values['name'] = name
    values['rank'], problem = _number(number, 'rank', cells.get('rank', ''),
                                      1000, 'a whole number from 0 to 1000')
    problems.append(problem)
    if 'delay' in cells:
        values['delay'] = None
    if cells.get('delay'):
        values['delay'], problem = _number(
            number, 'delay', cells['delay'], 86400,
            'a number of seconds from 0 to 86400')
        problems.append(problem)
    if cells.get('ip'):
        try:
            ipaddress.ip_address(cells['ip'])
        except ValueError:
            problems.append('row %d, column ip: %r is not an IP address'
                            % (number, cells['ip']))
    values.update((column, cells[column]) for column in ('id', 'flavor', 'ip')
                  if column in cells)
    return values, [p for p in problems if p]


def read(text):
    """``(rows, unused columns)`` of a table; raises TableInvalid.

    Each row is ``{'row', 'name', 'rank'}`` and the other columns of
    the header (an empty cell is ``''``, an empty delay None).
    """
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip().lower() for cell in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise TableInvalid(['row 1: the header row must name the columns '
                            '%s (it names %s)' % (
                                ', '.join(REQUIRED),
                                ', '.join(header) or 'none')])
    rows, problems, seen = [], [], {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = dict.fromkeys(header, '')
        cells.update(zip(header, (cell.strip() for cell in row)))
        values, found = _row(number, cells, seen)
        problems.extend(found)
        seen.setdefault(values['name'], number)
        rows.append(values)
    if problems:
        raise TableInvalid(problems)
    return rows, [c for c in header if c not in COLUMNS]


def _device_of(devices, row):
    if row['name'] in devices:
        return row['name']
    return next((name for name, device in devices.items()
                 if row.get('id') and device.get('id') == row['id']), None)


def apply(plan, rows):
    """A new plan: ``plan`` with the values of the table's rows.

    Raises TableInvalid when a row gives an IP to a device without ports.
    """
    devices = (plan or {}).get('devices') or {}
    planned = {}
    problems = []
    for row in rows:
        known = _device_of(devices, row)
        device = dict(devices[known]) if known is not None else {}
        if row.get('id'):
            device['id'] = row['id']
        device['rank'] = row['rank']
        if 'delay' in row:
            _set_delay(device, row['delay'])
        if 'flavor' in row:
            device.pop('flavor', None)
            if row['flavor']:
                device['flavor'] = row['flavor']
        if 'ip' in row:
            problems.extend(_set_ip(device, row))
        planned[row['name']] = device
    if problems:
        raise TableInvalid(problems)
    return dict(plan or {}, devices=planned,
                subnets=(plan or {}).get('subnets') or {})


def _set_delay(device, delay):
    condition = device.pop('boot_condition', None)
    if delay is not None:
        device['boot_condition'] = {'type': 'wait', 'delay_seconds': delay}
    elif condition and condition.get('type') != 'wait':
        device['boot_condition'] = condition


def _set_ip(device, row):
    ports = device.get('ports')
    first = next(iter(ports), None) if ports else None
    if first is None:
        return ['row %d, column ip: server %s has no port in the plan to '
                'give %s to; describe its ports in the JSON plan'
                % (row['row'], row['name'], row['ip'])] if row['ip'] else []
    if isinstance(ports, dict):
        ports = dict(ports)
        key = first
    else:
        ports = list(ports)
        key = 0
    port = dict(ports[key])
    port.pop('ip', None)
    if row['ip']:
        port['ip'] = row['ip']
    ports[key] = port
    device['ports'] = ports
    return []


def locate(problem, rows):
    """A problem the server found in a plan made from ``rows``.

    The row and column it comes from are put in front.
    """
    for row in sorted(rows, key=lambda r: -len(r['name'])):
        prefix = 'devices.%s' % row['name']
        rest = problem[len(prefix):]
        if not problem.startswith(prefix) or rest[:1] not in ('.', ':'):
            continue
        column = next((c for pattern, c in _PROBLEM_COLUMNS
                       if pattern.match(rest)), None)
        where = 'row %d' % row['row'] + (
            ', column %s' % column if column else '')
        return '%s: %s' % (where, problem)
    return problem
