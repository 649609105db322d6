/**
 * Request validation through the whole HTTP stack (createApp, its 64 kB JSON limit and the error middleware), on a
 * route declared with the registry.
 */
import request from 'supertest';
import { z } from 'zod';
import pino from 'pino';
import { createApp } from '../../../api/app';
import { createApiRouter } from '../../../api/http/api-router';
import { forbiddenKeys } from '../../../api/http/validate';
import { testConfig } from './test-config';

function appWithProbe() {
  const api = createApiRouter({ tag: 'probe', authenticate: (_req, _res, next) => next() });
  const received: unknown[] = [];
  api.route(
    {
      method: 'post',
      path: '/:kind',
      summary: 'probe',
      roles: 'public',
      request: {
        params: z.strictObject({ kind: z.enum(['report', 'note']) }),
        query: z.strictObject({ dryRun: z.enum(['true', 'false']).optional() }),
        body: z.strictObject({
          email: z.email(),
          age: z.number().int().min(0),
          child: z.strictObject({ dateOfBirth: z.iso.date(), districtCode: z.string().regex(/^\d{6}$/) }),
          tags: z.array(z.string()).max(3).optional(),
        }),
      },
      response: { status: 201, description: 'ok', schema: z.object({ accepted: z.boolean() }) },
    },
    async ({ body }) => {
      received.push(body);
      return { accepted: true, secret: 'never sent' } as { accepted: boolean };
    },
  );
  const app = createApp({
    config: testConfig(),
    logger: pino({ level: 'silent' }),
    readiness: { temporal: async () => true, database: async () => true },
    routers: { '/probe': api.router },
  });
  return { app, received };
}

const valid = { email: 'teacher@school.example', age: 9, child: { dateOfBirth: '2017-03-01', districtCode: '310105' } };

type FieldList = { field: string; message: string }[];
const fieldsOf = (res: request.Response) => (res.body.details.fields as FieldList).map((f) => f.field).sort();

