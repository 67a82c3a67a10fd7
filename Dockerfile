# One image for every app process: web (gunicorn), worker and beat (celery), one-shot commands.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

# gettext compiles the .po catalogues in locale/ into the .mo files Django reads.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system app && useradd --system --gid app --home-dir /app --no-create-home app

WORKDIR /app
COPY . /app

# Non-editable install of the pinned dependencies and the project's packages. The code still
# runs from /app (PYTHONPATH), where templates/ and locale/ sit beside it, because settings
# derive BASE_DIR from their own location.
ENV PYTHONPATH=/app
RUN pip install . \
    && rm -rf build *.egg-info

# Translations are compiled and static files collected into the image (whitenoise serves them).
# The key only lets the production settings import; it is not kept in the image.
RUN export DJANGO_SECRET_KEY=build-only-not-a-secret \
    && python manage.py compilemessages \
    && python manage.py collectstatic --noinput \
    && mkdir -p /app/var/mail \
    && chown -R app:app /app/var

USER app
EXPOSE 8000

CMD ["gunicorn", "config.wsgi", "-c", "config/gunicorn.py", "--bind", "0.0.0.0:8000", "--workers", "3"]
