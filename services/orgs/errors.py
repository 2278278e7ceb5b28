"""Every kind of error the orgs service answers with, declared once.

Code raises a kind (`KIND("detail")`, or `KIND.on("field", "message")` for one input field at
fault) and each route lists the kinds it may give in its OpenAPI answers (`answers(...)`), so a
slug is typed here and nowhere else. The kit adds the answers of the write headers itself
(412/428 of `If-Match`, 409/422 of `Idempotency-Key`), and 401/403 come with every route.
"""

# ruff: noqa: RUF001 - Chinese titles take full-width punctuation

from services.kit.problems import ProblemKind

# FastAPI's own answer to a body, path or query that does not fit the schema (kit.problems).
INVALID_REQUEST = ProblemKind(
    422,
    "validation-error",
    "the request does not fit the operation's schema (`errors` name the fields)",
    "數據校驗未通過",
)
NOT_FOUND = ProblemKind(404, "not-found", "no such record in the caller's scope", "記錄不存在或不在權限範圍內")
RULE_VIOLATION = ProblemKind(
    422, "rule-violation", "the request breaks a rule of organization setup (`errors` name the fields)", "違反組織設置規則"
)
UNKNOWN_REFERENCE = ProblemKind(
    422, "unknown-reference", "an id in the request names nothing in the caller's scope", "引用的記錄不存在或不在權限範圍內"
)
# One slug, two statuses (as answered since the first release): naming a dissolved or merged
# organization in a request is a 422 on that field; changing one is a 409.
INACTIVE_REFERENCE = ProblemKind(
    422, "inactive-organization", "the organization named is dissolved or merged", "該黨組織已撤銷或合併"
)
INACTIVE_ORGANIZATION = ProblemKind(
    409,
    "inactive-organization",
    "the organization is dissolved or merged: it no longer changes",
    "該黨組織已撤銷或合併，不能再變更",
)
INVALID_PLACEMENT = ProblemKind(
    422, "invalid-placement", "the tier or kind may not sit under that parent", "該層級或類型不能設在此上級之下"
)
INVALID_MERGE = ProblemKind(
    422,
    "invalid-merge",
    "the survivor is the organization itself, a descendant, inactive or of another tier",
    "不能如此合併",
)
DUPLICATE_CODE = ProblemKind(422, "duplicate-code", "another organization has that code", "代碼已被其他黨組織使用")
COMMUNITY_TAKEN = ProblemKind(422, "community-taken", "the community already has its top party organization", "該社區已有黨組織")
HAS_ACTIVE_CHILDREN = ProblemKind(
    409, "has-active-children", "the organization still has active child organizations", "仍有下級黨組織"
)
HAS_MEMBERS = ProblemKind(
    409, "has-members", "members still belong to the organization's subtree (`members`: how many)", "下屬仍有黨員"
)
DUPLICATE_TERM = ProblemKind(422, "duplicate-term", "that term of that community body is already recorded", "該屆次已記錄")
NO_PARTY_ORGANIZATION = ProblemKind(
    422, "no-party-organization", "the community has no top party organization yet", "該社區尚無黨組織"
)
TEAM_RULE = ProblemKind(
    422, "team-rule", "the team would break a rule: one secretary, committee size, roles by membership", "班子配備不符合規定"
)
JOINT_BRANCH_FULL = ProblemKind(
    422, "joint-branch-full", "the joint branch already joins the most units the policy allows", "聯合黨支部聯建單位已達上限"
)
# Raised by kit.pagination and kit.peers, answered by the orgs routes that page or ask the members service.
INVALID_CURSOR = ProblemKind(400, "invalid-cursor", "the cursor is not one this list gave out", "分頁游標無效")
PEER_UNAVAILABLE = ProblemKind(
    503, "peer-unavailable", "the members service could not be asked; retry later", "黨員服務暫不可用，請稍後重試"
)
# The working loop: tasks sent down, inspections and rectifications.
WRONG_STATE = ProblemKind(
    409,
    "wrong-state",
    "the task reply or rectification is not in a state that allows this step",
    "當前狀態不能辦理此步驟",
)
NOT_ISSUER = ProblemKind(
    403,
    "not-the-issuer",
    "only a caller whose scope holds the issuing organization may decide this",
    "只有下發單位可以決定此事項",
)
MISSING_EVIDENCE = ProblemKind(
    422,
    "missing-evidence",
    "the reply or report lacks evidence the task or rectification requires",
    "缺少任務或整改要求的佐證材料",
)
NO_SUCH_DIAGNOSTIC = ProblemKind(
    422, "diagnostic-not-found", "the diagnostic does not hold for that organization today", "該黨組織今日不存在此診斷問題"
)
ALREADY_RECTIFYING = ProblemKind(
    409, "already-rectifying", "an unclosed rectification of that diagnostic exists already", "該問題已有未關閉的整改"
)
DOCUMENT_NOT_FOUND = ProblemKind(
    404, "document-not-found", "no document with this number and check code was issued here", "查無此文件或校驗碼不符"
)
# Lifecycles: reserve cadres, post holdings, posts and co-building agreements end once.
ALREADY_ENDED = ProblemKind(
    409,
    "already-ended",
    "the reserve cadre, post or co-building agreement has ended already: it is history and does not change",
    "已結束，不能再變更",
)
