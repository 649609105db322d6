/**
 * Serves the built web app (web/dist, made by `npm run build:web`) from the API process under `/`, so the app and the
 * API share one origin and the session cookie needs no CORS. Hashed assets are cached for a year; index.html never
 * is, so a new build is picked up on the next load. Any GET that is not under /api and is no file gets index.html
 * (the app routes on the client: /inbox, /tasks/…, /cases/…). Mount after the API routers, before the 404 handler.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type Express, type RequestHandler } from 'express';

export const DEFAULT_WEB_DIST = path.resolve(__dirname, '..', 'web', 'dist');

export interface ServeWebAppOptions {
  /** Folder holding index.html and assets/; defaults to web/dist. */
  distDir?: string;
}

/** Paths the SPA fallback must leave to the API's own handlers (and its JSON 404). */
function isApiPath(p: string): boolean {
  return p === '/api' || p.startsWith('/api/') || p === '/healthz' || p === '/readyz';
}

export function serveWebApp(app: Express, options: ServeWebAppOptions = {}): void {
  const distDir = options.distDir ?? DEFAULT_WEB_DIST;
  const indexFile = path.join(distDir, 'index.html');

  app.use(
    '/assets',
    express.static(path.join(distDir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: true }),
  );
  app.use(express.static(distDir, { index: false, maxAge: 0 }));

  const fallback: RequestHandler = (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApiPath(req.path)) return next();
    // A missing asset is a 404, not the app: a stale tab asking for an old bundle must not get HTML as JavaScript.
    if (req.path.startsWith('/assets/') || path.extname(req.path) !== '') return next();
    if (!req.accepts('html')) return next();
    if (!fs.existsSync(indexFile)) {
      res
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The web app is not built: run `npm run build:web`.\n网页端尚未构建：请运行 npm run build:web。\n');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexFile);
  };
  app.use(fallback);
}
