"""Errors in the shape a FlashArray's REST 1.x API returns them.

A refused request is answered with HTTP 400 (401 for authentication) and a
JSON list of objects, each naming the object concerned (``ctx``) and a
message (``msg``).  The messages contain the phrases the Cinder Pure
driver matches on ("does not exist", "already exists", "has been
destroyed", "already belongs to", "could not be found", "already
includes", "already allowed on", "is not connected", "already in use",
"cannot be deleted due to existing connections").
"""


class ArrayError(Exception):
    """A request the array refuses."""

    def __init__(self, msg, ctx="", status=400):
        super().__init__(msg)
        self.msg = msg
        self.ctx = ctx
        self.status = status

    def body(self):
        return [{"pure_err_key": "err.friendly",
                 "pure_err_code": 1,
                 "code": 0,
                 "ctx": self.ctx,
                 "msg": self.msg}]


class NotFound(ArrayError):
    def __init__(self, kind, name):
        super().__init__("%s does not exist." % kind, name)


class AlreadyExists(ArrayError):
    def __init__(self, kind, name):
        super().__init__("%s already exists." % kind, name)


class Destroyed(ArrayError):
    def __init__(self, kind, name):
        super().__init__("%s has been destroyed." % kind, name)


class Unauthorized(ArrayError):
    def __init__(self, msg, ctx=""):
        super().__init__(msg, ctx, status=401)


class PeerError(Exception):
    """A call to a connected array failed."""

    def __init__(self, status, body):
        super().__init__("peer answered %s: %s" % (status, body))
        self.status = status
        self.body = body

    def message(self):
        if isinstance(self.body, list) and self.body:
            return self.body[0].get("msg", str(self.body))
        return str(self.body)
