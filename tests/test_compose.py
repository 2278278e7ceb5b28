"""The container deployment (docker-compose.yml, Dockerfile, .env.example, .dockerignore), checked
without a Docker engine: every container runs a real entry point, the start order holds, each
process connects as its own role, and no secret is written into the files."""

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

import stack.cli
from services.kit.auth import TokenVerifier
from services.kit.keys import TokenSigner
from stack.postgres import role_name
from stack.processes import GATEWAY, PROCESSES, SERVICE_CLIENT_IDS, SERVICES

ROOT = Path(__file__).resolve().parents[1]
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES_: dict[str, dict[str, Any]] = COMPOSE["services"]
PROJECT_IMAGES = {spec.get("image") for spec in SERVICES_.values() if "build" in spec}
PROJECT_SERVICES = sorted(name for name, spec in SERVICES_.items() if "build" in spec or spec.get("image") in PROJECT_IMAGES)
SCRIPTS: dict[str, str] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
DEPENDENCY_CONDITIONS = {"service_healthy", "service_completed_successfully"}
CLI_HANDLERS = ("run", "migrate", "check", "serve", "provision")


# --- helpers ---------------------------------------------------------------------------------

_INTERPOLATION = re.compile(r"\$\{(?P<body>[^}]*)\}|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)")
# `${VAR}`, `${VAR?message}` and `${VAR:?message}` take the value from the environment only;
# `${VAR:-default}`, `${VAR-default}` and `${VAR:+alt}` carry a literal, which may be a secret.
_NO_LITERAL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?::?\?.*)?", re.DOTALL)
_SENSITIVE_KEY = re.compile(r"PASSWORD|SECRET|KEY|TOKEN|CLIENTS", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/@\s:]*:(?P<password>[^@\s/]*)@")
_SECRET_MOUNT = "/run/secrets/"


def environment(spec: dict[str, Any]) -> dict[str, str | None]:
    """A service's environment as a mapping, whichever of compose's two forms it uses."""
    env = spec.get("environment") or {}
    if isinstance(env, list):
        pairs = (item.partition("=") for item in env)
        return {key: (value if sep else None) for key, sep, value in pairs}
    return {key: None if value is None else str(value) for key, value in env.items()}


def _literal_part(value: str) -> str:
    """What is left of a compose value once the environment-only interpolations are removed."""

    def replace(match: re.Match[str]) -> str:
        if match.group("bare") or _NO_LITERAL.fullmatch(match.group("body")):
            return ""
        return "<default>"  # an interpolation with a default value counts as a literal

    return _INTERPOLATION.sub(replace, value.replace("$$", "#"))  # `$$` escapes: a literal dollar


def _variable(value: str) -> str:
    """The single variable a value interpolates (`${ORGS_DB_PASSWORD:?…}` → ORGS_DB_PASSWORD)."""
    names = {m.group("bare") or re.split(r"[:?+-]", m.group("body"), maxsplit=1)[0] for m in _INTERPOLATION.finditer(value)}
    assert len(names) == 1, f"expected one interpolated variable in {value!r}, found {sorted(names)}"
    return names.pop()


def hard_coded_secrets(env: dict[str, str | None]) -> list[str]:
    """Names of the variables whose value writes a secret into the file instead of interpolating it.

    A variable is sensitive when its name says so (PASSWORD, SECRET, KEY, TOKEN, or CLIENTS for a
    client-id → secret map); its value must then be only `${...}` interpolations without a
    default, or, for a JSON map, have only such values; a `*_FILE` variable may name a mounted
    secret instead. Any value that is a URL with credentials must interpolate its password.
    """
    flagged = []
    for key, value in env.items():
        if value is None:  # passed through from the host environment
            continue
        literal = _literal_part(value)
        if any(m.group("password") for m in _URL_PASSWORD.finditer(literal)):
            flagged.append(key)
        elif not _SENSITIVE_KEY.search(key) or (key.upper().endswith("_FILE") and value.startswith(_SECRET_MOUNT)):
            continue  # not secret by name, or a `*_FILE` naming a mounted secret
        elif literal.lstrip().startswith("{"):
            try:
                leaves = json.loads(literal)
            except json.JSONDecodeError:
                flagged.append(key)
                continue
            if not isinstance(leaves, dict) or any(not isinstance(v, str) or v.strip() for v in leaves.values()):
                flagged.append(key)
        elif literal.strip():
            flagged.append(key)
    return flagged