describe('request validation', () => {
  it('passes a valid request to the handler, parsed, and answers only the fields the response schema names', async () => {
    const { app, received } = appWithProbe();
    const res = await request(app).post('/api/v1/probe/report?dryRun=true').send(valid);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ accepted: true });
    expect(received).toEqual([valid]);
  });

  it('names every invalid field at once, in the body, the query and the path', async () => {
    const { app, received } = appWithProbe();
    const res = await request(app)
      .post('/api/v1/probe/letter?dryRun=maybe')
      .send({ email: 'not-an-email', age: -1, child: { dateOfBirth: '2017-02-30' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('VALIDATION_FAILED');
    expect(fieldsOf(res)).toEqual([
      'age',
      'child.dateOfBirth',
      'child.districtCode',
      'email',
      'params.kind',
      'query.dryRun',
    ]);
    expect((res.body.details.fields as FieldList).find((f) => f.field === 'child.districtCode')?.message).toBe(
      'is required',
    );
    expect(res.body.requestId).toEqual(expect.any(String));
    expect(received).toEqual([]);
  });

  it('refuses wrong types instead of coercing them', async () => {
    const { app } = appWithProbe();
    const res = await request(app)
      .post('/api/v1/probe/report')
      .send({ ...valid, age: '9', tags: 'one', child: { ...valid.child, districtCode: 310105 } });
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual(['age', 'child.districtCode', 'tags']);
  });

  it('refuses unknown fields at any depth, naming each one', async () => {
    const { app } = appWithProbe();
    const res = await request(app)
      .post('/api/v1/probe/report?debug=1')
      .send({ ...valid, role: 'administrator', child: { ...valid.child, name: '张三' } });
    expect(res.status).toBe(400);
    expect(res.body.details.fields).toEqual(
      expect.arrayContaining([
        { field: 'role', message: 'is not a known field' },
        { field: 'child.name', message: 'is not a known field' },
        { field: 'query.debug', message: 'is not a known field' },
      ]),
    );
  });

  it('makes MongoDB operator injection impossible: "$" keys and dotted keys are refused wherever they are', async () => {
    const { app, received } = appWithProbe();
    const injected = await request(app)
      .post('/api/v1/probe/report')
      .send({ ...valid, email: { $gt: '' } });
    expect(injected.status).toBe(400);
    expect(fieldsOf(injected)).toEqual(['email', 'email.$gt']);
    const dotted = await request(app)
      .post('/api/v1/probe/report')
      .send({ ...valid, 'child.districtCode': '110106' });
    expect(dotted.status).toBe(400);
    expect(fieldsOf(dotted)).toContain('child.districtCode');
    const bracketQuery = await request(app).post('/api/v1/probe/report?dryRun[$ne]=x').send(valid);
    expect(bracketQuery.status).toBe(400);
    expect(received).toEqual([]);
  });

  it('finds forbidden keys inside arrays and nested objects', () => {
    expect(forbiddenKeys({ a: [{ ok: 1 }, { $where: 'x' }], b: { 'c.d': 1, e: { $ne: null } } })).toEqual([
      ['a', '1', '$where'],
      ['b', 'c.d'],
      ['b', 'e', '$ne'],
    ]);
    expect(forbiddenKeys('$string values are fine')).toEqual([]);
  });

  it('refuses a body that is not a JSON object', async () => {
    const { app } = appWithProbe();
    const array = await request(app).post('/api/v1/probe/report').send([valid]);
    expect(array.status).toBe(400);
    expect(fieldsOf(array)).toEqual(['(body)']);
    const broken = await request(app)
      .post('/api/v1/probe/report')
      .set('content-type', 'application/json')
      .send('{"email":');
    expect(broken.status).toBe(400);
    expect(broken.body.error).toBe('VALIDATION_FAILED');
    const none = await request(app).post('/api/v1/probe/report');
    expect(none.status).toBe(400);
    expect(fieldsOf(none)).toEqual(['(body)']);
  });

  it('answers an oversized body with 413 and keeps serving', async () => {
    const { app } = appWithProbe();
    const huge = await request(app)
      .post('/api/v1/probe/report')
      .send({ ...valid, tags: ['x'.repeat(70 * 1024)] });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ error: 'PAYLOAD_TOO_LARGE', details: { limitBytes: 65536 } });
    expect(huge.body.message).toContain('65536 bytes');
    const next = await request(app).post('/api/v1/probe/report').send(valid);
    expect(next.status).toBe(201);
  });

  it('refuses deeply nested JSON with 400 naming the depth limit before anything walks it, and keeps serving', async () => {
    const { app, received } = appWithProbe();
    // 3,000 levels in 6 KB: far under the size limit.
    const deep = `{"email":"a@b.example","age":1,"child":{},"tags":${'['.repeat(3000)}${']'.repeat(3000)}}`;
    const res = await request(app).post('/api/v1/probe/report').set('content-type', 'application/json').send(deep);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: 'VALIDATION_FAILED',
      details: { fields: [{ field: '(body)', message: 'request body nests deeper than 32 levels' }] },
    });
    const justDeepEnough = `{"email":"a@b.example","age":1,"child":{},"tags":${'['.repeat(31)}${']'.repeat(31)}}`;
    const shallow = await request(app)
      .post('/api/v1/probe/report')
      .set('content-type', 'application/json')
      .send(justDeepEnough);
    expect(shallow.status).toBe(400);
    expect(fieldsOf(shallow)).not.toContain('(body)');
    expect((await request(app).post('/api/v1/probe/report').send(valid)).status).toBe(201);
    expect(received).toEqual([valid]);
  });

  it('refuses a body that is not valid UTF-8 instead of storing replacement characters', async () => {
    const { app, received } = appWithProbe();
    const bytes = Buffer.concat([
      Buffer.from('{"email":"a@b.example","age":1,"tags":["'),
      Buffer.from([0xe5, 0xbc]), // the first two bytes of a three-byte character, cut off
      Buffer.from('"],"child":{"dateOfBirth":"2017-03-01","districtCode":"310105"}}'),
    ]);
    const res = await request(app)
      .post('/api/v1/probe/report')
      .set('content-type', 'application/json')
      .serialize((d) => d)
      .send(bytes);
    expect(res.status).toBe(400);
    expect(res.body.details.fields).toEqual([{ field: '(body)', message: 'must be UTF-8 encoded JSON' }]);
    const latin1 = await request(app)
      .post('/api/v1/probe/report')
      .set('content-type', 'application/json; charset=utf-16le')
      .serialize((d) => d)
      .send(Buffer.from(JSON.stringify(valid), 'utf16le'));
    expect(latin1.status).toBe(400);
    expect(received).toEqual([]);
  });

  it('refuses control characters, lone surrogates and bidi overrides in any string, naming the field', async () => {
    const { app, received } = appWithProbe();
    const json = (tags: string) =>
      `{"email":"a@b.example","age":1,"tags":[${tags}],"child":{"dateOfBirth":"2017-03-01","districtCode":"310105"}}`;
    for (const escaped of ['"a\\u0000b"', '"\\ud800"', '"\\u202eabc"', '"\\u001b[2J"']) {
      const res = await request(app)
        .post('/api/v1/probe/report')
        .set('content-type', 'application/json')
        .send(json(escaped));
      expect(res.status).toBe(400);
      expect(fieldsOf(res)).toEqual(['tags.0']);
    }
    const query = await request(app).post('/api/v1/probe/report?dryRun=true%E2%80%AE').send(valid);
    expect(query.status).toBe(400);
    expect([...new Set(fieldsOf(query))]).toEqual(['query.dryRun']);
    expect(received).toEqual([]);
  });

  it('hands the handler NFC-normalised text', async () => {
    const { app, received } = appWithProbe();
    const res = await request(app)
      .post('/api/v1/probe/report')
      .send({ ...valid, tags: ['Zoe\u0308'] });
    expect(res.status).toBe(201);
    expect(received).toEqual([{ ...valid, tags: ['Zo\u00eb'] }]);
  });
});
