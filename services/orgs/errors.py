"""Every kind of error the orgs service answers with, declared once.

Code raises a kind (`KIND("detail")`, or `KIND.on("field", "message")` for one input field at
fault) and each route lists the kinds it may give in its OpenAPI answers (`answers(...)`), so a
slug is typed here and nowhere else. The kit adds the answers of the write headers itself
(412/428 of `If-Match`, 409/422 of `Idempotency-Key`), and 401/403 come with every route.
"""

from services.kit.problems import ProblemKind

# FastAPI's own answer to a body, path or query that does not fit the schema (kit.problems).
INVALID_REQUEST = ProblemKind(
    422, "validation-error", "the request does not fit the operation's schema (`errors` name the fields)"
)
NOT_FOUND = ProblemKind(404, "not-found", "no such record in the caller's scope")
RULE_VIOLATION = ProblemKind(422, "rule-violation", "the request breaks a rule of organization setup (`errors` name the fields)")
UNKNOWN_REFERENCE = ProblemKind(422, "unknown-reference", "an id in the request names nothing in the caller's scope")
# One slug, two statuses (as answered since the first release): naming a dissolved or merged
# organization in a request is a 422 on that field; changing one is a 409.
INACTIVE_REFERENCE = ProblemKind(422, "inactive-organization", "the organization named is dissolved or merged")
INACTIVE_ORGANIZATION = ProblemKind(409, "inactive-organization", "the organization is dissolved or merged: it no longer changes")
INVALID_PLACEMENT = ProblemKind(422, "invalid-placement", "the tier or kind may not sit under that parent")
INVALID_MERGE = ProblemKind(
    422, "invalid-merge", "the survivor is the organization itself, a descendant, inactive or of another tier"
)
DUPLICATE_CODE = ProblemKind(422, "duplicate-code", "another organization has that code")
COMMUNITY_TAKEN = ProblemKind(422, "community-taken", "the community already has its top party organization")
HAS_ACTIVE_CHILDREN = ProblemKind(409, "has-active-children", "the organization still has active child organizations")
HAS_MEMBERS = ProblemKind(409, "has-members", "members still belong to the organization's subtree (`members`: how many)")
DUPLICATE_TERM = ProblemKind(422, "duplicate-term", "that term of that community body is already recorded")
NO_PARTY_ORGANIZATION = ProblemKind(422, "no-party-organization", "the community has no top party organization yet")
TEAM_RULE = ProblemKind(422, "team-rule", "the team would break a rule: one secretary, committee size, roles by membership")
JOINT_BRANCH_FULL = ProblemKind(422, "joint-branch-full", "the joint branch already joins the most units the policy allows")
# Raised by kit.pagination and kit.peers, answered by the orgs routes that page or ask the members service.
INVALID_CURSOR = ProblemKind(400, "invalid-cursor", "the cursor is not one this list gave out")
PEER_UNAVAILABLE = ProblemKind(503, "peer-unavailable", "the members service could not be asked; retry later")
# The working loop: tasks sent down, inspections and rectifications.
WRONG_STATE = ProblemKind(409, "wrong-state", "the task reply or rectification is not in a state that allows this step")
NOT_ISSUER = ProblemKind(403, "not-the-issuer", "only a caller whose scope holds the issuing organization may decide this")
MISSING_EVIDENCE = ProblemKind(422, "missing-evidence", "the reply or report lacks evidence the task or rectification requires")
NO_SUCH_DIAGNOSTIC = ProblemKind(422, "diagnostic-not-found", "the diagnostic does not hold for that organization today")
ALREADY_RECTIFYING = ProblemKind(409, "already-rectifying", "an unclosed rectification of that diagnostic exists already")
