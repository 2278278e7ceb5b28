"""The orgs app with its members stub (tests/orgs), for the matrix's world."""

from tests.orgs.conftest import members_stub, orgs_api

__all__ = ["members_stub", "orgs_api"]