def serve_port(service: str) -> int:
    command = SERVICES_[service]["command"]
    assert command[:3] == ["dangjian", "serve", service], command
    return int(command[command.index("--port") + 1])


def dependencies(service: str) -> dict[str, str]:
    depends_on = SERVICES_[service].get("depends_on") or {}
    assert isinstance(depends_on, dict), f"{service}: depends_on needs the long form with a condition"
    return {name: spec.get("condition") for name, spec in depends_on.items()}


def accepted_by_cli(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    """Run the real `dangjian` parser and dispatch on argv, with the handlers replaced by recorders.

    (stack.cli has no separate `build_parser()`; calling `main` with stubbed handlers checks the
    same parser and also that the command reaches exactly one handler.)
    """
    calls: list[tuple[str, tuple[Any, ...]]] = []

    def recorder(handler: str) -> Any:
        def record(*args: Any) -> int:
            calls.append((handler, args))
            return 0

        return record

    for handler in CLI_HANDLERS:
        monkeypatch.setattr(stack.cli, handler, recorder(handler))
    code: object = 0
    try:
        stack.cli.main(argv)
    except SystemExit as exit_:  # argparse's way of rejecting, and `run`'s way of returning
        code = exit_.code
    assert code in (0, None), f"`dangjian {' '.join(argv)}` is rejected by the CLI (exit {code})"
    assert len(calls) == 1, f"`dangjian {' '.join(argv)}` reached {calls}"
    return calls


def assert_entry_point(command: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(command, list), f"use the exec form (a list) for {command!r}"
    program, *argv = command
    assert program in SCRIPTS, f"{program!r} is not a [project.scripts] entry point"
    module, _, attribute = SCRIPTS[program].partition(":")
    assert (module, attribute) == ("stack.cli", "main"), SCRIPTS[program]
    [(handler, args)] = accepted_by_cli(argv, monkeypatch)
    if handler == "serve":
        assert args[0] in PROCESSES
    elif handler in ("migrate", "check"):
        assert set(args[0]) <= set(PROCESSES), f"unknown process in {argv}"


def dockerfile_final_stage() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    instructions = []
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            instruction, _, rest = line.partition(" ")
            instructions.append((instruction.upper(), rest.strip()))
    last_from = max(i for i, (instruction, _) in enumerate(instructions) if instruction == "FROM")
    return instructions[last_from:]


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f"not KEY=value: {line!r}"
            pairs[key.strip()] = value.strip()
    return pairs


# --- the secret check checks -----------------------------------------------------------------


@pytest.mark.parametrize(
    "env",
    [
        {"ADMIN_PASSWORD": "hunter2"},
        {"ADMIN_PASSWORD": "${ADMIN_PASSWORD:-hunter2}"},
        {"ORGS_CLIENT_SECRET": "prefix-${ORGS_CLIENT_SECRET}"},
        {"API_TOKEN": "$${API_TOKEN}"},
        {"ORGS_DATABASE_URL": "postgresql+asyncpg://dangjian_orgs:hunter2@postgres:5432/dangjian"},
        {"POSTGRES_ADMIN_URL": "postgresql://postgres:${POSTGRES_PASSWORD:-hunter2}@postgres/postgres"},
        {"REDIS": "redis://default:hunter2@cache:6379/0"},
        {"GATEWAY_SERVICE_CLIENTS": '{"svc-orgs": "hunter2"}'},
        {"GATEWAY_JWT_PRIVATE_KEY_FILE": "/app/keys/jwt-private.pem"},
    ],
)
def test_secret_check_flags_literals(env: dict[str, str | None]) -> None:
    assert hard_coded_secrets(env) == list(env)


def test_secret_check_accepts_interpolations_and_mounted_files() -> None:
    env: dict[str, str | None] = {
        "ADMIN_PASSWORD": "${ADMIN_PASSWORD:?set it}",
        "ADMIN_USERNAME": "${ADMIN_USERNAME:-admin}",
        "ORGS_CLIENT_SECRET": "$ORGS_CLIENT_SECRET",
        "MEMBERS_CLIENT_SECRET": None,
        "ORGS_DATABASE_URL": "postgresql+asyncpg://dangjian_orgs:${ORGS_DB_PASSWORD}@postgres:5432/dangjian",
        "ORGS_GATEWAY_URL": "http://gateway:8000",
        "GATEWAY_SERVICE_CLIENTS": '{"svc-orgs": "${ORGS_CLIENT_SECRET:?set it}"}',
        "GATEWAY_JWT_PRIVATE_KEY_FILE": "/run/secrets/jwt_private_key",
    }
    assert hard_coded_secrets(env) == []


# --- entry points ----------------------------------------------------------------------------


def test_project_image_is_built_once_under_one_name() -> None:
    assert len(PROJECT_IMAGES) == 1
    assert set(PROCESSES) | {f"migrate-{name}" for name in PROCESSES} | {"provision"} <= set(PROJECT_SERVICES)


@pytest.mark.parametrize("service", PROJECT_SERVICES)
def test_container_command_is_a_real_entry_point(service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_entry_point(SERVICES_[service].get("command"), monkeypatch)
    assert SERVICES_[service].get("user") in (None, "10001", "10001:10001"), "run as the image's non-root user"


def test_dockerfile_default_command_is_a_real_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    stage = dockerfile_final_stage()
    assert not [rest for instruction, rest in stage if instruction == "ENTRYPOINT"]
    commands = [rest for instruction, rest in stage if instruction == "CMD"]
    assert commands, "the Dockerfile needs a CMD"
    assert_entry_point(json.loads(commands[-1]), monkeypatch)


def test_dockerfile_runs_as_a_non_root_user() -> None:
    users = [rest for instruction, rest in dockerfile_final_stage() if instruction == "USER"]
    assert users, "the final stage must set USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0", ""), users[-1]


def test_image_holds_what_migrate_needs() -> None:
    stage = dockerfile_final_stage()
    copied = " ".join(rest for instruction, rest in stage if instruction == "COPY")
    for needed in ("requirements.lock", "pyproject.toml", "alembic.ini", "stack", "services", "gateway"):
        assert needed in copied, f"the image does not copy {needed}"
    runs = " ".join(rest for instruction, rest in stage if instruction == "RUN")
    assert "--require-hashes -r requirements.lock" in runs
    # Editable on purpose: stack.processes finds alembic.ini and the migrations beside the code.
    assert re.search(r"pip install --no-deps (-e|--editable) \.", runs)
    ignored = {line.strip().strip("/") for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()}
    assert {".venv", "data", ".git", "tests", "benchmarks", ".env", "keys"} <= ignored
    assert not ignored & {"stack", "services", "gateway", "alembic.ini", "pyproject.toml", "requirements.lock"}


# --- order and health ------------------------------------------------------------------------


def test_postgres_has_a_healthcheck_and_a_volume() -> None:
    postgres = SERVICES_["postgres"]
    assert postgres["image"].startswith("postgres:15")
    assert "pg_isready" in postgres["healthcheck"]["test"]
    volume = postgres["volumes"][0].split(":")[0]
    assert volume in COMPOSE["volumes"]


def test_provision_waits_for_postgres_and_sets_every_role_password() -> None:
    assert SERVICES_["provision"]["command"] == ["dangjian", "provision", "--database", "dangjian"]
    assert dependencies("provision") == {"postgres": "service_healthy"}
    env = environment(SERVICES_["provision"])
    assert env["POSTGRES_ADMIN_URL"] is not None
    assert env["POSTGRES_ADMIN_URL"].endswith("@postgres:5432/postgres")
    for process in PROCESSES.values():
        value = env[f"{process.env_prefix}DB_PASSWORD"]
        assert value is not None
        assert _variable(value) == f"{process.env_prefix}DB_PASSWORD"


@pytest.mark.parametrize("name", list(PROCESSES))
def test_one_migration_per_process_as_its_own_role(name: str) -> None:
    migrate = SERVICES_[f"migrate-{name}"]
    assert migrate["command"] == ["dangjian", "migrate", name]
    assert dependencies(f"migrate-{name}") == {"provision": "service_completed_successfully"}
    assert "restart" not in migrate, "a one-shot step must not restart"
    prefix = PROCESSES[name].env_prefix
    url = environment(migrate)[f"{prefix}DATABASE_URL"]
    assert url is not None
    assert url.startswith(f"postgresql+asyncpg://{role_name(name)}:")
    assert url.endswith("@postgres:5432/dangjian")
    assert _variable(url) == f"{prefix}DB_PASSWORD"
    # The running process uses the same role and database as its migration.
    assert environment(SERVICES_[name])[f"{prefix}DATABASE_URL"] == url


def test_no_other_migration_steps() -> None:
    assert {name for name in SERVICES_ if name.startswith("migrate-")} == {f"migrate-{name}" for name in PROCESSES}


@pytest.mark.parametrize("name", list(PROCESSES))
def test_process_is_healthchecked_and_starts_after_its_migration(name: str) -> None:
    spec = SERVICES_[name]
    port = serve_port(name)
    assert port == PROCESSES[name].default_port
    assert "0.0.0.0" in spec["command"], "listen on the container's network"
    test = spec["healthcheck"]["test"]
    assert test[:3] == ["CMD", "bash", "-c"], "bash's /dev/tcp: no Python start-up at every check"
    assert test[3] == healthcheck_command(port)
    depends = dependencies(name)
    assert depends[f"migrate-{name}"] == "service_completed_successfully"
    assert set(depends.values()) <= DEPENDENCY_CONDITIONS
    assert all(depends[peer] == "service_healthy" for peer in depends if peer in PROCESSES)
    assert spec["restart"] == "unless-stopped"
    assert environment(spec)[f"{PROCESSES[name].env_prefix}ENVIRONMENT"] == "production"


def healthcheck_command(port: int) -> str:
    request = "printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3"
    return f"exec 3<>/dev/tcp/127.0.0.1/{port} && {request} && head -n 1 <&3 | grep -q ' 200 '"


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False), (None, False)])
def test_the_healthcheck_command_passes_on_200_only(status: int | None, healthy: bool) -> None:
    """The processes' check, run by bash against a stand-in /healthz (None: nothing listens)."""
    import http.server
    import threading

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status if self.path == "/healthz" and status else 404)
            self.end_headers()

        def log_message(self, *_: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Health)
    port = server.server_address[1]
    if status is None:
        server.server_close()
    else:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        done = subprocess.run(["bash", "-c", healthcheck_command(port)], capture_output=True, timeout=10, check=False)
    finally:
        if status is not None:
            server.shutdown()
            server.server_close()
    assert (done.returncode == 0) is healthy


