/**
 * The case timeline in words (issue 15 item 3): every audit action the code records is classified (shown as a kind
 * with words, or hidden as an access or a second copy), and the entries name people and agencies, never ids.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Types } from 'mongoose';
import type { AuditEventRecord } from '../../../models/audit-event';
import { TIMELINE_KINDS } from '../../../contracts/timeline';
import { classifyAction, timelineOf, type TimelineDirectory } from '../../../api/read-models/timeline';
import { TIMELINE_KINDS_WORDS } from '../../../web/src/i18n/timeline';

const ROOT = path.resolve(__dirname, '../../..');
const read = (dir: string) =>
  fs
    .readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => fs.readFileSync(path.join(ROOT, dir, f), 'utf8'))
    .join('\n');

describe('every audit action is classified', () => {
  it('each event type a workflow records is shown or hidden, never unknown', () => {
    const source = read('workflows');
    const types = new Set([
      ...[...source.matchAll(/\btype: '([a-z_]+)'/g)].map((m) => m[1]!),
      ...[...source.matchAll(/this\.audit\('([a-z_]+)'/g)].map((m) => m[1]!),
    ]);
    expect(types.size).toBeGreaterThan(20);
    const unknown = [...types].filter(
      (t) => 'unknown' in classifyAction(t, 'case') && 'unknown' in classifyAction(t, 'task'),
    );
    // A new audit type: add it to api/read-models/timeline.ts (a kind in contracts/timeline.ts with words in
    // web/src/i18n/timeline.ts, or HIDDEN_ACTIONS if it is an access or a copy of an event already shown).
    expect(unknown).toEqual([]);
  });

  it('each action the API, models and activities record is shown or hidden', () => {
    const source = ['api/routes', 'api/read-models', 'models', 'activities/stores'].map(read).join('\n');
    const actions = new Set(
      source
        .split('\n')
        .filter((line) => /\baction: |\baudit\('/.test(line))
        .flatMap((line) => [...line.matchAll(/'([a-z_]+\.[a-z_.]+)'/g)].map((m) => m[1]!)),
    );
    expect([...actions]).toEqual(
      expect.arrayContaining(['child_file.read', 'child_file.created_by_report', 'temporal_payload.decoded']),
    );
    expect([...actions].filter((a) => 'unknown' in classifyAction(a, 'person'))).toEqual([]);
    // The intervention commands are audited as `case.<path>` (api/routes/interventions.ts).
    const commands = [...read('api/routes').matchAll(/^\s+'([a-z-]+)',$/gm)].map((m) => m[1]!);
    expect(commands.length).toBeGreaterThan(5);
    const unclassified = commands.filter(
      (c) =>
        'unknown' in classifyAction(`case.${c}`, 'person') &&
        'unknown' in classifyAction(`case.placement.${c}`, 'person'),
    );
    expect(unclassified).toEqual([]);
  });

  it('has Chinese and English words for every kind', () => {
    for (const kind of TIMELINE_KINDS) {
      expect(TIMELINE_KINDS_WORDS[kind].zh).toMatch(/[\u4e00-\u9fff]/);
      expect(TIMELINE_KINDS_WORDS[kind].en).toMatch(/^[A-Z]/);
    }
  });
});

describe('timelineOf', () => {
  const caseId = 'case-0123456789abcdef01234567';
  const taskId = `${caseId}/task-1-police_response`;
  const officer = new Types.ObjectId().toHexString();
  const coordinator = new Types.ObjectId().toHexString();
  const dir: TimelineDirectory = {
    users: new Map([
      [officer, { name: '王警官', agencyCode: 'cn.police.huayang' }],
      [coordinator, { name: '李主任', agencyCode: 'cn.civil-affairs' }],
    ]),
    agencies: new Map([
      ['cn.police.huayang', { zh: '华阳路派出所', en: 'Huayang Road Police Station' }],
      ['cn.civil-affairs', { zh: '长宁区民政局', en: 'Changning Civil Affairs Bureau' }],
      ['cn.school.1', { zh: '长宁小学', en: 'Changning Primary School' }],
    ]),
    tasks: new Map([[taskId, { kind: 'police_response', agencyCode: 'cn.police.huayang' }]]),
    pack: undefined,
  };
  let n = 0;
  const ev = (
    minute: number,
    actor: AuditEventRecord['actor'],
    action: string,
    details: Record<string, unknown> = {},
    reason?: string,
  ) =>
    ({
      _id: new Types.ObjectId(),
      eventKey: `k${n++}`,
      actor,
      action,
      at: new Date(Date.UTC(2026, 10, 29, 8, minute)),
      details,
      ...(reason ? { reason } : {}),
    }) as unknown as AuditEventRecord;
  const byCase = { kind: 'workflow' as const, id: caseId };
  const byTask = { kind: 'workflow' as const, id: taskId };

  const events = [
    ev(0, byCase, 'report_filed', { reportId: 'r1', reporterUnitId: 'cn.school.1' }),
    ev(0, byCase, 'task_opened', { taskId, kind: 'police_response', agencyId: 'cn.police.huayang' }, 'CN 四(二)'),
    ev(0, byTask, 'task_created', { kind: 'police_response', agencyId: 'cn.police.huayang' }, 'CN 四(二)'),
    ev(1, { kind: 'user', id: coordinator }, 'child_file.read', {}, 'case_work'),
    ev(2, byTask, 'task_accepted', { agencyId: 'cn.police.huayang', userId: officer }),
    ev(2, byCase, 'task_accepted', { taskId }),
    ev(3, byCase, 'legal_step_recorded', { step: 'written_warning' }, 'CN 四(四)3'),
    ev(3, { kind: 'user', id: officer }, 'case.legal-steps'),
    ev(4, byCase, 'schooling_recorded', { taskId }),
    ev(4, { kind: 'user', id: officer }, 'case.legal-steps.refused', {}, 'IllegalLegalStep: CN 四(四)3'),
    ev(5, byCase, 'some_internal_thing'),
  ];

  it('shows business events once, with who by name and agency and the clause; hides reads and copies', () => {
    const unknown: string[] = [];
    const entries = timelineOf(caseId, events, dir, (a) => unknown.push(a));
    expect(entries.map((e) => e.kind)).toEqual([
      'report_filed',
      'task_created',
      'task_accepted',
      'legal_step_recorded',
    ]);
    expect(unknown).toEqual(['some_internal_thing']);
    expect(entries[0]).toMatchObject({
      who: { kind: 'agency', name: null, agency: { zh: '长宁小学' } },
      clause: null,
    });
    expect(entries[1]).toMatchObject({
      who: { kind: 'system' },
      task: { label: { zh: 'police_response' }, agency: { zh: '华阳路派出所' } },
      clause: 'CN 四(二)',
    });
    expect(entries[2]).toMatchObject({ who: { kind: 'person', name: '王警官', agency: { zh: '华阳路派出所' } } });
    // The workflow event has the clause, the API's record of the command names the person.
    expect(entries[3]).toMatchObject({ who: { name: '王警官' }, clause: 'CN 四(四)3' });
    const text = JSON.stringify(entries);
    expect(text).not.toContain(officer);
    expect(text).not.toContain(coordinator);
    expect(text).not.toContain(taskId);
  });

  it('names an unlisted agency in words rather than by its code', () => {
    const [entry] = timelineOf(caseId, [ev(0, byCase, 'report_filed', { reporterUnitId: 'xx.unknown' })], dir);
    expect(entry!.who.agency).toEqual({ zh: '未登记单位', en: 'Unlisted agency' });
  });
});
