/**
 * Case notes and attachments on the real stack (issue 15 item 4): a report filed over HTTP opens a case through the
 * worker; the coordinator and the police officer working it add notes (never edited, only amended) and attachments,
 * stored in GridFS on FerretDB encrypted (the stored bytes are not the file), read back byte for byte, every read
 * audited; a 20 MB or .exe upload is refused with a clear error; another district's user gets 404.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import request from 'supertest';
import { AppendOnlyError } from '../../../models/audit-event';
import { AuditEventModel } from '../../../models/audit-event';
import { CaseModel } from '../../../models/case';
import { CaseNoteModel } from '../../../models/case-note';
import { ReportModel } from '../../../models/report';
import { createAttachmentStore, deriveAttachmentKey } from '../../../models/attachment-repository';
import { CHANGNING, FENGTAI_POLICE, eventually, reportBody, startFullStack, type FullStack } from './harness';

jest.setTimeout(120_000); // a report through the worker to a case projection, then uploads of up to 20 MB

let stack: FullStack;
let caseId: string;
const tokens: Record<string, string> = {};

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(300_000)]);
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(2_000), Buffer.from('\n%%EOF\n')]);
const EXE = Buffer.concat([Buffer.from('MZ'), randomBytes(5_000)]);

const api = () => request(stack.app);
const as = (who: string, req: request.Test) => req.set('authorization', `Bearer ${tokens[who]}`);
const upload = (who: string, name: string, bytes: Buffer, type = 'application/octet-stream') =>
  as(
    who,
    api().post(`/api/v1/case-records/${caseId}/attachments`).query({ name }).set('content-type', type).send(bytes),
  );

beforeAll(async () => {
  stack = await startFullStack();
  for (const [who, email] of Object.entries({
    reporter: CHANGNING.reporter,
    coordinator: CHANGNING.coordinator,
    police: CHANGNING.police,
    fengtai: FENGTAI_POLICE,
  }))
    tokens[who] = await stack.login(email);
  const filed = await as('reporter', api().post('/api/v1/reports').set('idempotency-key', randomUUID()))
    .send(reportBody())
    .expect(202);
  caseId = await eventually(async () => {
    const report = await ReportModel.findOne({ receiptNumber: filed.body.receipt }).lean();
    if (!report?.caseWorkflowId) throw new Error('report not recorded yet');
    // The police station of the street has the case's first task: it works the case from then on.
    const projected = await CaseModel.findOne({ workflowId: report.caseWorkflowId, agencyCodes: 'cn.police.huayang' });
    if (!projected) throw new Error('case not projected yet');
    return report.caseWorkflowId;
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe('attachments', () => {
  let pngId: string;

  it('round trip: upload, list, download the same bytes; GridFS holds only ciphertext; the read is audited', async () => {
    const up = await upload('coordinator', '伤情照片 2026-11-29.png', PNG, 'image/png').expect(201);
    expect(up.body).toMatchObject({
      name: '伤情照片 2026-11-29.png',
      contentType: 'image/png',
      size: PNG.length,
      uploadedBy: { name: expect.any(String), agency: { zh: expect.stringContaining('民政') } },
      ref: `attachment:${up.body.id}`,
    });
    pngId = up.body.id;
    // The declared Content-Type does not matter: the bytes say PDF.
    const pdf = await upload('police', '告诫书扫描件.pdf', PDF, 'image/jpeg').expect(201);
    expect(pdf.body.contentType).toBe('application/pdf');

    const list = await as('police', api().get(`/api/v1/case-records/${caseId}/attachments`)).expect(200);
    expect(list.body.items.map((a: { name: string }) => a.name)).toEqual([
      '伤情照片 2026-11-29.png',
      '告诫书扫描件.pdf',
    ]);

    const down = await as('police', api().get(`/api/v1/case-records/${caseId}/attachments/${pngId}`))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(down.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(down.body as Buffer, PNG)).toBe(0);

    // At rest: GridFS on FerretDB holds ciphertext of the same length plus nothing readable; the name is sealed too.
    const db = mongoose.connection.db!;
    const file = await db.collection('attachments.files').findOne({ _id: new mongoose.Types.ObjectId(pngId) });
    expect(file).toBeTruthy();
    expect(JSON.stringify(file)).not.toContain('伤情照片');
    const chunks = await db
      .collection('attachments.chunks')
      .find({ files_id: new mongoose.Types.ObjectId(pngId) })
      .sort({ n: 1 })
      .toArray();
    expect(chunks.length).toBeGreaterThan(1); // 300 KB in GridFS's 255 KB chunks
    const stored = Buffer.concat(chunks.map((c) => Buffer.from(c.data.buffer)));
    expect(stored.length).toBe(PNG.length);
    expect(Buffer.compare(stored, PNG)).not.toBe(0);
    expect(stored.includes(PNG.subarray(8, 64))).toBe(false);

    await eventually(async () => {
      const read = await AuditEventModel.findOne({ action: 'attachment.read', caseWorkflowId: caseId }).lean();
      if (!read) throw new Error('no read recorded yet');
      expect(read.reason).toBe(`attachment ${pngId}`);
      expect(read.actor).toMatchObject({ kind: 'user' });
    });
  });

  it('refuses a 20 MB file (413) and an .exe (400 naming the file field) with a clear message, storing nothing', async () => {
    const before = (await as('coordinator', api().get(`/api/v1/case-records/${caseId}/attachments`))).body.items.length;
    const big = Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(20 * 1024 * 1024)]);
    const tooBig = await upload('coordinator', 'big.png', big, 'image/png');
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ error: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('10 MB') });

    const exe = await upload('coordinator', 'setup.exe', EXE);
    expect(exe.status).toBe(400);
    expect(exe.body.details.fields).toEqual([{ field: 'file', message: expect.stringContaining('JPEG、PNG 或 PDF') }]);
    // Named like a picture, still not one.
    expect((await upload('coordinator', 'photo.jpg', EXE, 'image/jpeg')).status).toBe(400);
    const after = (await as('coordinator', api().get(`/api/v1/case-records/${caseId}/attachments`))).body.items.length;
    expect(after).toBe(before);
  });

  it("answers another district's user 404 for the list, the file and an upload, like a case that does not exist", async () => {
    const other = `/api/v1/case-records/${caseId}`;
    const missing = '/api/v1/case-records/case-000000000000000000000000';
    for (const path of ['/attachments', `/attachments/${pngId}`, '/notes']) {
      const res = await as('fengtai', api().get(`${other}${path}`));
      expect(res.status).toBe(404);
      const none = await as('fengtai', api().get(`${missing}${path}`));
      expect({ ...res.body, requestId: null }).toEqual({ ...none.body, requestId: null });
    }
    expect((await upload('fengtai', 'x.png', PNG)).status).toBe(404);
    expect((await as('fengtai', api().post(`${other}/notes`)).send({ text: '看看' })).status).toBe(404);
    // An attachment id of this case under another case is not found either.
    expect((await as('coordinator', api().get(`${missing}/attachments/${pngId}`))).status).toBe(404);
    expect((await api().get(`${other}/attachments`)).status).toBe(401);
  });
});

describe('notes', () => {
  it('are added by anyone working the case, amended by a later note (never edited), audited and in the timeline', async () => {
    const first = await as('police', api().post(`/api/v1/case-records/${caseId}/notes`))
      .send({ text: '已联系孩子父亲，明日返沪。' })
      .expect(201);
    expect(first.body).toMatchObject({ amends: null, author: { agency: { zh: '华阳路派出所' } } });
    const amendment = await as('coordinator', api().post(`/api/v1/case-records/${caseId}/notes`))
      .send({ text: '更正：父亲后天返沪。', amends: first.body.id })
      .expect(201);
    expect(amendment.body.amends).toBe(first.body.id);

    const bad = await as('coordinator', api().post(`/api/v1/case-records/${caseId}/notes`)).send({
      text: '',
      amends: '000000000000000000000000',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['text']);
    const unknown = await as('coordinator', api().post(`/api/v1/case-records/${caseId}/notes`)).send({
      text: '更正',
      amends: '000000000000000000000000',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details.fields).toEqual([{ field: 'amends', message: 'is not a note of this case' }]);

    const list = await as('police', api().get(`/api/v1/case-records/${caseId}/notes`)).expect(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        id: first.body.id,
        text: '已联系孩子父亲，明日返沪。',
        amendedBy: [amendment.body.id],
      }),
      expect.objectContaining({ id: amendment.body.id, amends: first.body.id, amendedBy: [] }),
    ]);

    // Never edited: the model refuses an update.
    await expect(CaseNoteModel.updateOne({ _id: first.body.id }, { $set: { text: 'x' } })).rejects.toThrow(
      AppendOnlyError,
    );
    expect(
      await AuditEventModel.countDocuments({ caseWorkflowId: caseId, action: /^case_note\.(added|amended)$/ }),
    ).toBe(2);

    const view = await as('coordinator', api().get(`/api/v1/cases/${caseId}`)).expect(200);
    const kinds = view.body.timeline.map((e: { kind: string }) => e.kind);
    expect(kinds.filter((k: string) => k === 'note_added')).toHaveLength(2);
    expect(kinds.filter((k: string) => k === 'attachment_added')).toHaveLength(2);
    expect(view.body.timeline.find((e: { kind: string }) => e.kind === 'note_added').who).toMatchObject({
      kind: 'person',
      agency: { zh: '华阳路派出所' },
    });
  });
});

describe('evidence that points to an attachment of the case', () => {
  it("records a legal step whose evidence is the case's scanned 告诫书; a malformed reference or another case's attachment is 400 naming the field", async () => {
    const scan = await upload('police', '告诫书 GJ-2026-7.pdf', PDF).expect(201);
    const ref = scan.body.ref as string;
    expect(ref).toBe(`attachment:${scan.body.id}`);
    // An attachment that exists, but of another case (stored directly, as that case's upload would).
    const store = createAttachmentStore({
      key: deriveAttachmentKey(Buffer.from(stack.config.CHILD_DATA_KEY, 'base64')),
    });
    const foreign = await store.save({
      caseWorkflowId: 'case-0123456789abcdef01234567',
      name: 'other.pdf',
      bytes: PDF,
      contentType: 'application/pdf',
      uploadedBy: 'someone',
      uploaderAgencyCode: 'cn.police.huayang',
    });
    const step = (evidenceRef: string) =>
      as('police', api().post(`/api/v1/interventions/${caseId}/legal-steps`)).send({
        step: 'criticism_education',
        evidenceRef,
        occurredAt: new Date(Date.now() - 60_000).toISOString(),
      });
    for (const bad of [`attachment:${foreign.id}`, 'attachment:not-an-id', `attachment:${'0'.repeat(24)}`]) {
      const res = await step(bad);
      expect({ bad, status: res.status, fields: res.body.details?.fields }).toEqual({
        bad,
        status: 400,
        fields: [{ field: 'evidenceRef', message: expect.stringMatching(/attachment/) }],
      });
    }
    // Nothing was recorded by the refused ones; the good reference is.
    await step(ref).expect(200);
    const view = await eventually(async () => {
      const res = await as('coordinator', api().get(`/api/v1/cases/${caseId}`)).expect(200);
      expect(res.body.cockpit.legalSteps).toHaveLength(1);
      return res.body;
    });
    expect(view.cockpit.legalSteps[0]).toMatchObject({ step: 'criticism_education', evidenceRef: ref });
    // Another district's user cannot cite it: the case is not theirs (404, as for a case that does not exist).
    const other = await as('fengtai', api().post(`/api/v1/interventions/${caseId}/legal-steps`)).send({
      step: 'criticism_education',
      evidenceRef: ref,
      occurredAt: new Date().toISOString(),
    });
    expect(other.status).toBe(404);
  });
});
