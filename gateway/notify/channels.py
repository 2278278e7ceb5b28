"""The channels a notice leaves by, each an adapter to an HTTP gateway the deployment names.

An adapter turns (recipient address, text, notice) into one POST to its gateway and says how it
went: (ok, HTTP status, error). The SMS adapter posts `{"phone", "template", "params", "text"}`
with the credential as a bearer token; the WeChat adapter posts a template message
(`{"touser", "template_id", "data"}`, WeChat's own shape) with the credential as `access_token`,
as WeChat's API takes it. A province's own SMS platform takes another adapter: add a class with
`send` and register it in `ADAPTERS`.

The addresses and the credentials are never logged; an error names the exception type or status.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import httpx

from gateway.enums import NoticeChannel
from gateway.notify import rules

Outcome = tuple[bool, int | None, str | None]


@dataclass(frozen=True)
class Message:
    kind: str
    title: str
    due_on: date

    @property
    def text(self) -> str:
        return rules.channel_text(self.kind, self.due_on)


class Adapter(Protocol):
    async def send(self, http: httpx.AsyncClient, address: str, message: Message) -> Outcome: ...


async def _post(http: httpx.AsyncClient, url: str, **kwargs: Any) -> Outcome:
    try:
        response = await http.post(url, **kwargs)
    except (httpx.HTTPError, OSError) as error:
        return False, None, type(error).__name__
    if 200 <= response.status_code < 300:
        return True, response.status_code, None
    return False, response.status_code, f"status {response.status_code}"


@dataclass(frozen=True)
class SmsAdapter:
    url: str
    credential: str
    template: str

    async def send(self, http: httpx.AsyncClient, address: str, message: Message) -> Outcome:
        params = {"kind": message.kind, "due_on": message.due_on.isoformat()}
        body = {"phone": address, "template": self.template, "params": params, "text": message.text}
        return await _post(http, self.url, json=body, headers={"Authorization": f"Bearer {self.credential}"})


@dataclass(frozen=True)
class WechatAdapter:
    url: str
    credential: str
    template: str

    async def send(self, http: httpx.AsyncClient, address: str, message: Message) -> Outcome:
        body = {
            "touser": address,
            "template_id": self.template,
            "data": {"thing1": {"value": message.title[:20]}, "time2": {"value": message.due_on.isoformat()},
                     "thing3": {"value": message.text[:20]}},
        }  # fmt: skip
        try:
            response = await http.post(self.url, params={"access_token": self.credential}, json=body)
        except (httpx.HTTPError, OSError) as error:
            return False, None, type(error).__name__
        if not 200 <= response.status_code < 300:
            return False, response.status_code, f"status {response.status_code}"
        # WeChat answers 200 with `errcode` ≠ 0 when it refuses the message.
        try:
            errcode = int(response.json().get("errcode", 0))
        except (ValueError, AttributeError, TypeError):
            errcode = 0
        return (True, response.status_code, None) if errcode == 0 else (False, response.status_code, f"errcode {errcode}")


ADAPTERS: dict[NoticeChannel, type[SmsAdapter] | type[WechatAdapter]] = {
    NoticeChannel.sms: SmsAdapter,
    NoticeChannel.wechat: WechatAdapter,
}


def configured(settings: rules.NotifySettings) -> dict[NoticeChannel, Adapter]:
    """The adapters of the channels this deployment configured."""
    templates = {NoticeChannel.sms: settings.sms_template, NoticeChannel.wechat: settings.wechat_template_id}
    return {
        channel: ADAPTERS[channel](settings.url(channel), settings.credential(channel), templates[channel])
        for channel in settings.channels()
    }
