"""Fixtures borrowed from the service test packages: the orgs app with its members and activities
stubs (the matrix's world) and the members' org replica (personal data tests)."""

from tests.members.conftest import members_db, replica
from tests.orgs.conftest import activities_stub, members_stub, orgs_api

__all__ = ["activities_stub", "members_db", "members_stub", "orgs_api", "replica"]
