# The cmograph API image used by docker-compose.yml.
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir .
EXPOSE 8000
CMD ["cmograph", "serve", "--host", "0.0.0.0", "--port", "8000"]
