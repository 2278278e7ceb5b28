"""`dangjian keys`: the secrets of a compose deployment made by the project's own image, so that a
host with only Docker needs no Python (docs/operations.md, .env.example)."""

import base64
import io
import stat
from pathlib import Path

import pytest

from gateway.rules import GatewayPolicy
from services.kit.auth import TokenVerifier
from services.kit.keys import TokenSigner
from stack import cli
from tests.test_compose import env_example

ROOT = Path(__file__).resolve().parents[1]


def test_fill_env_replaces_every_placeholder_and_keeps_the_rest() -> None:
    template = (ROOT / ".env.example").read_text(encoding="utf-8")
    filled = cli.fill_env(template)
    before, after = env_example(), dict(line.split("=", 1) for line in filled.splitlines() if line and not line.startswith("#"))
    assert set(after) == set(before)
    assert [line for line in filled.splitlines() if line.startswith("#")] == [
        line for line in template.splitlines() if line.startswith("#")
    ]
    for name, value in before.items():
        if value == "change-me":
            assert after[name] not in ("", "change-me"), name
        else:
            assert after[name] == value, name
    assert len(base64.b64decode(after["MEMBERS_DATA_KEY"], validate=True)) == 32
    assert after["MEMBERS_DATA_KEY"] != after["MEMBERS_INDEX_KEY"]
    secrets = [after[name] for name, value in before.items() if value == "change-me"]
    assert len(set(secrets)) == len(secrets), "every secret is drawn afresh"


@pytest.mark.parametrize("name", ["ADMIN_PASSWORD", "ADMIN_ORG_ADMIN_PASSWORD"])
def test_generated_admin_passwords_meet_the_default_policy(name: str) -> None:
    policy = GatewayPolicy()
    for _ in range(50):
        password = cli.secret_for(name)
        kinds = sum(any(test(c) for c in password) for test in (str.islower, str.isupper, str.isdigit))
        assert len(password) >= policy.password_min_length
        assert kinds >= policy.password_min_kinds


def test_other_secrets_are_url_and_json_safe() -> None:
    for name in ("POSTGRES_PASSWORD", "GATEWAY_DB_PASSWORD", "ORGS_CLIENT_SECRET"):
        value = cli.secret_for(name)
        assert len(value) >= 40
        assert set(value) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_keys_writes_a_working_pair_readable_by_its_owner_only(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["keys", "--dir", str(tmp_path / "keys")])
    assert exit_.value.code == 0
    private, public = tmp_path / "keys" / "jwt-private.pem", tmp_path / "keys" / "jwt-public.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o400
    assert stat.S_IMODE(public.stat().st_mode) == 0o444
    signer = TokenSigner(private.read_bytes(), issuer="i", audience="a")
    verifier = TokenVerifier.from_file(public, issuer="i", audience="a")
    assert verifier.verify(signer.access_token(subject="admin", kind="user")).subject == "admin"


def test_keys_never_replaces_an_existing_pair(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "jwt-private.pem").write_bytes(b"the pair in use")
    assert cli.keys(tmp_path, None, fill=False) == 1
    assert (tmp_path / "jwt-private.pem").read_bytes() == b"the pair in use"
    assert not (tmp_path / "jwt-public.pem").exists()
    assert "move them away" in capsys.readouterr().err


def test_fill_env_reads_stdin_and_writes_only_the_file_to_stdout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("# comment\nADMIN_PASSWORD=change-me\nGATEWAY_PORT=8000\n"))
    assert cli.keys(None, None, fill=True) == 0
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert lines[0] == "# comment"
    assert lines[1].startswith("ADMIN_PASSWORD=")
    assert lines[1] != "ADMIN_PASSWORD=change-me"
    assert lines[2] == "GATEWAY_PORT=8000"
    assert lines[1].split("=", 1)[1] not in out.err, "a secret goes to the file only"


def test_keys_needs_something_to_do() -> None:
    assert cli.keys(None, None, fill=False) == 2
