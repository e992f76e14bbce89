"""The OpenAPI document, its browsable docs, and Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import envelope_data, envelope_error

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def schema(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("path", ["/api/schema/", "/api/schema", "/api/docs/", "/api/docs"])
def test_schema_and_docs_are_public(api, path):
    response = api.get(path, HTTP_AUTHORIZATION="Bearer stale.token.here")
    assert response.status_code == 200
    assert response.content


def test_the_schema_is_json_by_default_and_yaml_on_request(api):
    default = api.get("/api/schema/", HTTP_ACCEPT="*/*")
    assert default["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert default.json()["openapi"].startswith("3.")
    yaml = api.get("/api/schema/", {"format": "yaml"})
    assert yaml["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.content.startswith(b"openapi: 3.")


def test_the_docs_page_points_at_the_schema(api):
    assert b"/api/schema/" in api.get("/api/docs/").content


def test_the_schema_lists_each_route_once_without_its_slash_twin(schema):
    paths = set(schema["paths"])
    assert {"/api/auth/register", "/api/auth/verify-code", "/api/users/me", "/api/health"} <= paths
    assert not [path for path in paths if path.endswith("/")]
    ids = [op["operationId"] for item in schema["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_success_bodies_are_documented_inside_the_envelope(schema):
    ok = schema["paths"]["/api/users/me"]["get"]["responses"]["200"]
    envelope = ok["content"]["application/json"]["schema"]
    assert envelope["required"] == ["success", "data"]
    assert envelope["properties"]["data"] == {"$ref": "#/components/schemas/Me"}


def test_bearer_tokens_and_the_web_session_are_documented(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["jwtAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert schemes["cookieAuth"]["in"] == "cookie"
    assert schema["paths"]["/api/auth/register"]["post"].get("security") in (None, [{}], [])


def test_every_authenticated_operation_documents_401(schema):
    missing = [
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if {"jwtAuth": []} in operation.get("security", []) and "401" not in operation["responses"]
    ]
    assert missing == []


def test_manage_check_deploy_has_nothing_to_say():
    env = {
        **os.environ,
        "DEBUG": "0",
        "TETHER_HTTPS": "1",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "tether.example.com",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output.upper(), output


# --- What the document declares -------------------------------------------------------------


def _component(schema, name):
    return schema["components"]["schemas"][name]


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _json(response):
    return response["content"]["application/json"]["schema"]


def test_an_avatar_url_is_an_empty_string_or_an_http_uri_of_at_most_2000(schema):
    for name in ("User", "Me", "PatchedProfileUpdateRequest"):
        avatar = _component(schema, name)["properties"]["avatar_url"]
        assert "format" not in avatar and "type" not in avatar, name
        empty, url = avatar["oneOf"]
        assert empty == {"type": "string", "enum": [""], "description": "No picture."}
        assert url["format"] == "uri" and url["maxLength"] == 2000
        assert url["pattern"].startswith("^[Hh][Tt][Tt][Pp][Ss]?://")


def test_usernames_are_the_contracts_pattern_and_any_case_on_the_way_in(schema):
    served = _component(schema, "User")["properties"]["username"]
    assert served["pattern"] == "^[a-z0-9_]{5,32}$"
    assert (served["minLength"], served["maxLength"]) == (5, 32)
    for name in ("PatchedProfileUpdateRequest", "ChatOpenRequest"):
        typed = _component(schema, name)["properties"]["username"]
        assert typed["pattern"] == "^[A-Za-z0-9_]{5,32}$", name


def test_codes_are_six_digits_and_phones_e164(schema):
    for name in ("VerifyCodeRequest", "AccountDeleteRequest"):
        assert _component(schema, name)["properties"]["code"]["pattern"] == "^[0-9]{6}$"
    for name in ("Me", "CodeSent"):
        assert _component(schema, name)["properties"]["phone"]["pattern"] == "^\\+[1-9][0-9]{1,14}$"
    typed = _component(schema, "RegisterRequest")["properties"]["phone"]
    assert typed["maxLength"] == 32 and typed["minLength"] == 1


def test_lengths_of_text_inputs(schema):
    profile = _component(schema, "PatchedProfileUpdateRequest")["properties"]
    assert (profile["display_name"]["minLength"], profile["display_name"]["maxLength"]) == (1, 100)
    assert profile["bio"]["maxLength"] == 500
    send = _component(schema, "MessageSendRequest")["properties"]
    assert (send["content"]["minLength"], send["content"]["maxLength"]) == (1, 4096)
    assert (send["client_id"]["minLength"], send["client_id"]["maxLength"]) == (1, 64)
    assert send["client_id"]["nullable"] is True
    report = _component(schema, "ReportInputRequest")["properties"]
    assert report["text"]["maxLength"] == 1000
    assert _component(schema, "RefreshRequest")["properties"]["refresh"]["maxLength"] == 4096


def test_strict_strings_say_that_nul_and_blank_text_are_refused(schema):
    no_nul = "^[^\\u0000]*$"
    some_text = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"
    assert (
        _component(schema, "PatchedProfileUpdateRequest")["properties"]["bio"]["pattern"] == no_nul
    )
    for name in ("RegisterRequest", "PatchedProfileUpdateRequest"):
        assert _component(schema, name)["properties"]["display_name"]["pattern"] == some_text
    assert _component(schema, "MessageEditRequest")["properties"]["content"]["pattern"] == some_text


def test_report_reasons_are_an_enum(schema):
    reason = _component(schema, "ReportInputRequest")["properties"]["reason"]
    enum = _component(schema, reason["$ref"].rsplit("/", 1)[1])
    assert enum["enum"] == ["spam", "abuse", "illegal", "other"]


def test_history_takes_seqs_of_at_least_0_and_a_limit_of_1_to_100(schema):
    params = {
        p["name"]: p["schema"]
        for p in schema["paths"]["/api/chats/{chat_id}/messages"]["get"]["parameters"]
    }
    assert params["limit"] == {"type": "integer", "maximum": 100, "minimum": 1, "default": 50}
    assert params["before_seq"] == params["after_seq"] == {"type": "integer", "minimum": 0}
    assert _component(schema, "ReadRequest")["properties"]["up_to_seq"]["minimum"] == 0
    message = _component(schema, "Message")["properties"]
    assert message["seq"]["minimum"] == 1
    chat = _component(schema, "Chat")["properties"]
    assert chat["last_read_seq"]["minimum"] == chat["unread_count"]["minimum"] == 0


def test_every_id_is_a_uuid(schema):
    path_ids = [
        (path, p["schema"])
        for path, _, operation in _operations(schema)
        for p in operation.get("parameters", [])
        if p["in"] == "path"
    ]
    assert path_ids and all(s == {"type": "string", "format": "uuid"} for _, s in path_ids)
    assert _component(schema, "MessageSendRequest")["properties"]["chat_id"]["format"] == "uuid"
    assert _component(schema, "ChatOpenRequest")["properties"]["user_id"]["format"] == "uuid"
    for name in ("User", "Message", "Chat", "Session", "Report"):
        assert _component(schema, name)["properties"]["id"]["format"] == "uuid", name


def test_what_may_be_null_is_nullable(schema):
    assert _component(schema, "User")["properties"]["last_seen"]["nullable"] is True
    message = _component(schema, "Message")["properties"]
    assert message["edited_at"]["nullable"] is True and message["client_id"]["nullable"] is True
    chat = _component(schema, "Chat")["properties"]
    assert chat["peer"]["nullable"] is True and chat["last_message"]["nullable"] is True
    assert chat["members"]["items"] == {"$ref": "#/components/schemas/User"}


def test_opening_a_chat_takes_exactly_one_of_user_id_and_username(schema):
    assert _component(schema, "ChatOpenRequest")["oneOf"] == [
        {"required": ["user_id"]},
        {"required": ["username"]},
    ]


def test_a_repeated_client_id_is_a_body_of_its_own(schema):
    body = _json(schema["paths"]["/api/messages"]["post"]["requestBody"])
    assert body == {
        "anyOf": [
            {"$ref": "#/components/schemas/MessageSendRequest"},
            {"$ref": "#/components/schemas/MessageSendRepeatRequest"},
        ]
    }
    repeat = _component(schema, "MessageSendRepeatRequest")
    assert (
        repeat["required"] == ["client_id"] and "nullable" not in repeat["properties"]["client_id"]
    )


def test_an_edit_needs_its_content_with_put_and_patch_alike(schema):
    item = schema["paths"]["/api/messages/{message_id}"]
    for method in ("put", "patch"):
        body = item[method]["requestBody"]
        assert body["required"] is True
        assert _json(body) == {"$ref": "#/components/schemas/MessageEditRequest"}
    assert _component(schema, "MessageEditRequest")["required"] == ["content"]


def test_deleting_the_account_documents_its_code_body(schema):
    body = schema["paths"]["/api/users/me"]["delete"]["requestBody"]
    assert _json(body) == {"$ref": "#/components/schemas/AccountDeleteRequest"}


def test_every_success_is_the_envelope_and_only_history_has_meta(schema):
    binary = {
        "/api/attachments/{attachment_id}/content",
        "/api/attachments/{attachment_id}/thumbnail",
    }
    for path, method, operation in _operations(schema):
        for status, response in operation["responses"].items():
            if not status.startswith("2"):
                continue
            if path == "/api/users/me/export":  # a JSON file, not an answer in the envelope
                assert set(_json(response)["required"]) == {"exported_at", "user", "chats"}
                continue
            if path in binary:  # the bytes themselves, never the envelope
                assert response["content"] == {
                    "*/*": {"schema": {"type": "string", "format": "binary"}}
                }
                continue
            body = _json(response)
            assert body["properties"]["success"] == {"type": "boolean", "enum": [True]}
            assert body["additionalProperties"] is False
            has_meta = path in {"/api/chats/{chat_id}/messages", "/api/search/messages"}
            assert ("meta" in body["properties"]) is has_meta, (method, path)
            assert body["required"] == ["success", "data", "meta"][: 3 if has_meta else 2]
    ended = _json(schema["paths"]["/api/auth/logout"]["post"]["responses"]["200"])
    assert ended["properties"]["data"] == {
        "type": "object",
        "properties": {},
        "additionalProperties": False,
    }


def test_every_error_is_the_error_envelope(schema):
    error = _component(schema, "Error")
    assert error["required"] == ["success", "error", "code"]
    assert error["additionalProperties"] is False
    assert error["properties"]["success"] == {"type": "boolean", "enum": [False]}
    assert {"validation_error", "not_authenticated", "throttled", "unavailable"} <= set(
        error["properties"]["code"]["enum"]
    )
    for path, method, operation in _operations(schema):
        for status, response in operation["responses"].items():
            if status.startswith(("2", "3")):
                continue
            body = _json(response)
            if (path, status) == ("/api/health", "503"):
                assert body["properties"]["data"] == {"$ref": "#/components/schemas/Health"}
                assert body["required"] == ["success", "error", "code", "data"]
            else:
                assert body == {"$ref": "#/components/schemas/Error"}, (method, path, status)


def test_every_operation_documents_every_error_status_it_can_meet(schema):
    missing = []
    for path, method, operation in _operations(schema):
        statuses = set(operation["responses"])
        expected = {"405", "503"}
        if {} not in operation.get("security", [{}]):
            expected.add("401")
        if "requestBody" in operation:
            expected |= {"400", "413", "415"}
        if "{" in path:
            expected.add("404")
        if not expected <= statuses:
            missing.append((method, path, sorted(expected - statuses)))
    assert missing == []


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("post", "/api/auth/register", {"409", "429"}),
        ("post", "/api/auth/login", {"404", "429"}),
        ("post", "/api/auth/verify-code", {"400", "429"}),
        ("post", "/api/users/me/delete-code", {"429"}),
        ("delete", "/api/users/me", {"400", "429"}),
        ("get", "/api/users", {"400", "429"}),
        ("patch", "/api/users/me", {"409"}),
        ("post", "/api/chats", {"403", "404"}),
        ("post", "/api/messages", {"403", "404", "429"}),
        ("put", "/api/messages/{message_id}", {"403", "429"}),
        ("patch", "/api/messages/{message_id}", {"403", "429"}),
        ("post", "/api/auth/refresh", {"401"}),
    ],
)
def test_statuses_particular_to_an_operation(schema, method, path, statuses):
    assert statuses <= set(schema["paths"][path][method]["responses"])


def test_the_headers_that_go_with_401_405_and_429(schema):
    sending = schema["paths"]["/api/messages"]["post"]["responses"]
    assert sending["401"]["headers"]["WWW-Authenticate"]["required"] is True
    assert sending["405"]["headers"]["Allow"]["required"] is True
    retry_after = sending["429"]["headers"]["Retry-After"]
    assert retry_after["schema"] == {"type": "integer", "minimum": 1}
    # too_many_attempts comes without it, so it is not required.
    assert retry_after["required"] is False


def test_public_operations_document_no_401(schema):
    for path in ("/api/auth/register", "/api/auth/login", "/api/auth/verify-code"):
        assert "401" not in schema["paths"][path]["post"]["responses"]
    assert set(schema["paths"]["/api/health"]["get"]["responses"]) == {"200", "405", "503"}


# --- The server refuses what the document refuses -------------------------------------------


def _patch_me(client, payload):
    return client.patch("/api/users/me", payload, format="json")


@pytest.mark.parametrize("name", ["ｕｓｅｒ_ｎａｍｅ", "user_ﬁve", "ſome_name", "KELVIN_\u212a"])
def test_usernames_beyond_ascii_are_refused_even_where_they_would_fold_into_the_pattern(
    client_for, user, name
):
    body = envelope_error(_patch_me(client_for(user), {"username": name}), 400, "validation_error")
    assert "username" in body["fields"]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/ä.png",
        "https://пример.рф/a.png",
        "https://example.com/a|b.png",
        "https://example.com/{x}.png",
        "https://example.com/%zz.png",
        " https://example.com/a.png",
        "https://example.com/a.png ",
    ],
)
def test_avatar_urls_that_are_not_uris_are_refused(client_for, user, url):
    body = envelope_error(_patch_me(client_for(user), {"avatar_url": url}), 400, "validation_error")
    assert "avatar_url" in body["fields"]


def test_avatar_urls_percent_encoded_are_taken_as_sent(client_for, user):
    url = "HTTPS://example.com:8443/%D0%B0.png?size=2&x=a~b#top"
    assert envelope_data(_patch_me(client_for(user), {"avatar_url": url}))["avatar_url"] == url


def test_a_display_name_over_100_characters_as_sent_is_refused_whatever_its_spaces(
    client_for, user
):
    client = client_for(user)
    envelope_error(_patch_me(client, {"display_name": "Ann" + " " * 98}), 400, "validation_error")
    assert envelope_data(_patch_me(client, {"display_name": " Ann "}))["display_name"] == "Ann"


@pytest.mark.parametrize(
    "query",
    ["limit=", "limit=5.0", "limit=1_0", "limit=%205", "limit=%D9%A5", "limit=+5",
     "before_seq=", "after_seq=1e3", "after_seq=0x10"],
)  # fmt: skip
def test_history_parameters_are_plain_integers(as_alice, chat, query):
    response = as_alice.get(f"/api/chats/{chat.pk}/messages?{query}")
    envelope_error(response, 400, "validation_error")


@pytest.mark.parametrize("query", ["q=", "q=%20%20", "q=ann&phone=", "phone=", "q=" + "a" * 101])
def test_user_search_parameters_given_empty_or_too_long_are_refused(as_alice, query):
    envelope_error(as_alice.get(f"/api/users?{query}"), 400, "validation_error")


@pytest.mark.parametrize(
    "spell",
    [lambda raw: "{" + raw + "}", lambda raw: "urn:uuid:" + raw, lambda raw: raw.replace("-", "")],
    ids=["braces", "urn", "no-hyphens"],
)
def test_ids_in_bodies_are_refused_unless_written_as_the_api_writes_them(as_alice, bob, spell):
    response = as_alice.post("/api/chats", {"user_id": spell(str(bob.pk))}, format="json")
    body = envelope_error(response, 400, "validation_error")
    assert "user_id" in body["fields"]


def test_ids_in_bodies_may_have_their_hexadecimal_digits_in_either_case(as_alice, bob):
    response = as_alice.post("/api/chats", {"user_id": str(bob.pk).upper()}, format="json")
    assert response.status_code == 201, response.json()


def test_opening_a_chat_with_a_malformed_username_is_400_not_404(as_alice):
    body = envelope_error(
        as_alice.post("/api/chats", {"username": "no"}, format="json"), 400, "validation_error"
    )
    assert "username" in body["fields"]
