"""The servers harness itself: two real processes on one database behave as one server."""

import pytest

from tests.servers import http, sms_code, tether_servers

pytestmark = pytest.mark.servers
PHONE = "+79161230001"


def test_a_user_signed_up_on_one_process_is_known_to_the_other():
    with tether_servers(2) as (first, second):
        assert first.port != second.port
        sent = http(
            "POST", f"{first.url}/api/auth/register", {"phone": PHONE, "display_name": "Ann"}
        )
        assert sent.status == 201, sent.json()

        signed_in = http(
            "POST",
            f"{second.url}/api/auth/verify-code",
            {"phone": PHONE, "code": sms_code(first, PHONE)},
        )
        assert signed_in.status == 200, signed_in.json()
        assert signed_in.data["created"] is True

        me = http("GET", f"{second.url}/api/users/me", token=signed_in.data["access"])
        assert me.status == 200
        assert me.data["phone"] == PHONE and me.data["display_name"] == "Ann"
        me = http("GET", f"{first.url}/api/users/me", token=signed_in.data["access"])
        assert me.data["id"] == signed_in.data["user"]["id"]

        # A crashed process comes back on the same port with the same data.
        second.kill()
        assert not second.running
        with pytest.raises(OSError):
            http("GET", f"{second.url}/api/health", timeout=1)
        second.start()
        me = http("GET", f"{second.url}/api/users/me", token=signed_in.data["access"])
        assert me.status == 200 and me.data["phone"] == PHONE

        # The servers logged what they did, and never a token.
        logs = first.log_text() + second.log_text()
        assert "starting" in logs
        assert signed_in.data["access"] not in logs and signed_in.data["refresh"] not in logs
