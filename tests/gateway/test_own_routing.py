"""The gateway's routing of a member's own view: `/api/v1/me` is the gateway's own answer,
`/api/v1/me/<part>/...` goes to the service that answers that part."""

import pytest

from gateway.edge.proxy import service_for


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/api/v1/me", None),
        ("/api/v1/me/", None),
        ("/api/v1/me/unknown", None),
        ("/api/v1/me/record", "members"),
        ("/api/v1/me/change-requests", "members"),
        ("/api/v1/me/floating-reports", "members"),
        ("/api/v1/me/posts", "orgs"),
        ("/api/v1/me/positions", "orgs"),
        ("/api/v1/me/study", "activities"),
        ("/api/v1/me/study-records", "activities"),
        ("/api/v1/change-requests/x/decision", "members"),
        ("/api/v1/floating-reports", "members"),
    ],
)
def test_a_part_of_the_own_view_goes_to_its_service(path: str, service: str | None) -> None:
    assert service_for(path) == service
