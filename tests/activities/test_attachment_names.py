"""Attachment file names are labels, never paths (issue #17, finding 8): sanitized when stored
and in the `Content-Disposition` of the download, Chinese names kept (RFC 6266 `filename*`)."""

from urllib.parse import unquote

import httpx
import pytest

from tests.activities.builders import create_activity
from tests.activities.conftest import Replicas
from tests.support import Tokens

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


async def _upload_and_download(
    client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas, filename: str
) -> tuple[dict[str, str], httpx.Response]:
    tree = await replicas.tree()
    admin = tokens.headers("org_admin")
    activity = await create_activity(client, admin, org_id=tree["branch"])
    stored = await client.post(
        f"/api/v1/activities/{activity['id']}/attachments",
        params={"filename": filename, "kind": "photo"},
        content=PNG,
        headers=admin | {"content-type": "image/png"},
    )
    assert stored.status_code == 201, stored.text
    download = await client.get(f"/api/v1/activities/{activity['id']}/attachments/{stored.json()['id']}/content", headers=admin)
    assert download.status_code == 200
    return stored.json(), download


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ('evil".png; filename="x.html', "evil.png; filename=x.html"),
        ("photo\r\nSet-Cookie: a=b.png", "photoSet-Cookie: a=b.png"),
        ("\u202egnp.exe", "gnp.exe"),  # a right-to-left override would show it as exe.png
        ("..", "attachment"),
    ],
)
async def test_a_name_that_is_a_path_or_breaks_the_header_is_sanitized(
    small_upload_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas, given: str, kept: str
) -> None:
    stored, download = await _upload_and_download(small_upload_client, tokens, replicas, given)

    assert stored["filename"] == kept
    disposition = download.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="')
    assert unquote(disposition.split("filename*=UTF-8''", 1)[1]) == kept
    assert ".." not in disposition
    assert disposition.count('"') == 2
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-security-policy"].startswith("default-src 'none'")


async def test_a_chinese_name_is_kept_and_sent_as_utf8(
    small_upload_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
) -> None:
    name = "支部會議照片 𠮷.png"
    stored, download = await _upload_and_download(small_upload_client, tokens, replicas, name)

    assert stored["filename"] == name
    plain, extended = download.headers["content-disposition"].split("; filename*=UTF-8''")
    assert plain.isascii()
    assert unquote(extended) == name
    assert download.content == PNG
