# syntax=docker/dockerfile:1
# Production image: web (gunicorn), worker and beat all run from it (compose.yaml).

FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim-bookworm AS python-deps
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /venv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY spoguild spoguild
COPY apps apps
# Install the pinned dependencies; the code itself runs from /app.
RUN /venv/bin/pip install . && /venv/bin/pip uninstall -y spoguild

FROM python:3.11-slim-bookworm
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    SPOGUILD_ENV=production DATA_DIR=/app/data
RUN useradd --system --uid 10001 --create-home --home-dir /home/spoguild spoguild
COPY --from=python-deps /venv /venv
WORKDIR /app
COPY . .
COPY --from=assets /src/node_modules node_modules
# collectstatic reads settings, which insist on production secrets: give it
# throwaway values that exist only in this build step.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.db \
    REDIS_URL=redis://build:6379/0 EMAIL_HOST=build \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/data && chown -R spoguild /app/data
USER spoguild
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"
CMD ["sh", "-c", "gunicorn spoguild.wsgi --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS:-3} --access-logfile -"]
