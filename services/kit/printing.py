"""HTML → PDF by headless Chromium: the system's own printable pages, printed by a maintained
browser engine (CJK text shaped by the fonts installed on the host).

Each rendering runs in its own process with a time limit (the whole process group is killed when
it is over) and its own throwaway profile; at most `MAX_CONCURRENT` run at once in a process. The
page is written to a private temporary folder and printed from there: it loads nothing else and
runs no script (the pages carry their own Content-Security-Policy, `default-src 'none'`; turning
scripts off by flag, `--blink-settings=scriptEnabled=false`, made Chromium 150 print nothing).

Without a renderer on the host the answer is a 503 problem (`renderer-unavailable`), never a
500: install `chromium` and a CJK font (`fonts-noto-cjk` or `fonts-wqy-zenhei`), or point
`<P>_PDF_RENDERER` at the browser (docs/operations.md).
"""

# ruff: noqa: RUF001 - Chinese text takes full-width punctuation

import asyncio
import contextlib
import os
import shutil
import signal
import tempfile
from pathlib import Path

from services.kit.problems import ProblemKind

PDF_MEDIA_TYPE = "application/pdf"
MAX_CONCURRENT = 2
_slots = asyncio.Semaphore(MAX_CONCURRENT)

RENDERER_UNAVAILABLE = ProblemKind(
    503,
    "renderer-unavailable",
    "no PDF renderer (headless Chromium) is installed on this host; the HTML form still works",
    "本機未安裝PDF生成程序",
)
RENDERING_FAILED = ProblemKind(503, "rendering-failed", "the PDF renderer failed or ran over its time limit", "PDF生成失敗")

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--no-pdf-header-footer",
)


def find_renderer(configured: str) -> str | None:
    """The browser's executable: `configured` (a path or a command name), else None."""
    return shutil.which(configured) if configured else None


async def html_to_pdf(page: str, *, renderer: str, timeout_s: float) -> bytes:
    """The PDF of `page` (a whole HTML document). Raises RENDERER_UNAVAILABLE when `renderer` is
    not installed, RENDERING_FAILED when it fails or runs over `timeout_s`."""
    executable = find_renderer(renderer)
    if executable is None:
        raise RENDERER_UNAVAILABLE(
            f"No PDF renderer: '{renderer}' is not installed (apt-get install -y chromium fonts-noto-cjk)",
            zh=f"未安裝PDF生成程序「{renderer}」",
        )
    async with _slots:
        with tempfile.TemporaryDirectory(prefix="print-") as folder:
            work = Path(folder)
            source = work / "page.html"
            source.write_text(page, encoding="utf-8")
            output = work / "page.pdf"
            command = [
                executable,
                *_FLAGS,
                f"--user-data-dir={work / 'profile'}",
                f"--print-to-pdf={output}",
                source.as_uri(),
            ]
            await _run(command, timeout_s, cwd=work)
            data = output.read_bytes() if output.exists() else b""
    if not data.startswith(b"%PDF"):
        raise RENDERING_FAILED("The PDF renderer produced no document", zh="PDF生成程序未產生文件")
    return data


async def _run(command: list[str], timeout_s: float, *, cwd: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        *command,
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the browser's helpers go with it
        # Not the process's environment (it holds the keys): a home of its own and the system's PATH.
        env={"HOME": str(cwd), "PATH": "/usr/local/bin:/usr/bin:/bin"},
    )
    try:
        code = await asyncio.wait_for(process.wait(), timeout_s)
    except TimeoutError:
        _kill_group(process.pid)
        await process.wait()
        raise RENDERING_FAILED(
            f"The PDF renderer ran over its limit of {timeout_s:g} s", zh=f"PDF生成超過時限（{timeout_s:g}秒）"
        ) from None
    except BaseException:
        _kill_group(process.pid)
        raise
    finally:
        # Helpers left behind by a renderer that exited: never outlive the request.
        _kill_group(process.pid)
    if code != 0:
        raise RENDERING_FAILED(f"The PDF renderer exited with status {code}", zh=f"PDF生成程序異常退出（{code}）")


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
