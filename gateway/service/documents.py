"""Verification of a printed document, for anyone holding one: the number's prefix names the
process that issued it (its registry and key, kit.documents), which is asked; the answer is its
kind, number, issuing organization and date — never anything about a person.

The services' `/documents/verify` take no token (they say nothing but that); only the gateway's
route is public, rate limited per address like every call without a token (edge/guard.py)."""

from typing import Any

from gateway.errors import DOCUMENT_NOT_FOUND
from services.kit.peers import PeerClient, PeerUnavailable

# The number prefix of each kind of document → the process that issues it.
ISSUERS: dict[str, str] = {
    "JS": "members",  # 黨員組織關係介紹信
    "ZM": "members",  # 黨員證明
    "FZ": "members",  # 發展黨員檔案
}


def issuer_of(number: str) -> str | None:
    return ISSUERS.get(number.strip()[:2].upper())


async def verify(peers: dict[str, PeerClient], number: str, code: str, language: str) -> dict[str, Any]:
    service = issuer_of(number)
    if service is None:
        raise DOCUMENT_NOT_FOUND("No document with this number and check code was issued", zh="查無此文件或校驗碼不符")
    headers = {"accept-language": language} if language else {}
    response = await peers[service].request("GET", "/documents/verify", params={"number": number, "code": code}, headers=headers)
    if response.status_code == 404:
        raise DOCUMENT_NOT_FOUND("No document with this number and check code was issued", zh="查無此文件或校驗碼不符")
    if response.status_code != 200:
        raise PeerUnavailable(service, f"status {response.status_code}")
    answer: dict[str, Any] = response.json()
    return answer
