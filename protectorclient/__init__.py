"""python client library and OpenStackClient plugin for protector."""
