# The application image: web (gunicorn), Celery worker and beat all run from it (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=reform.settings.production

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# A non-root user owns only what the app writes: collected static files and media (report exports, uploads).
RUN useradd --create-home --uid 10001 reform \
    && mkdir -p /app/staticfiles /app/media \
    && chown -R reform:reform /app/staticfiles /app/media
USER reform

EXPOSE 8000
CMD ["gunicorn", "reform.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", "--access-logfile", "-"]
