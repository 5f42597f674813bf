"""Keys of the Acura plan format that have no OpenStack meaning.

Acura plans also drive VMware, KubeVirt and AWS targets, and changes made
inside the guest during P2V.  protector recovers OpenStack servers from
their replicated volumes as they are, so these keys mean nothing to it.
They are accepted, kept and exported unchanged, and an import answers
with a warning for each, so that nobody believes they were applied.
"""

# Device key: why protector does not apply it.
DEVICE = {
    'fix_dev_prefix': 'it renames disks inside a Linux guest during P2V; '
                      'protector recovers the replicated volumes as they '
                      'are',
    'disk_bus': 'it is a KubeVirt setting; on OpenStack put hw_disk_bus in '
                'custom_image_metadata',
    'firmware': 'it is a VMware, oVirt and GCP setting; on OpenStack put '
                'hw_firmware_type in custom_image_metadata',
    'guest_id': 'it is a VMware setting',
    'hardware_ver': 'it is a VMware setting',
    'byol': 'it is an AWS setting',
    'ntp_server': 'it configures NTP inside a Windows guest; protector does '
                  'not change guest operating systems',
    'copy_efi_bootloader': 'it changes the boot loader inside the guest '
                           'during P2V; protector recovers the replicated '
                           'volumes as they are',
}

# Port key: why protector does not apply it.
PORT = {
    'interface': 'it is a KubeVirt setting',
}

HOSTNAME_FALSE = ('Nova gives every server a hostname made from its name, '
                  'and cloud-init sets it in the guest')


def _warning(path, what, reason):
    return ('%s: %s has no OpenStack meaning, so it is kept and exported '
            'unchanged but not applied (%s)' % (path, what, reason))


def port_items(ports):
    """``[(index or name, port)]`` of a list or an object of ports."""
    if isinstance(ports, dict):
        return list(ports.items())
    if isinstance(ports, list):
        return list(enumerate(ports))
    return []


def warnings(plan):
    """One warning per key of a (valid) plan that protector keeps only."""
    found = []
    for name, device in plan['devices'].items():
        where = 'devices.%s' % name
        for key in device:
            if key in DEVICE:
                found.append(_warning('%s.%s' % (where, key), key,
                                      DEVICE[key]))
        if device.get('hostname') is False:
            found.append(_warning('%s.hostname' % where, 'hostname false',
                                  HOSTNAME_FALSE))
        for index, port in port_items(device.get('ports')):
            for key in port:
                if key in PORT:
                    found.append(_warning('%s.ports.%s.%s' % (
                        where, index, key), key, PORT[key]))
    return found
