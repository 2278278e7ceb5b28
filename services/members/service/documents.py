"""Printed documents of the members service: the introduction letter of a transfer, the
membership certificate of a member — each registered with a number and a check code
(kit.documents) — and their verification.

A document is issued the first time it is asked for (the letter: once per transfer, dated the
day the letter was issued; the certificate: once per member and day) and the same number and code
come back every time after. Only what the caller may see is printed: the transfer or the member
must be in the caller's scope (another township's is a 404), and the ID number is masked for a
masked caller (an unmasked one is audited, as for the record).
"""

# ruff: noqa: RUF001 - Chinese text takes full-width punctuation

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.documents import DocumentRegistry, IssuedDocument
from services.kit.script import Script, in_script
from services.members.enums import (
    DocumentKind,
    Education,
    Occupation,
    PartyStatus,
    RecruitmentStage,
    RecruitmentStepKind,
    Sex,
    TransferKind,
    TransferStatus,
)
from services.members.errors import DOCUMENT_NOT_FOUND, NO_CERTIFICATE, NO_LETTER_YET, NOT_FOUND
from services.members.models import Member, RecruitmentStep, org_replica
from services.members.rules.common import age_on
from services.members.rules.documents import PREFIXES, has_letter, letter_issuer_is_sender, validity_months
from services.members.rules.records import CLOSED_STATES
from services.members.schemas.documents import DocumentVerification
from services.members.service import documents_pages as pages
from services.members.service.common import MembersContext, get_visible, present
from services.members.service.recruitment import application_for
from services.members.service.transfers import effective_status, visible_transfer


@dataclass(frozen=True)
class Printed:
    issued: IssuedDocument
    page: str  # the whole HTML document, in the reader's script


def _label(code: str | None, zh_hant: str | None) -> str:
    return zh_hant or code or "—"


async def _org_name(session: AsyncSession, org_id: uuid.UUID | None) -> str | None:
    if org_id is None:
        return None
    name: str | None = await session.scalar(select(org_replica.c.name).where(org_replica.c.id == org_id))
    return name


async def transfer_letter(
    session: AsyncSession, ctx: MembersContext, registry: DocumentRegistry, transfer_id: uuid.UUID, script: Script
) -> Printed:
    transfer = await visible_transfer(session, ctx, transfer_id)
    status = TransferStatus(effective_status(transfer, ctx.today))
    if not has_letter(status, transfer.issued_on) or transfer.issued_on is None:
        raise NO_LETTER_YET(
            f"The transfer is {status.value}: it has no introduction letter", zh=f"該轉接{status.zh_hant}，尚無介紹信"
        )
    member = await session.get(Member, transfer.member_id)
    if member is None:  # a transfer's member is never deleted; a broken row is not shown
        raise NOT_FOUND(f"Transfer {transfer_id} was not found")
    shown = present(member, ctx)
    kind = TransferKind(transfer.kind)
    from_name = await _org_name(session, transfer.from_org_id)
    to_name = await _org_name(session, transfer.to_org_id)
    if kind == TransferKind.out:
        to_name = transfer.external_org
    elif kind == TransferKind.in_:
        from_name = transfer.external_org
    issuer_id = transfer.from_org_id if letter_issuer_is_sender(kind) else transfer.to_org_id
    issuer_name = (from_name if letter_issuer_is_sender(kind) else to_name) or "—"
    issued = await registry.issue(
        session,
        kind=DocumentKind.transfer_letter.value,
        prefix=PREFIXES[DocumentKind.transfer_letter],
        subject=f"transfer:{transfer.id}",
        org_id=issuer_id,
        org_name=issuer_name,
        issued_on=transfer.issued_on,
        issued_by=ctx.actor,
    )
    facts = pages.LetterFacts(
        name=member.name,
        sex=_label(member.sex, Sex(member.sex).zh_hant if member.sex else None),
        age=age_on(member.birth_date, transfer.issued_on, by_month=ctx.by_month),
        ethnicity=member.ethnicity or "—",
        party_status=PartyStatus(member.party_status).zh_hant,
        id_number=shown.id_number,
        from_org=from_name or "—",
        to_org=to_name or "—",
        letter_number=transfer.letter_number or "",
        issued_on=transfer.issued_on,
        valid_months=validity_months(transfer.valid_until, transfer.issued_on),
        across_provinces=transfer.across_provinces,
        dues_paid_through=shown.dues_paid_through,
    )
    return Printed(issued, pages.letter_page(facts, issued, script))


