/**
 * A tiny route registry. A route is declared once, with its method, path, summary, roles and zod schemas; the
 * registry mounts it on an express Router with authentication, role check and validation in front, and remembers the
 * declaration, so /api/openapi.json is generated from exactly what is mounted (api/openapi/document.ts).
 *
 * Responses are parsed through the declared schema before they are sent: an object schema drops any field it does
 * not name, so a handler cannot leak a field (a password hash, a child's name) the contract does not promise.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import { ErrorCode } from '../../common/errors';
import type { Actor } from '../auth/actor';
import { requireRole } from '../auth/authenticate';
import type { Role } from '../auth/roles';
import { validate, type RequestSchemas } from './validate';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Access = readonly Role[] | 'public';

export interface RouteDefinition<S extends RequestSchemas, R extends z.ZodType | undefined, A extends Access> {
  method: HttpMethod;
  /** Express syntax, relative to where the router is mounted: "/:id/read". */
  path: string;
  summary: string;
  description?: string;
  /** The roles allowed through, or 'public' for the few routes open without an account (sign-in). */
  roles: A;
  request: S;
  /** `schema` absent: the route answers with no body (204). */
  response: { status: number; description: string; schema?: R };
  /** Error codes the route answers with besides the ones the registry adds (400, 401, 403, 500). */
  errors?: readonly ErrorCode[];
  /** The route requires an Idempotency-Key header (documented as a required header parameter). */
  idempotencyKey?: boolean;
}

/** What the OpenAPI document is built from. */
export interface DocumentedRoute {
  method: HttpMethod;
  path: string;
  summary: string;
  description?: string;
  tag: string;
  roles: Access;
  request: RequestSchemas;
  response: { status: number; description: string; schema?: z.ZodType };
  errors: readonly ErrorCode[];
  idempotencyKey: boolean;
}

type Parsed<S extends RequestSchemas, K extends keyof RequestSchemas> = S[K] extends z.ZodType
  ? z.output<S[K]>
  : undefined;

export interface RouteContext<S extends RequestSchemas, A extends Access> {
  body: Parsed<S, 'body'>;
  query: Parsed<S, 'query'>;
  params: Parsed<S, 'params'>;
  actor: A extends 'public' ? undefined : Actor;
  req: Request;
  res: Response;
}

type Result<R> = R extends z.ZodType ? z.input<R> : void;

export interface ApiRouter {
  router: Router;
  route<S extends RequestSchemas, R extends z.ZodType | undefined, A extends Access>(
    definition: RouteDefinition<S, R, A>,
    handler: (context: RouteContext<S, A>) => Promise<Result<R>>,
    /**
     * Middleware run first, before authentication (rate limits of public routes, keyed on the client address), or
     * right after the role check (rate limits keyed on the signed-in user).
     */
    options?: { before?: readonly RequestHandler[]; afterAuthentication?: readonly RequestHandler[] },
  ): void;
}

const registry = new WeakMap<Router, DocumentedRoute[]>();

/** The routes declared on a router made by `createApiRouter`; empty for any other router. */
export function documentedRoutes(router: Router): readonly DocumentedRoute[] {
  return registry.get(router) ?? [];
}

export function createApiRouter(options: { tag: string; authenticate: RequestHandler }): ApiRouter {
  const router = Router();
  const routes: DocumentedRoute[] = [];
  registry.set(router, routes);
  return {
    router,
    route(definition, handler, routeOptions) {
      const chain: RequestHandler[] = [...(routeOptions?.before ?? [])];
      const roles: Access = definition.roles;
      const isPublic = roles === 'public';
      if (roles !== 'public') chain.push(options.authenticate, requireRole(...roles));
      chain.push(...(routeOptions?.afterAuthentication ?? []));
      chain.push(validate(definition.request));
      chain.push(async (req, res) => {
        // `validate` parsed body, query and params with this route's schemas, and `authenticate` set the actor on
        // every non-public route: the types the handler is promised hold, though express cannot see it.
        const context = { ...req.valid, actor: req.actor, req, res } as Parameters<typeof handler>[0];
        const result = await handler(context);
        // A handler that sent a file itself (the exports) has answered already.
        if (res.headersSent) return;
        const { status, schema } = definition.response;
        if (schema) res.status(status).json(schema.parse(result));
        // A handler that answered itself (a file download) has sent its own body.
        else if (!res.headersSent) res.status(status).end();
      });
      router[definition.method](definition.path, ...chain);

      const hasInput = Object.values(definition.request).some(Boolean);
      const errors = new Set<ErrorCode>([
        ...(hasInput ? [ErrorCode.ValidationFailed] : []),
        ...(isPublic ? [] : [ErrorCode.Unauthenticated, ErrorCode.Forbidden]),
        ...(definition.errors ?? []),
        ErrorCode.Internal,
      ]);
      routes.push({
        method: definition.method,
        path: definition.path,
        summary: definition.summary,
        ...(definition.description ? { description: definition.description } : {}),
        tag: options.tag,
        roles: definition.roles,
        request: definition.request,
        response: definition.response,
        errors: [...errors],
        idempotencyKey: definition.idempotencyKey ?? false,
      });
    },
  };
}
