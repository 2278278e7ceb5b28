"""Every kind of problem the members service answers with: its status, its stable slug, its meaning.

Code raises these (`KIND("detail")`, or `KIND.on("field", "message")` for a rule broken by one
input field), and each route lists the kinds it may give in its OpenAPI answers (`answers(...)`),
so a slug is written here and nowhere else.
"""

from services.kit.problems import ProblemKind

NOT_FOUND = ProblemKind(404, "not-found", "the record (member, transfer, application, month …) is not in the caller's scope")
RULE_VIOLATION = ProblemKind(422, "rule-violation", "the request breaks a rule of the domain")

# Member records.
INVALID_MEMBER = ProblemKind(422, "invalid-member", "the record's ID number, dates or whereabouts are not valid")
ORGANIZATION_CANNOT_HOLD_MEMBERS = ProblemKind(
    422,
    "organization-cannot-hold-members",
    "the organization is unknown, out of scope, dissolved or of a kind holding no members",
)
DUPLICATE_ID_NUMBER = ProblemKind(409, "duplicate-id-number", "a living record with this ID number exists")
INVALID_STATE_CHANGE = ProblemKind(422, "invalid-state-change", "the state cannot follow the current one on that day")
INVALID_FULL_DATE = ProblemKind(422, "invalid-full-date", "the member cannot become full on that day")
INVALID_WHEREABOUTS = ProblemKind(422, "invalid-whereabouts", "the whereabouts, their details or their date are not valid")

# Import and export.
UNREADABLE_FILE = ProblemKind(422, "unreadable-file", "the file is not the xlsx or csv it says it is")
IMPORT_REJECTED = ProblemKind(422, "import-rejected", "rows with problems (the report is in `report`), nothing written")
TOO_MANY_ROWS = ProblemKind(413, "too-many-rows", "more rows than the policy allows in one file")
CONTENT_TOO_LARGE = ProblemKind(413, "content-too-large", "the file is larger than the policy allows")

# Transfers.
INVALID_TRANSFER = ProblemKind(422, "invalid-transfer", "the transfer does not fit the member, the destination or its dates")
TRANSFER_UNDER_WAY = ProblemKind(409, "transfer-under-way", "the member already has a transfer under way")
TRANSFER_NOT_OPEN = ProblemKind(409, "transfer-not-open", "the transfer is no longer open to this decision")
LETTER_EXPIRED = ProblemKind(409, "letter-expired", "the introduction letter expired before it was received")

# Care programs.
NOT_ELIGIBLE = ProblemKind(422, "not-eligible", "the member is not one the program (or the duty report) is for")
ALREADY_ENROLLED = ProblemKind(409, "already-enrolled", "the member is already in the program")
ENROLMENT_ENDED = ProblemKind(409, "enrolment-ended", "the enrolment has ended")

# Recruitment.
INVALID_APPLICATION = ProblemKind(422, "invalid-application", "the applicant's ID number, age or application date are not valid")
DUPLICATE_APPLICATION = ProblemKind(409, "duplicate-application", "this person has an open application")
ALREADY_A_MEMBER = ProblemKind(409, "already-a-member", "this person is already a member")
RECRUITMENT_RULE = ProblemKind(422, "recruitment-rule", "the step breaks a rule of the recruitment work (dates, people, numbers)")
STAGE_OUT_OF_ORDER = ProblemKind(422, "stage-out-of-order", "the step does not follow from the application's stage")
STAGE_TOO_EARLY = ProblemKind(422, "stage-too-early", "the step comes before the policy's time")
APPLICATION_CLOSED = ProblemKind(409, "application-closed", "the application is closed (full or cancelled)")
STEP_REPEATED = ProblemKind(409, "step-repeated", "the step is already recorded")

# Dues.
DUES_RULE = ProblemKind(422, "dues-rule", "the assessment, payment or reduction breaks a rule of the dues")
DUES_PAID = ProblemKind(409, "dues-paid", "the month is paid and no longer changes")
BACK_PAYMENT_TOO_OLD = ProblemKind(422, "back-payment-too-old", "a back payment reaches further back than the policy allows")
