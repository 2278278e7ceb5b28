"""The Chinese text of the kit's own problems: the generic titles by status, and pydantic's
validation errors by their error type (pydantic writes English; the type and its `ctx` say all).

Written once in Traditional script with the mainland's words (數據庫, 信息), like the enums'
labels: `services.kit.script.in_script` gives the Simplified text.
"""

# ruff: noqa: RUF001 - Chinese text takes full-width punctuation

from collections.abc import Mapping
from typing import Any

STATUS_TITLES = {
    400: "請求有誤",
    401: "未登錄或憑證無效",
    403: "無權操作",
    404: "未找到",
    405: "不支持該方法",
    409: "與現有數據衝突",
    412: "前提條件不成立",
    413: "內容過大",
    415: "不支持的內容類型",
    422: "數據校驗未通過",
    428: "缺少前提條件",
    429: "請求過於頻繁",
    500: "服務器內部錯誤",
    502: "上游服務錯誤",
    503: "服務暫不可用",
    504: "上游服務超時",
}
GENERIC_TITLE = "出錯了"

UNEXPECTED = "發生了意外錯誤，已記錄在日誌中。"
DATABASE_UNAVAILABLE = "數據庫未能及時響應，請稍後重試。"
NUL_IN_ADDRESS = "地址中不允許出現 NUL 字符（U+0000）"
# The problems answered outside the routes (middleware, the token check): ASGI layers send them
# through `problems.send_problem` with the request's scope, so they are in the reader's script too.
LOGIN_REQUIRED = "需要有效的訪問令牌（Authorization: Bearer …）"
LOGIN_NOT_VALID = "訪問令牌無效或已過期，請重新登錄"
NOT_ALLOWED = "當前賬號無權進行此操作"
DEADLINE_PASSED = "請求未能在時限內完成，請稍後重試。"
BODY_TOO_LARGE = "請求內容過大"
# The processes by name, as a problem about one of them names it.
PROCESS_NAMES = {"orgs": "組織服務", "members": "黨員服務", "activities": "活動服務", "gateway": "網關"}


def process_name(name: str) -> str:
    return PROCESS_NAMES.get(name, name)


def peer_unavailable(name: str) -> str:
    return f"{process_name(name)}暫不可用，請稍後重試。"


def body_larger_than(limit: int) -> str:
    return f"請求內容超過 {limit} 字節的上限"


def needs_roles(roles: str) -> str:
    return f"需要以下角色之一：{roles}"


def request_not_valid(fields: str) -> str:
    return f"請求內容未通過校驗：{fields}" if fields else "請求內容未通過校驗"


# pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/) → the message,
# formatted with the error's `ctx`.
_BY_TYPE = {
    "missing": "必填",
    "extra_forbidden": "不是可接受的字段",
    "string_type": "應為文本",
    "string_too_short": "至少 {min_length} 個字符",
    "string_too_long": "最多 {max_length} 個字符",
    "string_pattern_mismatch": "格式不正確",
    "int_type": "應為整數",
    "int_parsing": "應為整數",
    "int_from_float": "應為整數",
    "float_type": "應為數字",
    "float_parsing": "應為數字",
    "decimal_type": "應為數字",
    "decimal_parsing": "應為數字",
    "decimal_max_digits": "最多 {max_digits} 位數字",
    "decimal_max_places": "最多 {decimal_places} 位小數",
    "bool_type": "應為是或否（true/false）",
    "bool_parsing": "應為是或否（true/false）",
    "date_type": "應為日期（年-月-日，如 2024-07-01）",
    "date_parsing": "應為日期（年-月-日，如 2024-07-01）",
    "date_from_datetime_parsing": "應為日期（年-月-日，如 2024-07-01）",
    "date_from_datetime_inexact": "應為日期，不帶時刻",
    "datetime_type": "應為日期時間（ISO 8601）",
    "datetime_parsing": "應為日期時間（ISO 8601）",
    "datetime_from_date_parsing": "應為日期時間（ISO 8601）",
    "timezone_aware": "應帶時區",
    "uuid_type": "應為 UUID",
    "uuid_parsing": "應為 UUID",
    "enum": "應為以下之一：{expected}",
    "literal_error": "應為以下之一：{expected}",
    "greater_than": "應大於 {gt}",
    "greater_than_equal": "應不小於 {ge}",
    "less_than": "應小於 {lt}",
    "less_than_equal": "應不大於 {le}",
    "multiple_of": "應為 {multiple_of} 的倍數",
    "too_short": "至少 {min_length} 項",
    "too_long": "最多 {max_length} 項",
    "list_type": "應為列表",
    "dict_type": "應為對象",
    "model_type": "應為對象",
    "model_attributes_type": "應為對象",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
    "url_parsing": "不是有效的網址",
    "url_scheme": "網址協議不受支持",
    "value_error": "取值無效：{error}",
    "assertion_error": "取值無效：{error}",
    "union_tag_invalid": "類型應為以下之一：{expected_tags}",
}
_FALLBACK = "取值無效"


def validation_message(error: Mapping[str, Any]) -> str:
    """pydantic's error (`type`, `ctx`) as a Chinese message; an unknown type gets a plain one."""
    template = _BY_TYPE.get(str(error.get("type", "")), _FALLBACK)
    context = dict(error.get("ctx") or {})
    try:
        return template.format(**{key: str(value) for key, value in context.items()})
    except (KeyError, IndexError, ValueError):
        return _FALLBACK
