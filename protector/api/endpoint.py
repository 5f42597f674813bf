"""What each handler of the route table declares about itself.

The router checks the microversion and ``util.body`` validates the body
against these declarations, and the OpenAPI description of the API is
written from them, so what is served and what is published cannot differ.
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Endpoint:
    # The status of a successful answer.
    status: int = 200
    # JSON Schema of the request body; None: the request has none.
    body: dict = None
    # Whether the body may be left out.
    body_optional: bool = False
    # Query parameters: name -> JSON Schema of the value (its ``title``
    # says what the parameter does; booleans and integers are read from
    # their text).
    query: dict = dataclasses.field(default_factory=dict)
    # The microversion that added the endpoint; older ones answer 404.
    version: tuple = (1, 0)
    # JSON Schema of the body of a successful answer, for the OpenAPI
    # description and for tests that check answers against it; None: only
    # "an object" is described.
    response: dict = None


def declare(**kwargs):
    """Attach an :class:`Endpoint` to a handler."""
    endpoint = Endpoint(**kwargs)

    def decorate(handler):
        handler.endpoint = endpoint
        return handler
    return decorate


def of(handler):
    return getattr(handler, 'endpoint', None) or Endpoint()
