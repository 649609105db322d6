/** serveWebApp: the built app under `/`, client routes falling back to index.html, and /api left to the API. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { serveWebApp } from '../../api/web';

function appServing(distDir: string) {
  const app = express();
  app.get('/api/v1/ping', (_req, res) => {
    res.json({ ok: true });
  });
  serveWebApp(app, { distDir });
  app.use((_req, res) => {
    res.status(404).json({ error: 'NOT_FOUND' });
  });
  return app;
}

describe('serveWebApp', () => {
  let dist: string;
  beforeAll(() => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-web-'));
    fs.mkdirSync(path.join(dist, 'assets'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
    fs.writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  });
  afterAll(() => fs.rmSync(dist, { recursive: true, force: true }));

  test('answers a client route such as /cases/42 with index.html that is never cached', async () => {
    const res = await request(appServing(dist)).get('/cases/42').set('Accept', 'text/html');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<div id="root">');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  test('serves hashed assets with a year-long immutable cache', async () => {
    const res = await request(appServing(dist)).get('/assets/index-abc123.js');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toContain('immutable');
  });

  test('leaves unknown /api paths and missing assets to the 404 handler instead of answering with the app', async () => {
    const app = appServing(dist);
    expect((await request(app).get('/api/v1/nothing').set('Accept', 'text/html')).status).toBe(404);
    expect((await request(app).get('/api/v1/ping')).body).toEqual({ ok: true });
    expect((await request(app).get('/assets/index-old999.js')).status).toBe(404);
    expect((await request(app).post('/cases/42')).status).toBe(404);
  });

  test('says how to build the app when web/dist is missing', async () => {
    const res = await request(appServing(path.join(dist, 'absent')))
      .get('/inbox')
      .set('Accept', 'text/html');
    expect(res.status).toBe(503);
    expect(res.text).toContain('npm run build:web');
  });
});
