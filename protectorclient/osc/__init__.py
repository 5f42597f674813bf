"""OpenStackClient plugin of protector (``openstack protector ...``)."""
