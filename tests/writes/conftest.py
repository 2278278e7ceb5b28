"""Fixtures borrowed from the service test packages: the orgs app with its members stub."""

from tests.orgs.conftest import members_stub, orgs_api

__all__ = ["members_stub", "orgs_api"]
