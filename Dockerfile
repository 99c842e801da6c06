# One image for every Podium process; docker-compose.yml picks the command.
FROM python:3.12-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY shared shared
COPY services services
COPY podium podium
COPY data data
RUN pip install . && useradd --create-home podium
USER podium
EXPOSE 8001 8002 8003
CMD ["gunicorn", "--bind", "0.0.0.0:8001", "services.agenda.app:create_app()"]
