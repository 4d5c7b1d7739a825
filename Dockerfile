FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=build-time-only-collectstatic-key-0123456789abcdef python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "--config", "config/gunicorn.conf.py"]
