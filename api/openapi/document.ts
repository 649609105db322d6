/**
 * The OpenAPI 3.1 document of the API, generated from the routes the registry mounted (api/http/api-router.ts) and
 * their zod schemas (z.toJSONSchema), so it cannot drift from what the server accepts and answers.
 */
import { Router } from 'express';
import { z } from 'zod';
import { HTTP_STATUS } from '../../common/errors';
import { SESSION_COOKIE } from '../auth/authenticate';
import { documentedRoutes, type DocumentedRoute } from '../http/api-router';

export const API_PREFIX = '/api/v1';
export const OPENAPI_PATH = '/api/openapi.json';
const API_VERSION = '1.0.0';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // Each schema is embedded in the document, which declares the dialect once (OpenAPI 3.1: JSON Schema 2020-12).
  const embedded = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete embedded.$schema;
  return embedded;
}

/** "/notifications" + "/:id/read" → "/api/v1/notifications/{id}/read". */
export function openApiPath(mountPath: string, routePath: string): string {
  const joined = `${API_PREFIX}${mountPath}${routePath === '/' ? '' : routePath}`;
  return joined.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (object.required ?? []).includes(name),
    schema: property,
  }));
}

const idempotencyKeyHeader: JsonSchema = {
  name: 'Idempotency-Key',
  in: 'header',
  required: true,
  description:
    'A new random value per submission, reused on retry: the same key from the same account is the same submission ' +
    '(the same receipt); the same key with a different body is refused with 422 IDEMPOTENCY_KEY_REUSED.',
  schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,128}$' },
};

function operation(path: string, route: DocumentedRoute): JsonSchema {
  const responses: Record<string, JsonSchema> = {
    [String(route.response.status)]: {
      description: route.response.description,
      ...(route.response.schema
        ? { content: { 'application/json': { schema: jsonSchema(route.response.schema, 'output') } } }
        : {}),
    },
  };
  for (const code of route.errors) {
    responses[String(HTTP_STATUS[code])] = {
      description: code,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return {
    operationId: `${route.method}${path.slice(API_PREFIX.length).replace(/[^A-Za-z0-9]+/g, '_')}`.replace(/_$/, ''),
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    ...(route.roles === 'public' ? { security: [] } : { 'x-roles': route.roles }),
    parameters: [
      ...parameters(route.request.params, 'path'),
      ...parameters(route.request.query, 'query'),
      ...(route.idempotencyKey ? [idempotencyKeyHeader] : []),
    ],
    ...(route.request.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(route.request.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

const errorBody = z.object({
  error: z.string().describe('A stable code, e.g. VALIDATION_FAILED'),
  message: z.string(),
  details: z.unknown().describe('For VALIDATION_FAILED: { fields: [{ field, message }] }, naming every invalid field'),
  requestId: z.string(),
});

/** The document for the routers mounted under /api/v1, keyed by mount path as createApp receives them. */
export function buildOpenApiDocument(routers: Record<string, Router>, info: { serverUrl: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [mountPath, router] of Object.entries(routers)) {
    for (const route of documentedRoutes(router)) {
      const path = openApiPath(mountPath, route.path);
      paths[path] = { ...paths[path], [route.method]: operation(path, route) };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ChildSafe API',
      version: API_VERSION,
      description: 'ChildSafe 儿童保护转介系统 interagency referral API',
    },
    servers: [{ url: info.serverUrl }],
    security: [{ bearer: [] }, { sessionCookie: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
      },
      schemas: { Error: jsonSchema(errorBody, 'output') },
    },
  };
}

/** GET /api/openapi.json, built once from the mounted routers. */
export function createOpenApiRouter(routers: Record<string, Router>, info: { serverUrl: string }): Router {
  const document = buildOpenApiDocument(routers, info);
  const router = Router();
  router.get(OPENAPI_PATH, (_req, res) => {
    res.json(document);
  });
  return router;
}
