"""The plan examples of Acura's DR plan documentation (seed 000).

Each is the documentation's JSON, adapted only in the names and ids of
machines to the servers of the fake inventory (``base.inventory``):
IIS-Demo (``base.WEB_ID``) and rhel7.2 (``base.DB_ID``).  The ids of the
full example are already theirs.  Each function returns a new copy.
"""

import json

# "Example of a Disaster Recovery plan", as written.
_FULL = '''
{
"devices": {
"IIS-Demo": {
"rank": 1,
"id": "52ce9361-b282-72b6-425a-f67347c5b79a",
"scheduler_hints": {
"group": "0c1b2901-7687-470e-a82c-6f69e92d5245"
},
"ports": [
{
"name": "port_0",
"ip": "192.168.15.112",
"subnet": "main_subnet"
},
{
"name": "port_1",
"subnet": "external"
}
]
},
"rhel7.2": {
"id": "522f3448-6a56-aa45-2131-207f7dda6664",
"ports": [
{
"name": "port_0",
"ip": "192.168.15.100",
"subnet": "main_subnet"
}
],
"rank": 0,
"boot_condition": {
"delay_seconds": 120,
"type": "wait"
}
}
},
"subnets": {
"main_subnet": {
"cidr": "192.168.15.0/24",
"subnet_id": "eda47a07-d1dd-4aca-ae8f-c652e997008e"
}
}
}
'''

# "Syntax of machine description": one machine, its ports an object.
_MACHINE = '''
{
"rhel7.2": {
"id": "522f3448-6a56-aa45-2131-207f7dda6664",
"custom_image_metadata": {
"hw_qemu_guest_agent": "no",
"os_require_quiesce": "no",
"my_os_type": "linux-custom",
"hw_disk_bus": "scsi",
"hw_scsi_model": "virtio-scsi",
"my_custom_image_tag": "linux"
},
"security_groups": [
"sg-1",
"sg-2"
],
"availability_zone": "zone-1",
"user_data": "#!/bin/bash\\nrpm -e hlragent\\nrm -rf /etc/hystax\\n",
"ports": {
"port_0": {
"ip": "192.168.15.100",
"subnet": "main_subnet"
}
},
"rank": 0,
"scheduler_hints": {
"group": "0c1b2901-7687-470e-a82c-6f69e92d5245"
},
"boot_condition": {
"delay_seconds": 120,
"type": "wait"
}
}
}
'''

# "subnets -- contains a description of networks".
_SUBNETS = '''
{
"subnets": {
"main_subnet": {
"cidr": "192.168.15.0/24",
"subnet_id": "eda47a07-d1dd-4aca-ae8f-c652e997008e"
}
}
}
'''

# "Ports, subnets, mac, ip, gateway, and dns" (machine sd_small_ubuntu).
_STATIC_PORT = '''
{
"devices": {
"rhel7.2": {
"rank": 0,
"ports": [
{
"name": "port_0",
"ip": "172.22.8.144",
"mac": "08:00:27:46:79:27",
"gateway_ip": "172.22.1.2",
"dns_nameservers": [
"172.22.1.2",
"172.22.1.3"
],
"subnet": "subnet_1"
}
],
"id": "522f3448-6a56-aa45-2131-207f7dda6664",
"flavor": "m1.medium"
}
},
"subnets": {
"subnet_1": {
"name": "subnet_1",
"cidr": "172.22.0.0/16"
}
}
}
'''

# The example of port "mtu" (machine DS2012R2MULMBR).
_MTU = '''
{
"devices": {
"rhel7.2": {
"id": "522f3448-6a56-aa45-2131-207f7dda6664",
"flavor": "m1.medium",
"rank": 0,
"ports": [
{
"name": "port_0",
"ip": "172.22.8.249",
"mac": "08:00:27:46:79:29",
"gateway_ip": "172.22.1.2",
"dns_nameservers": [
"172.22.1.2",
"8.8.4.4"
],
"mtu": 1511,
"subnet": "DS-internal-2"
}
]
}
},
"subnets": {
"DS-internal-2": {
"name": "DS-internal-2",
"subnet_id": "76377dae-4e35-4183-bafa-b06eef69249e",
"cidr": "172.22.0.0/16"
}
}
}
'''

