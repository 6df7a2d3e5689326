FROM python:3.11-slim-bookworm

# STATIC_ROOT sits outside VAR_DIR: the build collects static files there once, and a VAR_DIR set at run time (or
# a volume on /app/var) cannot hide them. Leave STATIC_ROOT unset at run time (`check` names a mismatch).
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 VAR_DIR=/app/var STATIC_ROOT=/app/staticfiles
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
# .dockerignore keeps .env (secrets), .venv, var/ (local data), .git and caches out.
COPY . .
# Static files are collected at build time with a throwaway key; the real one comes from the environment.
RUN DEBUG=false SECRET_KEY=build-only-not-secret-build-only-not-secret-build-only-x1 ALLOWED_HOSTS=build \
    SITE_URL=https://build.invalid python manage.py collectstatic --noinput \
 && useradd --create-home --uid 1000 app && mkdir -p /app/var && chown -R app /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "mentorship.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
