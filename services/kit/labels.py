"""Chinese labels of a service's enum codes, served at `GET /labels` for the gateway to merge.

Public on purpose: the labels are the vocabulary of the API (no data), and frontends need them
before anyone logs in. The gateway serves all services' labels together at `/api/v1/meta/enums`.
"""

from enum import StrEnum
from typing import Self

from fastapi import APIRouter

EnumLabels = dict[str, dict[str, dict[str, str]]]  # enum name → code → {"zh_hant", "zh_hans"}


class Coded(StrEnum):
    """A code and its labels, written together: `male = "male", "男", "男"` (code, traditional,
    simplified). The value is the code alone, so a `Coded` member is the code wherever a string is."""

    _value_: str
    zh_hant: str
    zh_hans: str

    # The defaults only type a lookup by value (`Sex("male")`), which never calls this.
    def __new__(cls, code: str, zh_hant: str = "", zh_hans: str = "") -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member.zh_hant = zh_hant
        member.zh_hans = zh_hans
        return member

    @classmethod
    def labels(cls) -> dict[str, dict[str, str]]:
        return {member.value: {"zh_hant": member.zh_hant, "zh_hans": member.zh_hans} for member in cls}


def labels_router(labels: EnumLabels) -> APIRouter:
    router = APIRouter(tags=["meta"])

    @router.get("/labels")
    async def read_labels() -> EnumLabels:
        return labels

    return router
