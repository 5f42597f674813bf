"""Version negotiation, API token login and sessions, with the real client."""

import json

import purestorage
import pytest
import requests

from tools.lab.flasharray.tests.fixtures import error_of


@pytest.fixture
def array(emulators):
    return emulators("array-a")


def test_client_negotiates_newest_rest_version(array):
    answer = requests.get("https://%s/api/api_version" % array.address,
                          verify=array.info["cert"])
    assert answer.status_code == 200
    assert answer.json()["version"][-1] == "1.19"
    client = array.client()
    assert client.get_rest_version() == "1.19"
    info = client.get()
    assert info["array_name"] == "array-a"
    assert info["id"] == array.info["id"]


def test_older_rest_version_on_request(array):
    client = array.client(rest_version="1.3")
    assert client.get_rest_version() == "1.3"
    assert client.list_volumes() == []


def test_wrong_token_is_refused_with_401(array):
    with pytest.raises(purestorage.PureHTTPError) as exc:
        array.client(api_token="not-the-token")
    assert exc.value.code == 401
    error = error_of(exc)
    assert error["ctx"] == "api_token"
    assert error["msg"]


def test_username_and_password_obtain_the_token(array):
    client = array.client(api_token=None, username="pureuser",
                          password="pureuser")
    assert client._api_token == array.token
    with pytest.raises(purestorage.PureHTTPError) as exc:
        array.client(api_token=None, username="pureuser", password="wrong")
    assert exc.value.code == 401


def test_requests_without_a_session_are_refused(array):
    answer = requests.get("https://%s/api/1.19/volume" % array.address,
                          verify=array.info["cert"])
    assert answer.status_code == 401
    assert answer.json()[0]["ctx"] == "session"


def test_session_cookie_is_renewed_on_every_answer(array):
    # The client drops its cookies after any 200 answer without one, so a
    # real array must send the session cookie back every time.
    client = array.client()
    client.list_volumes()
    assert "session" in client._cookies
    client.list_volumes()
    assert "session" in client._cookies


def test_logout_then_transparent_login(array):
    client = array.client()
    client.invalidate_cookie()
    # The next call is refused with 401; the client logs in again.
    assert client.list_volumes() == []


def test_get_parameters_travel_in_the_json_body(array):
    # The client sends GET parameters as a JSON body, not a query string;
    # both must work.
    client = array.client()
    client.create_volume("v1", 1 << 20)
    client.create_snapshot("v1", suffix="s1")
    assert [s["name"] for s in client.list_volumes(snap=True)] == ["v1.s1"]
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE would override verify
    session.verify = array.info["cert"]
    session.post("https://%s/api/1.19/auth/session" % array.address,
                 data=json.dumps({"api_token": array.token}),
                 headers={"Content-Type": "application/json"})
    answer = session.get("https://%s/api/1.19/volume?snap=true" %
                         array.address)
    assert [s["name"] for s in answer.json()] == ["v1.s1"]


def test_unknown_rest_version_answers_450(array):
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE would override verify
    session.verify = array.info["cert"]
    answer = session.get("https://%s/api/2.0/volume" % array.address)
    assert answer.status_code == 450


def test_restart_keeps_the_token(array):
    array.client().create_volume("kept", 1 << 20)
    array.stop()
    array.start()
    assert [v["name"] for v in array.client().list_volumes()] == ["kept"]
