"""Every kind of problem the activities service answers with, declared once.

Code raises a kind (`UNKNOWN_VENUE.on("venue_id", "unknown venue")`); each route lists the kinds it
may answer with in its OpenAPI `responses` (`answers(...)`). Problems of the kit (an unknown record
through `kit.problems.NotFound`, stale versions, idempotency keys, request validation) keep their
own slugs; the ones a route here gives are named below too, so that its answers are complete.
"""

from services.kit.problems import ProblemKind

# ---------------------------------------------------------------- the kit's, as routes here give them
NOT_FOUND = ProblemKind(404, "not-found", "the record does not exist, or is outside the caller's scope")
FORBIDDEN = ProblemKind(403, "forbidden", "the caller may not do this")
VALIDATION_ERROR = ProblemKind(422, "validation-error", "the request does not match its schema (a body field, the period)")
RULE_VIOLATION = ProblemKind(422, "rule-violation", "a field may not be null here")

# ---------------------------------------------------------------- references
UNKNOWN_ORGANIZATION = ProblemKind(422, "unknown-organization", "the organization does not exist or is outside the scope")
UNKNOWN_MEMBER = ProblemKind(422, "unknown-member", "the member does not exist or is outside the scope")

# ---------------------------------------------------------------- activities
UNKNOWN_ACTIVITY_TYPE = ProblemKind(422, "unknown-activity-type", "the activity type is not in the dictionary")
INVALID_SCHEDULE = ProblemKind(422, "invalid-schedule", "the end is before the start")
UNKNOWN_CAMPAIGN = ProblemKind(422, "unknown-campaign", "the campaign is not one of the policy's")
UNKNOWN_VENUE = ProblemKind(422, "unknown-venue", "the venue does not exist or is outside the scope")
SERVED_MEMBER_REQUIRED = ProblemKind(422, "served-member-required", "a home service names the member served")
ORGANIZATION_CANNOT_ORGANIZE = ProblemKind(422, "organization-cannot-organize", "the organization is not active")
ACTIVITY_CANCELLED = ProblemKind(422, "activity-cancelled", "a cancelled activity neither changes nor takes attendance")
INVALID_STATUS_CHANGE = ProblemKind(422, "invalid-status-change", "the activity cannot move to that status")

# ---------------------------------------------------------------- catalog
DUPLICATE_ACTIVITY_TYPE = ProblemKind(409, "duplicate-activity-type", "the activity type exists")

# ---------------------------------------------------------------- attendance
DUPLICATE_ATTENDANCE = ProblemKind(422, "duplicate-attendance", "a member is listed twice")
NOT_A_MEMBER = ProblemKind(422, "not-a-member", "the member does not belong to the organization")
REASON_REQUIRED = ProblemKind(422, "reason-required", "an excused absence needs a reason")
TOO_MANY_HOURS = ProblemKind(422, "too-many-hours", "more hours than one attendance may have")
ATTENDANCE_RECORDED = ProblemKind(409, "attendance-recorded", "attendance is already recorded for some of the members")

# ---------------------------------------------------------------- attachments
CONTENT_TOO_LARGE = ProblemKind(413, "content-too-large", "the file is larger than the policy allows")
UNSUPPORTED_MEDIA_TYPE = ProblemKind(415, "unsupported-media-type", "the type is not accepted, or the content is not of it")
EMPTY_FILE = ProblemKind(422, "empty-file", "the file is empty")

# ---------------------------------------------------------------- evaluations and reviews
NOT_EVALUATED = ProblemKind(422, "not-evaluated", "organizations of this tier are not evaluated")
UNKNOWN_INDICATOR = ProblemKind(422, "unknown-indicator", "not an indicator of the set in force")
DUPLICATE_INDICATOR = ProblemKind(422, "duplicate-indicator", "an indicator is scored twice")
SCORE_OUT_OF_RANGE = ProblemKind(422, "score-out-of-range", "a score is outside its indicator's range")
MISSING_INDICATOR = ProblemKind(422, "missing-indicator", "an indicator of the set is not scored")
UNKNOWN_EVIDENCE = ProblemKind(422, "unknown-evidence", "the evidence is not an activity of the organization")
EVALUATION_EXISTS = ProblemKind(409, "evaluation-exists", "the organization is already evaluated for the year")
RATING_OUT_OF_RANGE = ProblemKind(422, "rating-out-of-range", "the rating is outside the policy's range")
DUPLICATE_GRADE = ProblemKind(422, "duplicate-grade", "a member is graded twice")
PROBATIONARY_NOT_GRADED = ProblemKind(422, "probationary-not-graded", "probationary members are not graded")
TOO_MANY_EXCELLENT = ProblemKind(422, "too-many-excellent", "more members graded excellent than the policy allows")

# ---------------------------------------------------------------- study hours
MEMBER_NOT_STUDYING = ProblemKind(422, "member-not-studying", "the member's state owes no study hours")
FUTURE_STUDY = ProblemKind(422, "future-study", "the day of study is still to come")
TOO_MANY_HOURS_IN_A_DAY = ProblemKind(422, "too-many-hours-in-a-day", "a member's hours of one day would pass the limit")
STUDY_RECORD_DECIDED = ProblemKind(409, "study-record-decided", "the record is already approved or rejected")
