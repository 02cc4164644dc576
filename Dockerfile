# Production image: the app under gunicorn, static files collected for whitenoise.
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
# WeasyPrint (the committee pack and register PDFs) draws text with Pango; the pack's font is Liberation Sans.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation \
    && rm -rf /var/lib/apt/lists/*
# Exactly the lock file's versions, each checked against its hash (make lock writes it from pyproject.toml).
COPY requirements/prod.txt ./requirements/prod.txt
RUN pip install --require-hashes -r requirements/prod.txt
COPY . .
COPY --from=assets /app/node_modules ./node_modules
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input -v 0
RUN useradd --system --uid 1000 council && chown -R council /app
USER council
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --no-input && exec gunicorn config.wsgi:application --config gunicorn.conf.py"]