def test_start_order_has_no_cycle_and_the_gateway_waits_for_no_service() -> None:
    assert not set(dependencies(GATEWAY.name)) & {s.name for s in SERVICES}
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, f"dependency cycle: {' -> '.join((*path, name))}"
        if name not in done:
            for dependency in dependencies(name):
                assert dependency in SERVICES_, f"{name} depends on unknown {dependency}"
                visit(dependency, (*path, name))
            done.add(name)

    for name in SERVICES_:
        visit(name, ())


def test_only_the_gateway_is_published() -> None:
    published = {name for name, spec in SERVICES_.items() if spec.get("ports")}
    assert published == {GATEWAY.name}
    assert SERVICES_[GATEWAY.name]["ports"] == [f"${{GATEWAY_PORT:-{GATEWAY.default_port}}}:{GATEWAY.default_port}"]


# --- wiring ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PROCESSES))
def test_peer_urls_reach_the_peers_ports(name: str) -> None:
    env = environment(SERVICES_[name])
    prefix = PROCESSES[name].env_prefix
    peers = [p for p in PROCESSES if p != name] if name == GATEWAY.name else list(PROCESSES)
    for peer in peers:
        assert env[f"{prefix}{peer.upper()}_URL"] == f"http://{peer}:{serve_port(peer)}"


