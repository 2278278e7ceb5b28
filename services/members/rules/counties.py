"""The county of a record: the key a Citus cluster distributes the members schema by
(docs/scaling.md), so that a county and everything below it sit on one shard.

An organization's county is the deepest organization of tier `county` on its path, itself
included (a benchmark's province and cities are stored at that tier, so their own members form
their own group): `kit.tree.deepest_of`, kept on the org replica by `kit.replica.place_in_group`.
A node whose path holds no county (its ancestors not yet in the replica) is its own county until
they arrive. A member record and its history carry the county of the member's organization.
"""

COUNTY_TIER = "county"
