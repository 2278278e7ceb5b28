"""What this service does with other services' events: it keeps its replica of the org tree."""

from services.kit.replica import snapshot_applier
from services.members.models import org_replica

# The orgs service's `org.*` events carry each organization's whole state (id, parent_id,
# path, version, name, kind, tier, status, community_id): held as it comes, newest version wins.
apply_org_event = snapshot_applier(org_replica, "org.")
