"""How the values of an Acura plan read."""

import testtools

from protector.common import plan_format


class TestValues(testtools.TestCase):

    def test_flag(self):
        self.assertEqual([True, True, True, False, False, False],
                         [plan_format.flag(v) for v in (
                             True, 'true', 'True', False, 'false', None)])

    def test_port_list_names_the_ports_of_an_object(self):
        self.assertEqual(
            [{'name': 'port_0', 'subnet': 'a'},
             {'name': 'port_1', 'subnet': 'b'}],
            plan_format.port_list({'port_0': {'subnet': 'a'},
                                   'port_1': {'subnet': 'b'}}))
        listed = [{'name': 'eth0', 'subnet': 'a'}]
        self.assertEqual(listed, plan_format.port_list(listed))

    def test_image_metadata_as_text_or_object(self):
        self.assertEqual({'hw_disk_bus': 'scsi', 'os_type': ''},
                         plan_format.image_metadata(
                             ' hw_disk_bus = scsi ,os_type=,'))
        self.assertEqual({}, plan_format.image_metadata(''))
        self.assertEqual({'a': 'b'}, plan_format.image_metadata({'a': 'b'}))
        self.assertRaises(ValueError, plan_format.image_metadata, '=x')