@pytest.mark.parametrize("name", list(PROCESSES))
def test_token_keys_are_mounted_secrets(name: str) -> None:
    spec = SERVICES_[name]
    env = environment(spec)
    prefix = PROCESSES[name].env_prefix
    mounted = set(spec.get("secrets") or [])
    assert env[f"{prefix}JWT_PUBLIC_KEY_FILE"] == _SECRET_MOUNT + "jwt_public_key"
    if name == GATEWAY.name:
        assert env[f"{prefix}JWT_PRIVATE_KEY_FILE"] == _SECRET_MOUNT + "jwt_private_key"
        assert mounted == {"jwt_private_key", "jwt_public_key"}
    else:
        assert mounted == {"jwt_public_key"}, "only the gateway holds the signing key"
    for secret in mounted:
        assert _literal_part(COMPOSE["secrets"][secret]["file"]) == "", "key file paths come from .env"


def test_each_service_client_secret_is_the_one_the_gateway_knows() -> None:
    gateway = environment(SERVICES_[GATEWAY.name])
    clients_value = gateway["GATEWAY_SERVICE_CLIENTS"]
    assert clients_value is not None
    clients = json.loads(clients_value)
    assert set(clients) == set(SERVICE_CLIENT_IDS.values())
    for name, client_id in SERVICE_CLIENT_IDS.items():
        prefix = PROCESSES[name].env_prefix
        secret = environment(SERVICES_[name])[f"{prefix}CLIENT_SECRET"]
        assert secret is not None
        assert _variable(secret) == _variable(clients[client_id]) == f"{prefix}CLIENT_SECRET"
    assert gateway["ADMIN_PASSWORD"] is not None
    assert _variable(gateway["ADMIN_PASSWORD"]) == "ADMIN_PASSWORD"