# The example of "hostname" (machine ds2012test).
_HOSTNAME = '''
{
"devices": {
"rhel7.2": {
"id": "522f3448-6a56-aa45-2131-207f7dda6664",
"flavor": "m1.medium",
"hostname": "my-super-long-custom-hostname",
"rank": 0,
"ports": [
{
"name": "port_0",
"subnet": "DS-internal-2"
}
]
}
},
"subnets": {
"DS-internal-2": {
"name": "DS-internal-2",
"subnet_id": "76377dae-4e35-4183-bafa-b06eef69249e",
"cidr": "172.22.0.0/16"
}
}
}
'''

# The example of "ntp_server" (machine im-WS2019-ntp): the documentation
# puts "subnets" inside "devices".
_NTP = '''
{
"devices": {
"rhel7.2": {
"flavor": "m1.medium",
"ports": [
{
"name": "port_0",
"subnet": "provider-subnet"
}
],
"id": "522f3448-6a56-aa45-2131-207f7dda6664",
"rank": 0,
"ntp_server": "ntp6.ntp-servers.net"
},
"subnets":{
"provider-subnet": {
"name": "provider-subnet",
"subnet_id": "6129317f-4987-4bf3-bfd0-c0edc3bc4bba",
"cidr": "172.24.1.0/24"
}
}
}
}
'''


def full():
    """The full example: two machines, one of them on "external"."""
    return json.loads(_FULL)


def machine_description():
    """The machine description of rhel7.2, as a whole plan.

    With IIS-Demo of the full example and the documentation's "subnets".
    """
    plan = {'devices': json.loads(_MACHINE)}
    plan['devices']['IIS-Demo'] = full()['devices']['IIS-Demo']
    plan.update(json.loads(_SUBNETS))
    return plan


def static_port():
    """rhel7.2 on a subnet without subnet_id, with mac, gateway, dns."""
    return json.loads(_STATIC_PORT)


def mtu():
    return json.loads(_MTU)


def hostname():
    return json.loads(_HOSTNAME)


def ntp_as_documented():
    """The ntp_server example with "subnets" inside "devices"."""
    return json.loads(_NTP)


def ntp():
    """The ntp_server example with "subnets" where it belongs."""
    plan = ntp_as_documented()
    plan['subnets'] = plan['devices'].pop('subnets')
    return plan


def table_examples():
    """rhel7.2 with the examples of the parameter table."""
    plan = static_port()
    plan['devices']['rhel7.2'].update({
        'config_drive': 'true',
        'rclocal_script': '#!/bin/bash\ndate > date.txt\n',
        'custom_image_metadata': (
            'hw_qemu_guest_agent=no,os_require_quiesce=no,'
            'my_os_type=linux-custom,hw_disk_bus=scsi,'
            'hw_scsi_model=virtio-scsi,yv_custom_image_tag=Linux'),
        'key_name': 'yv-key',
        'fix_dev_prefix': 'vd',
        'firmware': 'EFI',
        'copy_efi_bootloader': True,
        'meta': {'Image Name': 'Hystax_CATI_', 'Key Name': 'username'},
    })
    plan['devices']['rhel7.2']['ports'][0].update(
        floating_ip=True, routing_allowed='true', interface='bridge')
    return plan


EVERY_EXAMPLE = (full, machine_description, static_port, mtu, hostname,
                 ntp, table_examples)


def servers(example):
    """The servers an example plans."""
    if example in (full, machine_description):
        return ('IIS-Demo', 'rhel7.2')
    return ('rhel7.2',)
