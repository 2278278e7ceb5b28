"""Verification of a printed document, for anyone holding one: the number's prefix names the
process that issued it (its registry and key, kit.documents), which is asked; the answer is its
kind, number, issuing organization and date — never anything about a person.

The services' `/documents/verify` take no token (they say nothing but that); only the gateway's
route is public, rate limited per address like every call without a token (edge/guard.py)."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.enums import ReportDocumentKind
from gateway.errors import DOCUMENT_NOT_FOUND
from services.kit.documents import DocumentRegistry
from services.kit.peers import PeerClient, PeerUnavailable
from services.kit.script import Script, in_script

GATEWAY = "gateway"

# The number prefix of each kind of document → the process that issues it.
ISSUERS: dict[str, str] = {
    "JS": "members",  # 黨員組織關係介紹信
    "ZM": "members",  # 黨員證明
    "FZ": "members",  # 發展黨員檔案
    "TB": "orgs",  # 督查情況通報
    "DC": GATEWAY,  # 調查報告 (gateway/reports)
    "ZD": GATEWAY,  # 組織診斷報告
}


def issuer_of(number: str) -> str | None:
    return ISSUERS.get(number.strip()[:2].upper())


def _not_found() -> Exception:
    return DOCUMENT_NOT_FOUND("No document with this number and check code was issued", zh="查無此文件或校驗碼不符")


async def verify(
    session: AsyncSession,
    registry: DocumentRegistry,
    peers: dict[str, PeerClient],
    *,
    number: str,
    code: str,
    script: Script,
    language: str,
) -> dict[str, Any]:
    service = issuer_of(number)
    if service is None:
        raise _not_found()
    if service == GATEWAY:
        issued = await registry.verify(session, number, code)
        if issued is None:
            raise _not_found()
        kind = ReportDocumentKind(issued.kind)
        return {
            "valid": True,
            "kind": kind.value,
            "kind_label": in_script(kind.zh_hant, script),
            "number": issued.number,
            "org_name": issued.org_name,
            "issued_on": issued.issued_on.isoformat(),
        }
    headers = {"accept-language": language} if language else {}
    response = await peers[service].request("GET", "/documents/verify", params={"number": number, "code": code}, headers=headers)
    if response.status_code == 404:
        raise _not_found()
    if response.status_code != 200:
        raise PeerUnavailable(service, f"status {response.status_code}")
    answer: dict[str, Any] = response.json()
    return answer
