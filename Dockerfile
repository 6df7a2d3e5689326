FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 VAR_DIR=/app/var
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# Static files are collected at build time with a throwaway key; the real one comes from the environment.
RUN DEBUG=false SECRET_KEY=build-only-not-secret-build-only-not-secret-build-only-x1 ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput \
 && useradd --create-home --uid 1000 app && mkdir -p /app/var && chown -R app /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "mentorship.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
