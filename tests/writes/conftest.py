"""Fixtures borrowed from the service test packages: the orgs app with its members and activities stubs."""

from tests.orgs.conftest import activities_stub, members_stub, orgs_api

__all__ = ["activities_stub", "members_stub", "orgs_api"]
