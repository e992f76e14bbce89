"""The web session on the API and the socket (API.md "Authentication", "WebSocket /ws/":
the session with CSRF on unsafe calls; a cookie counts only with an allowed Origin)."""

import http.cookiejar
import json
import re
import urllib.parse
import urllib.request

import pytest
from websockets.sync.client import connect

from tests.acceptance.conftest import error, fresh_phone, ok
from tests.servers import Response

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("postgres", "redis_server")]


class Browser:
    """Cookies kept between requests, as a browser keeps them."""

    def __init__(self, server):
        self.server = server
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def request(self, method, path, body=None, headers=None, form=False) -> Response:
        data = None
        request = urllib.request.Request(f"{self.server.url}{path}", method=method)  # noqa: S310
        if body is not None:
            if form:
                data = urllib.parse.urlencode(body).encode()
                request.add_header("Content-Type", "application/x-www-form-urlencoded")
            else:
                data = json.dumps(body).encode()
                request.add_header("Content-Type", "application/json")
        request.data = data
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with self.opener.open(request, timeout=10) as answer:
                return Response(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as failure:
            with failure:
                return Response(failure.code, failure.headers, failure.read())

    def post_form(self, path, fields) -> Response:
        page = self.request("GET", path).body.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request("POST", path, {"csrfmiddlewaretoken": token, **fields}, form=True)

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def test_a_web_sign_in_works_on_the_api_with_csrf_and_on_the_socket_with_an_origin(servers):
    phone = fresh_phone()
    browser = Browser(servers[0])
    browser.post_form("/register/", {"phone": phone, "display_name": "Webby"})
    browser.post_form("/verify/", {"code": servers.sms_code(phone)})
    assert browser.cookie("sessionid")

    me = ok(browser.request("GET", "/api/users/me"))
    assert me["phone"] == phone and me["display_name"] == "Webby"
    body = {"display_name": "Changed"}
    error(browser.request("PATCH", "/api/users/me", body), 403, "permission_denied")
    csrf = {"X-CSRFToken": browser.cookie("csrftoken")}
    assert ok(browser.request("PATCH", "/api/users/me", body, csrf))["display_name"] == "Changed"
    sessions = ok(browser.request("GET", "/api/auth/sessions"))
    assert [s["current"] for s in sessions] == [True]

    server = servers[0]
    cookie = {"Cookie": browser.cookie_header()}
    origin = {"Origin": f"http://127.0.0.1:{server.port}"}
    with connect(server.ws_url, additional_headers={**cookie, **origin}) as socket:
        socket.send(json.dumps({"type": "ping"}))
        assert json.loads(socket.recv(timeout=5)) == {"type": "pong"}
    # Without an Origin (an app, a script) a cookie is no credential.
    with connect(server.ws_url, additional_headers=cookie) as socket:
        with pytest.raises(Exception):  # noqa: B017 (closed by the server)
            socket.recv(timeout=5)
        assert socket.close_code == 4001
