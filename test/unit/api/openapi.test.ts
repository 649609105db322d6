/** The OpenAPI document is generated from the mounted routes: every route is documented, and nothing else is. */
import type { Router } from 'express';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../../api/app';
import type { AuditSink } from '../../../api/auth/audit';
import { createTokenService } from '../../../api/auth/tokens';
import { openApiPath } from '../../../api/openapi/document';
import { createAuthRouter } from '../../../api/routes/auth';
import { createNotificationRouter } from '../../../api/routes/notifications';
import { createUserRepository } from '../../../models/user';
import { createNotificationRepository } from '../../../models/notification';
import { testConfig } from './test-config';

const config = testConfig();
const authenticate: Parameters<typeof createAuthRouter>[0]['authenticate'] = (_req, _res, next) => next();
const audit: AuditSink = { record: async () => undefined };
// Built, never called: the document only reads the route declarations.
const routers: Record<string, Router> = {
  '/auth': createAuthRouter({
    config,
    logger: pino({ level: 'silent' }),
    users: createUserRepository(),
    tokens: createTokenService({ secret: config.AUTH_TOKEN_SECRET, ttlMinutes: 60 }),
    authenticate,
    audit,
    rateLimits: { hit: async () => 1 },
  }),
  '/notifications': createNotificationRouter({ notifications: createNotificationRepository(), authenticate }),
};
const app = createApp({
  config,
  logger: pino({ level: 'silent' }),
  readiness: { temporal: async () => true, database: async () => true },
  routers,
});

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** "METHOD /api/v1/…" for every route express actually has on the mounted routers. */
function mountedRoutes(): string[] {
  return Object.entries(routers).flatMap(([mount, router]) =>
    (router.stack as Layer[])
      .filter((layer) => layer.route)
      .flatMap((layer) =>
        Object.keys(layer.route!.methods).map(
          (method) => `${method.toUpperCase()} ${openApiPath(mount, layer.route!.path)}`,
        ),
      ),
  );
}

type Operation = {
  summary: string;
  security?: unknown[];
  'x-roles'?: string[];
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { content: { 'application/json': { schema: { additionalProperties?: boolean; properties: object } } } };
  responses: Record<string, unknown>;
};

describe('the OpenAPI document', () => {
  it('is served at /api/openapi.json as OpenAPI 3.1', async () => {
    const res = await request(app).get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      openapi: '3.1.0',
      info: { title: 'ChildSafe API' },
      servers: [{ url: config.PUBLIC_URL }],
    });
  });

  it('documents every mounted route, and documents no route that is not mounted', async () => {
    const document = (await request(app).get('/api/openapi.json')).body as {
      paths: Record<string, Record<string, Operation>>;
    };
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(mountedRoutes().sort());
    expect(documented.sort()).toEqual([
      'GET /api/v1/auth/me',
      'GET /api/v1/notifications',
      'POST /api/v1/auth/login',
      'POST /api/v1/auth/logout',
      'POST /api/v1/notifications/{id}/read',
    ]);
  });

  it('describes each operation from its zod schemas, roles and error answers', async () => {
    const { paths } = (await request(app).get('/api/openapi.json')).body as {
      paths: Record<string, Record<string, Operation>>;
    };
    const login = paths['/api/v1/auth/login']!.post!;
    expect(login.security).toEqual([]);
    expect(login.requestBody!.content['application/json'].schema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['email', 'password'],
    });
    expect(Object.keys(login.responses).sort()).toEqual(['200', '400', '401', '413', '429', '500']);

    const read = paths['/api/v1/notifications/{id}/read']!.post!;
    expect(read['x-roles']).toContain('mandated_reporter');
    expect(read.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    expect(Object.keys(read.responses).sort()).toEqual(['200', '400', '401', '403', '404', '500']);

    const inbox = paths['/api/v1/notifications']!.get!;
    expect(inbox.parameters.map((p) => [p.name, p.in, p.required])).toEqual([
      ['limit', 'query', false],
      ['unread', 'query', false],
    ]);
    const logout = paths['/api/v1/auth/logout']!.post!;
    expect(Object.keys(logout.responses)).toContain('204');
  });
});
