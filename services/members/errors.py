"""Every kind of problem the members service answers with: its status, its stable slug, its meaning.

Code raises these (`KIND("detail")`, or `KIND.on("field", "message")` for a rule broken by one
input field), and each route lists the kinds it may give in its OpenAPI answers (`answers(...)`),
so a slug is written here and nowhere else.
"""

# ruff: noqa: RUF001 - Chinese titles take full-width punctuation

from services.kit.problems import ProblemKind

NOT_FOUND = ProblemKind(
    404,
    "not-found",
    "the record (member, transfer, application, month …) is not in the caller's scope",
    "記錄不存在或不在權限範圍內",
)
RULE_VIOLATION = ProblemKind(422, "rule-violation", "the request breaks a rule of the domain", "違反業務規則")
UNKNOWN_MEMBER = ProblemKind(
    422, "unknown-member", "a member the body names does not exist or is outside the scope", "黨員不存在或不在權限範圍內"
)

# Member records.
INVALID_MEMBER = ProblemKind(422, "invalid-member", "the record's ID number, dates or whereabouts are not valid", "黨員信息有誤")
ORGANIZATION_CANNOT_HOLD_MEMBERS = ProblemKind(
    422,
    "organization-cannot-hold-members",
    "the organization is unknown, out of scope, dissolved or of a kind holding no members",
    "該黨組織不能接收黨員",
)
DUPLICATE_ID_NUMBER = ProblemKind(
    409, "duplicate-id-number", "a living record with this ID number exists", "身份證號碼已有在冊記錄"
)
INVALID_STATE_CHANGE = ProblemKind(
    422, "invalid-state-change", "the state cannot follow the current one on that day", "黨籍狀態不能如此變更"
)
INVALID_FULL_DATE = ProblemKind(
    422,
    "invalid-full-date",
    "the member cannot become full on that day (`earliest_full_on`: the probation's end)",
    "轉正日期有誤",
)
INVALID_WHEREABOUTS = ProblemKind(
    422, "invalid-whereabouts", "the whereabouts, their details or their date are not valid", "去向信息有誤"
)
INVALID_PROBATION_EXTENSION = ProblemKind(
    422,
    "invalid-probation-extension",
    "the probation cannot be extended so (once, 6-12 months, while probationary)",
    "預備期不能如此延長",
)

# Import and export.
UNREADABLE_FILE = ProblemKind(422, "unreadable-file", "the file is not the xlsx or csv it says it is", "文件無法讀取")
IMPORT_REJECTED = ProblemKind(
    422, "import-rejected", "rows with problems (the report is in `report`), nothing written", "導入未通過，未寫入任何記錄"
)
TOO_MANY_ROWS = ProblemKind(413, "too-many-rows", "more rows than the policy allows in one file", "行數超過上限")
CONTENT_TOO_LARGE = ProblemKind(413, "content-too-large", "the file is larger than the policy allows", "文件過大")
FILE_OVER_LIMIT = ProblemKind(
    413,
    "file-over-limit",
    "the file passes one of the policy's limits on reading it (named in `limit`, its value in `maximum`)",
    "文件超出讀取限制",
)

# Transfers.
INVALID_TRANSFER = ProblemKind(
    422, "invalid-transfer", "the transfer does not fit the member, the destination or its dates", "組織關係轉接信息有誤"
)
TRANSFER_UNDER_WAY = ProblemKind(
    409, "transfer-under-way", "the member already has a transfer under way", "已有進行中的組織關係轉接"
)
TRANSFER_NOT_OPEN = ProblemKind(
    409, "transfer-not-open", "the transfer is no longer open to this decision", "該轉接已不能辦理此步驟"
)
LETTER_EXPIRED = ProblemKind(409, "letter-expired", "the introduction letter expired before it was received", "介紹信已過期")
OTHER_SIDE = ProblemKind(
    403,
    "other-side-of-transfer",
    "the step is the other side's (sending: approve, cancel; receiving: receive)",
    "此步驟應由轉接的另一方辦理",
)

# Care programs.
NOT_ELIGIBLE = ProblemKind(422, "not-eligible", "the member is not one the program (or the duty report) is for", "不符合條件")
ALREADY_ENROLLED = ProblemKind(409, "already-enrolled", "the member is already in the program", "已在該關愛項目中")
ENROLMENT_ENDED = ProblemKind(409, "enrolment-ended", "the enrolment has ended", "關愛已結束")

# Recruitment.
INVALID_APPLICATION = ProblemKind(
    422, "invalid-application", "the applicant's ID number, age or application date are not valid", "入黨申請信息有誤"
)
DUPLICATE_APPLICATION = ProblemKind(409, "duplicate-application", "this person has an open application", "已有進行中的入黨申請")
ALREADY_A_MEMBER = ProblemKind(409, "already-a-member", "this person is already a member", "此人已是黨員")
RECRUITMENT_RULE = ProblemKind(
    422, "recruitment-rule", "the step breaks a rule of the recruitment work (dates, people, numbers)", "違反發展黨員工作規定"
)
STAGE_OUT_OF_ORDER = ProblemKind(
    422, "stage-out-of-order", "the step does not follow from the application's stage", "發展階段順序不符"
)
STAGE_TOO_EARLY = ProblemKind(422, "stage-too-early", "the step comes before the policy's time", "未到規定時間")
APPLICATION_CLOSED = ProblemKind(409, "application-closed", "the application is closed (full or cancelled)", "入黨申請已結束")
STEP_REPEATED = ProblemKind(409, "step-repeated", "the step is already recorded", "該步驟已記錄")

# Dues.
DUES_RULE = ProblemKind(422, "dues-rule", "the assessment, payment or reduction breaks a rule of the dues", "黨費規則不符")
DUES_PAID = ProblemKind(409, "dues-paid", "the month is paid and no longer changes", "該月黨費已繳納，不能再改")
BACK_PAYMENT_TOO_OLD = ProblemKind(
    422, "back-payment-too-old", "a back payment reaches further back than the policy allows", "補繳月份超出規定範圍"
)

# Documents.
NO_LETTER_YET = ProblemKind(
    409,
    "no-letter-yet",
    "the transfer has no introduction letter (not approved, or refused or withdrawn)",
    "該轉接尚未開具介紹信",
)
NO_CERTIFICATE = ProblemKind(
    409,
    "no-certificate",
    "the record is closed (left, deceased, transferred out): no membership certificate",
    "非在冊黨員，不能出具黨員證明",
)
DOCUMENT_NOT_FOUND = ProblemKind(
    404, "document-not-found", "no document with this number and check code was issued here", "查無此文件或校驗碼不符"
)
# A member's own view and what a member submits.
INVALID_CHANGE_REQUEST = ProblemKind(
    422,
    "invalid-change-request",
    "the change request names nothing to change, the same value, or education without evidence",
    "變更申請有誤",
)
CHANGE_REQUEST_DECIDED = ProblemKind(
    409, "change-request-decided", "the change request was already approved or rejected", "該變更申請已經審核"
)
CHANGE_REQUEST_OPEN = ProblemKind(
    409, "change-request-open", "the member already has a change request waiting for review", "已有待審核的變更申請"
)
NOT_FLOATING = ProblemKind(
    409, "not-floating", "only a member floating out (外出流動) reports where they are", "只有外出流動黨員需要定期匯報"
)
INVALID_FLOATING_REPORT = ProblemKind(
    422, "invalid-floating-report", "the report's date is in the future or before the member floated out", "定期匯報信息有誤"
)
