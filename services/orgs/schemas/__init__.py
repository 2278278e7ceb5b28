"""The orgs service's public shapes, one module per area (`XCreate`, `XUpdate`, `X`), and the
catalogue of the events it publishes (served at `GET /event-types`)."""

from services.kit.event_types import EventType
from services.orgs.enums import HistoryChange
from services.orgs.schemas.communities import CommunitySnapshot, ReserveCadre
from services.orgs.schemas.teams import Position, Term, TermClockEvent
from services.orgs.schemas.tree import OrgSnapshot
from services.orgs.schemas.units import CoBuilding, Post, Unit

EVENT_TYPES: dict[str, EventType] = {
    **{
        f"org.{change}": EventType(f"an organization was {change} (its whole state after the change)", OrgSnapshot)
        for change in (
            HistoryChange.created,
            HistoryChange.updated,
            HistoryChange.moved,
            HistoryChange.merged,
            HistoryChange.dissolved,
        )
    },
    "community.created": EventType("a community was set up", CommunitySnapshot),
    "community.updated": EventType("a community changed", CommunitySnapshot),
    "unit.created": EventType("a community unit was registered", Unit),
    "unit.updated": EventType("a community unit changed (name, category, party organization)", Unit),
    "position.created": EventType("a team position was filled", Position),
    "position.updated": EventType("a team position changed (ended, posts)", Position),
    "term.created": EventType("a new term of an organization began", Term),
    "term.ending": EventType("scheduled: a term ends within the reminder period (once per term)", TermClockEvent),
    "term.overdue": EventType("scheduled: a term ended without a new election (once per term)", TermClockEvent),
    "reserve_cadre.updated": EventType("a reserve cadre's record was corrected", ReserveCadre),
    "reserve_cadre.ended": EventType("a reserve cadre left the pool (promoted, removed, left)", ReserveCadre),
    "co_building.amended": EventType("a co-building agreement was amended (a new version)", CoBuilding),
    "co_building.ended": EventType("a co-building agreement ended", CoBuilding),
    "post.holder_changed": EventType("a post has a new holder (the one replaced ends the day before)", Post),
    "post.closed": EventType("a post was closed (its open holdings end with it)", Post),
}
