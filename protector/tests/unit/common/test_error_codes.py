"""Every error_code the service can answer is documented in api-ref."""

import os
import re

import testtools

from protector.api import router  # noqa: F401  (imports every handler)
from protector.common import driver_errors  # noqa: F401
from protector.common import exception
from protector.engine.operations import control  # noqa: F401

ERRORS_INC = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir,
                          os.pardir, os.pardir, 'api-ref', 'source',
                          'errors.inc')


def _codes(cls=exception.ProtectorException):
    found = {cls.error_code: cls.code}
    for subclass in cls.__subclasses__():
        found.update(_codes(subclass))
    return found


class TestErrorCodes(testtools.TestCase):

    def test_every_code_is_in_the_api_reference(self):
        with open(ERRORS_INC) as inc:
            documented = dict(re.findall(
                r'^   \* - ``([a-z_]+)``\n     - (\d{3})$', inc.read(),
                re.M))
        codes = _codes()

        self.assertEqual(sorted(codes), sorted(documented))
        for code, status in codes.items():
            self.assertEqual(str(status), documented[code], code)

    def test_codes_are_stable_words(self):
        for code in _codes():
            self.assertRegex(code, r'^[a-z][a-z_]*[a-z]$')
