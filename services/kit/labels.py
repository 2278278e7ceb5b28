"""Chinese labels of a service's enum codes, served at `GET /labels` for the gateway to merge.

Public on purpose: the labels are the vocabulary of the API (no data), and frontends need them
before anyone logs in. The gateway serves all services' labels together at `/api/v1/meta/enums`.
"""

from fastapi import APIRouter

EnumLabels = dict[str, dict[str, dict[str, str]]]  # enum name → code → {"zh_hant", "zh_hans"}


def labels_router(labels: EnumLabels) -> APIRouter:
    router = APIRouter(tags=["meta"])

    @router.get("/labels")
    async def read_labels() -> EnumLabels:
        return labels

    return router
