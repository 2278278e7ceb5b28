"""Attachments: streamed, limited in size (413) and type (415, declared and by content)."""

import hashlib

import httpx

from tests.activities.builders import create_activity
from tests.activities.conftest import Replicas
from tests.support import Tokens

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"x" * 300


async def upload(
    client: httpx.AsyncClient, headers: dict[str, str], activity_id: str, body: object, media_type: str
) -> httpx.Response:
    return await client.post(
        f"/api/v1/activities/{activity_id}/attachments",
        params={"filename": "photo.png", "kind": "photo"},
        content=body,  # type: ignore[arg-type]
        headers=headers | {"content-type": media_type},
    )


class TestUpload:
    async def test_a_photo_is_stored_listed_and_served_back(
        self, small_upload_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        activity = await create_activity(small_upload_client, admin, org_id=tree["branch"])

        response = await upload(small_upload_client, admin, activity["id"], PNG, "image/png")

        assert response.status_code == 201, response.text
        stored = response.json()
        assert (stored["size"], stored["sha256"], stored["media_type"]) == (
            len(PNG),
            hashlib.sha256(PNG).hexdigest(),
            "image/png",
        )
        listed = await small_upload_client.get(f"/api/v1/activities/{activity['id']}/attachments", headers=admin)
        assert [a["id"] for a in listed.json()] == [stored["id"]]
        content = await small_upload_client.get(
            f"/api/v1/activities/{activity['id']}/attachments/{stored['id']}/content", headers=admin
        )
        assert content.content == PNG

    async def test_a_file_over_the_limit_is_413_even_without_a_declared_length(
        self, small_upload_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        activity = await create_activity(small_upload_client, admin, org_id=tree["branch"])
        sent: list[int] = []

        async def chunks():  # type: ignore[no-untyped-def]
            # A streamed body has no Content-Length: the service counts the bytes as they come.
            for index in range(100):
                sent.append(index)
                yield (PDF if index == 0 else b"y" * 256)

        declared = await upload(small_upload_client, admin, activity["id"], PDF + b"z" * 2000, "application/pdf")
        streamed = await upload(small_upload_client, admin, activity["id"], chunks(), "application/pdf")

        assert declared.status_code == 413
        assert declared.json()["type"] == "/problems/content-too-large"
        assert streamed.status_code == 413
        assert len(sent) < 100  # it stopped reading once over the limit
        listed = await small_upload_client.get(f"/api/v1/activities/{activity['id']}/attachments", headers=admin)
        assert listed.json() == []

    async def test_a_forbidden_type_or_a_disguised_file_is_415(
        self, small_upload_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        activity = await create_activity(small_upload_client, admin, org_id=tree["branch"])

        declared = await upload(small_upload_client, admin, activity["id"], b"MZ\x90\x00", "application/x-msdownload")
        disguised = await upload(small_upload_client, admin, activity["id"], b"MZ\x90\x00" + b"\x00" * 50, "image/png")

        assert declared.status_code == 415
        assert disguised.status_code == 415
        assert disguised.json()["type"] == "/problems/unsupported-media-type"
        listed = await small_upload_client.get(f"/api/v1/activities/{activity['id']}/attachments", headers=admin)
        assert listed.json() == []

    async def test_a_nul_character_in_the_file_name_is_a_422(
        self, small_upload_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        # Found by the fuzzing on PostgreSQL (100 examples): the name reached a text column (a 500).
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        activity = await create_activity(small_upload_client, admin, org_id=tree["branch"])

        response = await small_upload_client.post(
            f"/api/v1/activities/{activity['id']}/attachments",
            params={"filename": "photo\x00.png", "kind": "photo"},
            content=PNG,
            headers=admin | {"content-type": "image/png"},
        )

        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        listed = await small_upload_client.get(f"/api/v1/activities/{activity['id']}/attachments", headers=admin)
        assert listed.json() == []
