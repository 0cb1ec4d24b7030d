# syntax=docker/dockerfile:1
# The one application image: gunicorn by default; the Celery worker, beat and the one-shot jobs
# in docker-compose.yml run the same image with another command.
FROM python:3.11.15-slim-trixie

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=vasp_licensing.settings.production

# An unprivileged account owns nothing but /app/var; the code stays root-owned and read-only to it.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. Every pinned package ships a wheel.
COPY requirements/ requirements/
RUN pip install -r requirements/production.txt

COPY . .

# Static files are collected into the image (STATIC_ROOT=/app/staticfiles) and served by whitenoise.
# Production settings refuse to load without their secrets, so this one step gets build-only dummies;
# none of them reaches the runtime environment.
RUN DJANGO_SECRET_KEY=collectstatic-build-step-only-dummy-never-used-at-runtime-000000 \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://build@127.0.0.1:5432/build \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var \
    && chown app:app /app/var

USER 10001:10001

EXPOSE 8000

# Liveness: GET /healthz/ from inside the container. The Host header is the first DJANGO_ALLOWED_HOSTS
# entry, because Django answers 400 to a host it does not know; /healthz/ is exempt from the HTTPS redirect.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request as r; h = os.environ.get('DJANGO_ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.'); h = 'localhost' if h in ('', '*') else h; sys.exit(0 if r.urlopen(r.Request('http://127.0.0.1:8000/healthz/', headers={'Host': h}), timeout=4).status == 200 else 1)"]

# Shell form only to read GUNICORN_WORKERS / GUNICORN_TIMEOUT; exec keeps gunicorn as PID 1 for signals.
CMD ["sh", "-c", "exec gunicorn vasp_licensing.wsgi:application --bind 0.0.0.0:8000 --workers \"${GUNICORN_WORKERS:-3}\" --timeout \"${GUNICORN_TIMEOUT:-60}\" --access-logfile - --error-logfile -"]