@pytest.mark.parametrize("service", sorted(SERVICES_))
def test_no_secret_is_written_into_the_compose_file(service: str) -> None:
    assert hard_coded_secrets(environment(SERVICES_[service])) == []


# --- .env.example ----------------------------------------------------------------------------


def test_env_example_documents_every_variable_with_placeholders() -> None:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    used = {m.group("bare") or re.split(r"[:?+-]", m.group("body"), maxsplit=1)[0] for m in _INTERPOLATION.finditer(text)}
    documented = env_example()
    assert used <= set(documented), f"undocumented in .env.example: {sorted(used - set(documented))}"
    for key, value in documented.items():
        if _SENSITIVE_KEY.search(key) and not key.endswith("_FILE"):
            assert value == "change-me", f"{key} in .env.example must be a placeholder"


def test_env_example_key_pair_command_works(tmp_path: Path) -> None:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    match = re.search(r'python -c "(?P<code>[^"]*generate_keypair[^"]*)"', text)
    assert match, "the key pair command is missing from .env.example"
    subprocess.run([sys.executable, "-c", match["code"]], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    documented = env_example()
    private = tmp_path / documented["JWT_PRIVATE_KEY_FILE"]
    public = tmp_path / documented["JWT_PUBLIC_KEY_FILE"]
    signer = TokenSigner(private.read_bytes(), issuer="i", audience="a")
    verifier = TokenVerifier.from_file(public, issuer="i", audience="a")
    assert verifier.verify(signer.access_token(subject="admin", kind="user")).subject == "admin"


# --- monitoring ------------------------------------------------------------------------------


def test_monitoring_is_an_optional_profile_that_scrapes_every_process() -> None:
    prometheus = SERVICES_["prometheus"]
    assert prometheus["profiles"] == ["monitoring"]
    assert not prometheus.get("ports"), "Prometheus stays inside the compose network"
    assert "./deploy/prometheus.yml:/etc/prometheus/prometheus.yml:ro" in prometheus["volumes"]
    assert set(dependencies("prometheus")) == set(PROCESSES)
    config = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text(encoding="utf-8"))
    targets = {target for job in config["scrape_configs"] for group in job["static_configs"] for target in group["targets"]}
    assert targets == {f"{name}:{serve_port(name)}" for name in PROCESSES}
    assert {job.get("metrics_path", "/metrics") for job in config["scrape_configs"]} == {"/metrics"}


def test_every_other_container_runs_without_the_profile() -> None:
    assert [name for name, spec in SERVICES_.items() if spec.get("profiles")] == ["prometheus"]


def test_the_dashboard_uses_every_series_and_only_real_ones() -> None:
    from prometheus_client import Counter, Gauge, Histogram

    import services.kit.metrics as metrics

    series = {value._name for value in vars(metrics).values() if isinstance(value, Counter | Gauge | Histogram)}
    series.add("db_pool_connections")  # a collector read at scrape time
    dashboard = json.loads((ROOT / "deploy" / "grafana-dashboard.json").read_text(encoding="utf-8"))
    expressions = " ".join(target["expr"] for panel in dashboard["panels"] for target in panel["targets"])
    used = set(re.findall(r"[a-z_]+(?=[{\[)]|\s|$)", expressions))
    named = {name.removesuffix("_total").removesuffix("_bucket") for name in used}
    assert {s.removesuffix("_total") for s in series} <= named, "a series without a panel"
    for name in used:
        base = name.removesuffix("_bucket")
        if base.endswith(("_total", "_seconds", "_depth", "_open", "_position", "_connections")):
            assert base in series or base.removesuffix("_total") in {s.removesuffix("_total") for s in series}, name
