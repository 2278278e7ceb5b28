"""Which script a person reads: Simplified or Traditional Chinese, or English for developers.

Chinese text is written once, in Traditional script (the enums' labels, the report templates, the
problems' titles), and converted at the edge to the reader's script by OpenCC (`t2s`: Traditional
to Simplified is the safe direction, many characters to one). The reader's script comes from
`Accept-Language` (RFC 9110 q-values): zh-CN, zh-SG, zh-Hans → Simplified; zh-TW, zh-HK, zh-MO,
zh-Hant → Traditional; en → English where the text has an English version (problem details);
anything else, or no header, → the deployment's default (`DANGJIAN_SCRIPT`, Simplified).
"""

import functools
import os
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated

import opencc
from fastapi import Depends, Request

SCRIPT_VARIABLE = "DANGJIAN_SCRIPT"


class Script(StrEnum):
    """A reader's script, named by its language tag (also sent back as `Content-Language`)."""

    hans = "zh-Hans"
    hant = "zh-Hant"
    en = "en"


# Language tags (lower case) and what they are read in; a bare `zh` is the deployment's default.
_TAGS = {
    "zh-hans": Script.hans,
    "zh-cn": Script.hans,
    "zh-sg": Script.hans,
    "zh-my": Script.hans,
    "zh-hant": Script.hant,
    "zh-tw": Script.hant,
    "zh-hk": Script.hant,
    "zh-mo": Script.hant,
    "en": Script.en,
}


def deployment_script() -> Script:
    """The script read where the request does not say (`DANGJIAN_SCRIPT`: zh-Hans, zh-Hant or en)."""
    name = os.environ.get(SCRIPT_VARIABLE, "").strip()
    if not name:
        return Script.hans
    found = _tag_script(name.lower())
    if found is None:
        raise ValueError(f"{SCRIPT_VARIABLE}={name!r} is not one of zh-Hans, zh-Hant, en")
    return found


def _tag_script(tag: str) -> Script | None:
    """The script of one language tag: its longest known prefix (`zh-Hans-CN` → zh-Hans)."""
    parts = tag.split("-")
    for length in range(len(parts), 0, -1):
        found = _TAGS.get("-".join(parts[:length]))
        if found is not None:
            return found
    if len(parts) > 2 and parts[0] == "zh":  # zh-Hant-CN names its script before its region
        return _TAGS.get(f"zh-{parts[1]}")
    return None


@functools.lru_cache(maxsize=256)
def script_of(accept_language: str | None, default: Script = Script.hans) -> Script:
    """The script the header prefers most (highest q, first on a tie), else `default`."""
    best: tuple[float, int, Script] | None = None
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().lower().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        found = default if tag == "zh" else _tag_script(tag.strip())
        if found is not None and (best is None or (quality, -position) > (best[0], best[1])):
            best = (quality, -position, found)
    return best[2] if best else default


def request_script(request: Request) -> Script:
    """The request's script (a FastAPI dependency, also called by the problem handlers)."""
    return script_of(request.headers.get("accept-language"), deployment_script())


ScriptDep = Annotated[Script, Depends(request_script)]


@functools.lru_cache(maxsize=1)
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=8192)
def _simplified(text: str) -> str:
    return str(_to_simplified().convert(text))


def in_script(text: str, script: Script) -> str:
    """Traditional `text` in `script` (an English reader of text that has no English gets the
    deployment's Chinese script)."""
    return _simplified(text) if chinese(script) is Script.hans else text


def chinese(script: Script) -> Script:
    """The Chinese script of a reader (an English reader of Chinese-only text gets the default)."""
    return script if script is not Script.en else _chinese_default()


def _chinese_default() -> Script:
    default = deployment_script()
    return default if default is not Script.en else Script.hans


def label(labels: Mapping[str, str], script: Script) -> str:
    """A code's label in `script` from its `{"zh_hant", "zh_hans"}` (as `Coded` and `/labels` give them)."""
    return labels["zh_hant"] if chinese(script) is Script.hant else labels["zh_hans"]