async def membership_certificate(
    session: AsyncSession, ctx: MembersContext, registry: DocumentRegistry, member_id: uuid.UUID, script: Script
) -> Printed:
    member = await get_visible(session, ctx, member_id)
    if member.state in CLOSED_STATES:
        raise NO_CERTIFICATE(f"The record is {member.state}: no membership certificate", zh="非在冊黨員，不能出具黨員證明")
    org_name = await _org_name(session, member.org_id) or "—"
    issued = await registry.issue(
        session,
        kind=DocumentKind.membership_certificate.value,
        prefix=PREFIXES[DocumentKind.membership_certificate],
        subject=f"member:{member.id}",
        org_id=member.org_id,
        org_name=org_name,
        issued_on=ctx.today,
        issued_by=ctx.actor,
    )
    facts = pages.CertificateFacts(
        name=member.name,
        sex=Sex(member.sex).zh_hant if member.sex else "—",
        birth_year_month=f"{member.birth_date.year}年{member.birth_date.month}月",
        ethnicity=member.ethnicity or "—",
        joined_on=member.joined_on,
        full_on=member.full_on,
        party_status=PartyStatus(member.party_status).zh_hant,
        org_name=org_name,
    )
    return Printed(issued, pages.certificate_page(facts, issued, script))


async def recruitment_dossier(
    session: AsyncSession, ctx: MembersContext, registry: DocumentRegistry, application_id: uuid.UUID, script: Script
) -> Printed:
    """The applicant and every step with its date, deciding body and documents, dated today."""
    application = await application_for(session, ctx, application_id)
    org_name = await _org_name(session, application.org_id) or "—"
    issued = await registry.issue(
        session,
        kind=DocumentKind.recruitment_dossier.value,
        prefix=PREFIXES[DocumentKind.recruitment_dossier],
        subject=f"application:{application.id}",
        org_id=application.org_id,
        org_name=org_name,
        issued_on=ctx.today,
        issued_by=ctx.actor,
    )
    stmt = select(RecruitmentStep).where(RecruitmentStep.application_id == application.id).order_by(RecruitmentStep.seq)
    steps = tuple(
        pages.DossierStep(
            seq=step.seq,
            kind=RecruitmentStepKind(step.kind).zh_hant,
            effective_on=step.effective_on,
            deciding_body=step.deciding_body or "—",
            documents=tuple(step.documents or ()),
        )
        for step in (await session.execute(stmt)).scalars().all()
    )
    facts = pages.DossierFacts(
        name=application.name,
        sex=Sex(application.sex).zh_hant,
        ethnicity=application.ethnicity or "—",
        birth_year_month=f"{application.birth_date.year}年{application.birth_date.month}月",
        education=Education(application.education).zh_hant,
        occupation=Occupation(application.occupation).zh_hant,
        org_name=org_name,
        stage=RecruitmentStage(application.stage).zh_hant,
        applied_on=application.applied_on,
        steps=steps,
    )
    return Printed(issued, pages.dossier_page(facts, issued, script))


async def verify(
    session: AsyncSession, registry: DocumentRegistry, number: str, code: str, script: Script
) -> DocumentVerification:
    """A document issued here with this number and check code: its kind, number, organization and date."""
    issued = await registry.verify(session, number, code)
    if issued is None:
        raise DOCUMENT_NOT_FOUND("No document with this number and check code was issued", zh="查無此文件或校驗碼不符")
    kind = DocumentKind(issued.kind)
    return DocumentVerification(
        kind=kind,
        kind_label=in_script(kind.zh_hant, script),
        number=issued.number,
        org_name=issued.org_name,
        issued_on=issued.issued_on,
    )
