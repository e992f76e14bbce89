"""Attachments on real daphne processes: uploads over raw HTTP (multipart as clients write
it), a photo sent on one process and fetched on the other, and oversize bodies refused before
they are read."""

import http.client
import json
import uuid

import pytest

from tests import media_samples
from tests.acceptance.conftest import error, ok

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("postgres", "redis_server")]


def multipart(name: str, data: bytes, boundary: str = "tetherboundary") -> tuple[bytes, str]:
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return (
        head + data + f"\r\n--{boundary}--\r\n".encode(),
        f"multipart/form-data; boundary={boundary}",
    )


def raw(server, method: str, path: str, body: bytes, headers: dict) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def upload(person, data: bytes, name: str, via: int = 0) -> tuple[int, dict]:
    body, content_type = multipart(name, data)
    headers = {"Authorization": f"Bearer {person.access}", "Content-Type": content_type}
    status, _, answer = raw(person.server(via), "POST", "/api/attachments", body, headers)
    return status, json.loads(answer)


def test_a_photo_sent_on_one_process_is_fetched_clean_on_the_other(person):
    ann, boris = person("Ann"), person("Boris", via=1)
    chat_id = ann.open_chat(boris)
    status, answer = upload(ann, media_samples.jpeg_with_gps(), "IMG_1.jpg")
    assert status == 201, answer
    photo = answer["data"]
    sent = ok(ann.send(chat_id, "", attachment_ids=[photo["id"]]), 201)
    assert sent["attachments"][0]["id"] == photo["id"]
    status, headers, data = raw(
        boris.server(1), "GET", photo["url"], b"", {"Authorization": f"Bearer {boris.access}"}
    )
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    assert media_samples.GPS_MARK not in data and b"Exif" not in data
    stranger = person("Vera")
    status, _, _ = raw(
        stranger.server(0), "GET", photo["url"], b"", {"Authorization": f"Bearer {stranger.access}"}
    )
    assert status == 404


def test_a_body_that_says_it_is_too_large_is_refused_before_it_comes(person):
    ann = person("Ann")
    connection = http.client.HTTPConnection("127.0.0.1", ann.server().port, timeout=10)
    try:
        connection.putrequest("POST", "/api/attachments")
        connection.putheader("Authorization", f"Bearer {ann.access}")
        connection.putheader("Content-Type", "multipart/form-data; boundary=x")
        connection.putheader("Content-Length", str(10 * 1024**3))  # 10 GiB, never sent
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 413
        assert json.loads(response.read())["code"] == "too_large"
    finally:
        connection.close()


def test_a_malformed_multipart_body_is_a_json_400(person):
    ann = person("Ann")
    headers = {
        "Authorization": f"Bearer {ann.access}",
        "Content-Type": "multipart/form-data; boundary=abc",
    }
    status, response_headers, answer = raw(
        ann.server(), "POST", "/api/attachments", b"--abc--\r\n", headers
    )
    assert status == 400 and response_headers["Content-Type"].startswith("application/json")
    assert json.loads(answer)["code"] == "validation_error"


def test_someone_elses_upload_cannot_be_sent(person):
    ann, boris = person("Ann"), person("Boris")
    chat_id = boris.open_chat(ann)
    status, answer = upload(ann, b"notes", "notes.txt")
    assert status == 201
    error(boris.send(chat_id, "", attachment_ids=[answer["data"]["id"]]), 404, "not_found")
    error(boris.send(chat_id, "", attachment_ids=[str(uuid.uuid4())]), 404, "not_found")
