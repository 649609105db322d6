/** Routes declared with roles let only those roles through, after authentication, before validation. */
import type { RequestHandler } from 'express';
import pino from 'pino';
import request from 'supertest';
import { z } from 'zod';
import { createApp } from '../../../api/app';
import type { Actor } from '../../../api/auth/actor';
import { ROLES, type Role } from '../../../api/auth/roles';
import { createApiRouter } from '../../../api/http/api-router';
import { testConfig } from './test-config';

/** Stands in for `authenticate` (tested on the real stack in test/integration/api): the role comes from a header. */
const fakeAuthenticate: RequestHandler = (req, _res, next) => {
  const role = req.get('x-test-role') as Role;
  req.actor = { userId: 'u1', role, agencyCode: 'cn.court', jurisdiction: { districtCode: '310105' } } satisfies Actor;
  next();
};

function sealedRecordsApp() {
  const api = createApiRouter({ tag: 'sealed', authenticate: fakeAuthenticate });
  api.route(
    {
      method: 'get',
      path: '/:childId',
      summary: 'A sealed juvenile record (FT 三(三)2(5))',
      roles: ['court_staff', 'procuratorate_staff'],
      request: { params: z.strictObject({ childId: z.string().regex(/^[a-f0-9]{24}$/) }) },
      response: { status: 200, description: 'ok', schema: z.object({ role: z.string() }) },
    },
    async ({ actor }) => ({ role: actor.role }),
  );
  return createApp({
    config: testConfig(),
    logger: pino({ level: 'silent' }),
    readiness: { temporal: async () => true, database: async () => true },
    routers: { '/sealed-records': api.router },
  });
}

describe('role checks', () => {
  const app = sealedRecordsApp();
  const id = '64b7f0c2a1b2c3d4e5f60718';

  it.each(ROLES)(
    'answers %s by its role: 200 for the court and the procuratorate, 403 for everyone else',
    async (role) => {
      const res = await request(app).get(`/api/v1/sealed-records/${id}`).set('x-test-role', role);
      const allowed = role === 'court_staff' || role === 'procuratorate_staff';
      expect(res.status).toBe(allowed ? 200 : 403);
      if (allowed) expect(res.body).toEqual({ role });
      else expect(res.body).toMatchObject({ error: 'FORBIDDEN', message: 'Not permitted', details: null });
    },
  );

  it('refuses a forbidden role before validating, so a refusal says nothing about the input', async () => {
    const res = await request(app).get('/api/v1/sealed-records/not-an-id').set('x-test-role', 'agency_staff');
    expect(res.status).toBe(403);
  });
});
