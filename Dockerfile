# Image for the API and worker processes (see docker-compose.yml). Not built here: no Docker engine on the
# development machines.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
USER node
