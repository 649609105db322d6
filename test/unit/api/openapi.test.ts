/** The OpenAPI document is generated from the mounted routes: every route is documented, and nothing else is. */
import type { Router } from 'express';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../../api/app';
import { openApiPath } from '../../../api/openapi/document';
import { createRouters } from '../../../api/routers';
import { createTemporalClient } from '../../../common/temporal';
import { testConfig } from './test-config';

const config = testConfig();
// The API exactly as api/main.ts composes it; built, never called: the document only reads the route declarations.
const routers: Record<string, Router> = createRouters({
  config,
  logger: pino({ level: 'silent' }),
  temporal: createTemporalClient(config).client,
});
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
    expect(documented).toEqual(
      expect.arrayContaining([
        'POST /api/v1/auth/login',
        'POST /api/v1/reports',
        'GET /api/v1/reports/mine',
        'GET /api/v1/tasks',
        'POST /api/v1/tasks/{taskId}/complete',
        'GET /api/v1/cases',
        'GET /api/v1/cases/{caseId}',
        'GET /api/v1/children',
        'GET /api/v1/indicators',
        'GET /api/v1/notifications',
        'POST /api/v1/codec/decode',
      ]),
    );
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
    expect(Object.keys(login.responses).sort()).toEqual(['200', '400', '401', '413', '429', '500', '503']);

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
