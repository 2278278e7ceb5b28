# One image for all four processes; the command picks the process:
#   dangjian serve gateway|orgs|members|activities   dangjian migrate NAME   dangjian provision
# See docker-compose.yml for how they are wired together.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

RUN groupadd --system --gid 10001 dangjian \
    && useradd --system --uid 10001 --gid dangjian --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin dangjian

WORKDIR /app

# Dependencies first (pinned and hash-checked), so code changes reuse this layer.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

# The project is installed in editable mode on purpose: `stack.processes` finds alembic.ini and
# the migrations next to the code (/app), which a site-packages copy would not have.
COPY pyproject.toml alembic.ini ./
COPY stack/ stack/
COPY services/ services/
COPY gateway/ gateway/
RUN pip install --no-deps -e . \
    && python -m compileall -q stack services gateway \
    && mkdir -p data && chown dangjian:dangjian data

USER 10001:10001

EXPOSE 8000 8001 8002 8003

CMD ["dangjian", "serve", "gateway", "--host", "0.0.0.0"]
