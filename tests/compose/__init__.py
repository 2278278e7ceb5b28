"""`make test-compose` (`python -m tests.compose.drill`): the container deployment run for real,
from the project's own Dockerfile and docker-compose.yml, with the commands docs/operations.md
gives a county IT office.

1. A Docker engine, Compose v2 and the base images. Where no registry is reachable (these CI
   machines), `../shared/containers/` provides them: an engine without a bridge, Compose v2 from
   Debian, and stand-in `python:3.11-slim` / `postgres:15` made from Debian packages. Elsewhere the
   real images are pulled (IMAGES=pull forces that, IMAGES=standin the stand-ins).
2. Build; the secrets and the token key pair made by the image (`dangjian keys`); `up --wait`.
3. Through the gateway: log in, create organizations, members, an activity with two attachments.
4. Restart the database and each process, recreate every container, `down` and `up`: everything,
   attachments included, is still there after each.
5. The backup and restore drill: the documented backup (the gateway's audit keys and checkpoint
   file, the database, the attachments), a fresh deployment (`down -v`, `up`), the documented
   restore; the same counts, ID numbers still readable and searchable, the audit trail the same
   and still verifying, the attachments the same bytes.
6. `down -v` (also on failure; KEEP=1 leaves the stack up to look at).

Networking: with `../shared/containers/docker-compose.private-net.yml` every container shares ONE
private network namespace and nothing is published; without it the gateway is published on the
host's loopback only. Either way the drill talks to the gateway from inside the gateway's own
namespace (setns), never over a bridge. No ID number or phone is ever printed.

Modules: `engine` (output, the engine, the compose wrapper, namespaces), `api` (the API client,
the scenario, snapshots and their comparison), `drill` (the steps and `main`).
"""
