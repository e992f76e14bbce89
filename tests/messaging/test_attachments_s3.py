"""Attachments in an S3-compatible bucket (TETHER_MEDIA_STORAGE=s3), against a real S3-protocol
server on this machine: moto's standalone server, spoken to over HTTP by boto3 exactly as a
bucket in production would be."""

import socket
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from messaging.models import Attachment
from tests import media_samples
from tests.helpers import envelope_data, envelope_error

pytestmark = pytest.mark.django_db

BUCKET = "tether-test"
KEYS = {"access_key": "test-key", "secret_key": "test-secret"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(settings, s3_server):
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    client.create_bucket(Bucket=BUCKET)
    settings.TETHER_MEDIA_STORAGE = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                **KEYS,
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": settings.TETHER_SIGNED_URL_SECONDS,
                "file_overwrite": False,
                "addressing_style": "path",
                "signature_version": "s3v4",
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _upload(client, data: bytes, name: str) -> dict:
    part = SimpleUploadedFile(name, data)
    return envelope_data(client.post("/api/attachments", {"file": part}, format="multipart"), 201)


def _fetch(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (the local server)
        return response.read(), response.headers


def test_a_photo_goes_to_the_bucket_clean_and_comes_back_through_a_signed_url(
    s3, as_alice, as_bob, as_carol, chat
):
    photo = _upload(as_alice, media_samples.jpeg_with_gps(), "IMG.jpg")
    stored = Attachment.objects.get(pk=photo["id"])
    in_bucket = s3.get_object(Bucket=BUCKET, Key=stored.file)["Body"].read()
    assert b"SpyPhone" not in in_bucket and media_samples.GPS_MARK not in in_bucket
    assert s3.head_object(Bucket=BUCKET, Key=stored.thumbnail)["ContentLength"] > 0

    sent = as_alice.post(
        "/api/messages",
        {"chat_id": str(chat.pk), "content": "", "attachment_ids": [photo["id"]]},
        format="json",
    )
    envelope_data(sent, 201)
    response = as_bob.get(photo["url"])
    assert response.status_code == 302
    location = response["Location"]
    query = parse_qs(urlsplit(location).query)
    assert int(query["X-Amz-Expires"][0]) <= 300  # the signed URL expires within 5 minutes
    assert query["X-Amz-Signature"][0] and query["X-Amz-Credential"][0].startswith("test-key/")
    data, headers = _fetch(location)
    assert data == in_bucket
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["Content-Disposition"].startswith("inline")

    thumbnail = as_bob.get(photo["thumbnail_url"])
    assert thumbnail.status_code == 302
    data, _ = _fetch(thumbnail["Location"])
    assert max(media_samples.opened(data).size) <= 320

    # The same check comes first: a stranger gets no URL at all.
    envelope_error(as_carol.get(photo["url"]), 404, "not_found")


def test_a_file_is_a_download_from_the_bucket(s3, as_alice):
    page = _upload(as_alice, b"<script>alert(1)</script>", "page.html")
    location = as_alice.get(page["url"])["Location"]
    data, headers = _fetch(location)
    assert data == b"<script>alert(1)</script>"
    assert headers["Content-Disposition"] == 'attachment; filename="page.html"'
