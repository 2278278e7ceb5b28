"""Every kind of problem the activities service answers with, declared once.

Code raises a kind (`UNKNOWN_VENUE.on("venue_id", "unknown venue")`); each route lists the kinds it
may answer with in its OpenAPI `responses` (`answers(...)`). Problems of the kit (an unknown record
through `kit.problems.NotFound`, stale versions, idempotency keys, request validation) keep their
own slugs; the ones a route here gives are named below too, so that its answers are complete.
"""

from services.kit.problems import ProblemKind

# ---------------------------------------------------------------- the kit's, as routes here give them
NOT_FOUND = ProblemKind(
    404, "not-found", "the record does not exist, or is outside the caller's scope", "記錄不存在或不在權限範圍內"
)
FORBIDDEN = ProblemKind(403, "forbidden", "the caller may not do this", "無權操作")
VALIDATION_ERROR = ProblemKind(
    422, "validation-error", "the request does not match its schema (a body field, the period)", "數據校驗未通過"
)
RULE_VIOLATION = ProblemKind(422, "rule-violation", "a field may not be null here", "違反業務規則")

# ---------------------------------------------------------------- references
UNKNOWN_ORGANIZATION = ProblemKind(
    422, "unknown-organization", "the organization does not exist or is outside the scope", "黨組織不存在或不在權限範圍內"
)
UNKNOWN_MEMBER = ProblemKind(
    422, "unknown-member", "the member does not exist or is outside the scope", "黨員不存在或不在權限範圍內"
)
UNKNOWN_UNIT = ProblemKind(
    422, "unknown-unit", "the community unit does not exist or is outside the scope", "社區單位不存在或不在權限範圍內"
)

# ---------------------------------------------------------------- activities
UNKNOWN_ACTIVITY_TYPE = ProblemKind(
    422, "unknown-activity-type", "the activity type is not in the dictionary", "活動類型不在字典中"
)
INVALID_SCHEDULE = ProblemKind(422, "invalid-schedule", "the end is before the start", "結束時間早於開始時間")
UNKNOWN_CAMPAIGN = ProblemKind(422, "unknown-campaign", "the campaign is not one of the policy's", "專題活動不存在")
UNKNOWN_VENUE = ProblemKind(
    422, "unknown-venue", "the venue does not exist or is outside the scope", "活動場所不存在或不在權限範圍內"
)
SERVED_MEMBER_REQUIRED = ProblemKind(
    422, "served-member-required", "a home service names the member served", "上門服務須指明服務的黨員"
)
ORGANIZATION_CANNOT_ORGANIZE = ProblemKind(
    422, "organization-cannot-organize", "the organization is not active", "該黨組織已不在活動狀態"
)
ACTIVITY_CANCELLED = ProblemKind(
    422, "activity-cancelled", "a cancelled activity neither changes nor takes attendance", "活動已取消"
)
INVALID_STATUS_CHANGE = ProblemKind(
    422, "invalid-status-change", "the activity cannot move to that status", "活動狀態不能如此變更"
)

# ---------------------------------------------------------------- catalog
DUPLICATE_ACTIVITY_TYPE = ProblemKind(409, "duplicate-activity-type", "the activity type exists", "活動類型已存在")

# ---------------------------------------------------------------- attendance
DUPLICATE_ATTENDANCE = ProblemKind(422, "duplicate-attendance", "a member is listed twice", "同一黨員重複登記")
NOT_A_MEMBER = ProblemKind(422, "not-a-member", "the member does not belong to the organization", "該黨員不屬於此黨組織")
REASON_REQUIRED = ProblemKind(422, "reason-required", "an excused absence needs a reason", "請假須填寫事由")
TOO_MANY_HOURS = ProblemKind(422, "too-many-hours", "more hours than one attendance may have", "學時超過上限")
ATTENDANCE_RECORDED = ProblemKind(
    409, "attendance-recorded", "attendance is already recorded for some of the members", "部分黨員已登記出勤"
)

# ---------------------------------------------------------------- attachments
CONTENT_TOO_LARGE = ProblemKind(413, "content-too-large", "the file is larger than the policy allows", "文件過大")
UNSUPPORTED_MEDIA_TYPE = ProblemKind(
    415, "unsupported-media-type", "the type is not accepted, or the content is not of it", "不支持的文件類型"
)
EMPTY_FILE = ProblemKind(422, "empty-file", "the file is empty", "文件為空")

# ---------------------------------------------------------------- evaluations and reviews
NOT_EVALUATED = ProblemKind(422, "not-evaluated", "organizations of this tier are not evaluated", "該層級黨組織不參加評定")
UNKNOWN_INDICATOR = ProblemKind(422, "unknown-indicator", "not an indicator of the set in force", "不是現行指標")
DUPLICATE_INDICATOR = ProblemKind(422, "duplicate-indicator", "an indicator is scored twice", "指標重複評分")
SCORE_OUT_OF_RANGE = ProblemKind(422, "score-out-of-range", "a score is outside its indicator's range", "評分超出範圍")
MISSING_INDICATOR = ProblemKind(422, "missing-indicator", "an indicator of the set is not scored", "有指標未評分")
UNKNOWN_EVIDENCE = ProblemKind(
    422, "unknown-evidence", "the evidence is not an activity of the organization", "佐證不是該黨組織的活動"
)
EVALUATION_EXISTS = ProblemKind(409, "evaluation-exists", "the organization is already evaluated for the year", "該年度已評定")
RATING_OUT_OF_RANGE = ProblemKind(422, "rating-out-of-range", "the rating is outside the policy's range", "評議等次超出範圍")
DUPLICATE_GRADE = ProblemKind(422, "duplicate-grade", "a member is graded twice", "同一黨員重複評議")
PROBATIONARY_NOT_GRADED = ProblemKind(422, "probationary-not-graded", "probationary members are not graded", "預備黨員不參加評議")
TOO_MANY_EXCELLENT = ProblemKind(
    422, "too-many-excellent", "more members graded excellent than the policy allows", "評為優秀的黨員超過比例"
)

# ---------------------------------------------------------------- study hours
MEMBER_NOT_STUDYING = ProblemKind(422, "member-not-studying", "the member's state owes no study hours", "該黨員狀態無需學時")
FUTURE_STUDY = ProblemKind(422, "future-study", "the day of study is still to come", "學習日期尚未到來")
TOO_MANY_HOURS_IN_A_DAY = ProblemKind(
    422, "too-many-hours-in-a-day", "a member's hours of one day would pass the limit", "當日學時超過上限"
)
STUDY_RECORD_DECIDED = ProblemKind(409, "study-record-decided", "the record is already approved or rejected", "學習記錄已審核")
