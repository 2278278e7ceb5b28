"""Verification of the documents the orgs service printed (the inspection round's 通報): the
kind, number, issuing organization and date of a real one; nothing about any person."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.documents import DocumentRegistry
from services.kit.script import Script, in_script
from services.orgs.enums import OrgDocumentKind
from services.orgs.errors import DOCUMENT_NOT_FOUND


async def verify(session: AsyncSession, registry: DocumentRegistry, number: str, code: str, script: Script) -> dict[str, Any]:
    issued = await registry.verify(session, number, code)
    if issued is None:
        raise DOCUMENT_NOT_FOUND("No document with this number and check code was issued", zh="查無此文件或校驗碼不符")
    kind = OrgDocumentKind(issued.kind)
    return {
        "valid": True,
        "kind": kind.value,
        "kind_label": in_script(kind.zh_hant, script),
        "number": issued.number,
        "org_name": issued.org_name,
        "issued_on": issued.issued_on.isoformat(),
    }
