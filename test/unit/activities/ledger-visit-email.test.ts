/**
 * The missed-visit email cites the clause of the child's district pack the notice carries (a child transferred to
 * another district is visited, and escalated, under that district's rules: issue #18), never a fixed district's.
 */
import { renderNotificationEmail } from '../../../activities/mail/notification-email';

const missed = (policyClause: string) =>
  renderNotificationEmail(
    {
      idempotencyKey: 'ledger-child-1:missed-visit:2:2026-01-01T00:00:00.000Z',
      kind: 'ledger_visit_missed',
      recipients: [{ email: 'street@example.test' }],
      dueAt: '2026-02-01T00:00:00.000Z',
      policyClause,
    },
    { publicUrl: 'http://127.0.0.1:3000' },
  );

describe('ledger missed-visit email', () => {
  it.each(['CN 一', 'FT 二(一)2', 'FT 三(一)1'])('cites the pack clause it carries (%s), and no other', (clause) => {
    const { subject, text } = missed(clause);
    expect(subject).toContain('台账儿童定期走访逾期');
    expect(text).toContain(`政策依据：${clause}`);
    expect(text).toContain(`Policy basis: ${clause}`);
    const cited = [...text.matchAll(/(CN|FT) [一二三四五六七八九十]+(?:\([一二三四五六七八九十0-9]+\)|[0-9]+)*/g)].map(
      (m) => m[0],
    );
    expect(new Set(cited)).toEqual(new Set([clause]));
  });
});

describe('ledger missed-visit email link', () => {
  it("links the child's ledger page when the notice carries the child's file, else the inbox", () => {
    const event = {
      idempotencyKey: 'ledger-65f0c0ffee0000000000abcd:missed-visit:1:2026-01-01T00:00:00.000Z',
      kind: 'ledger_visit_missed' as const,
      recipients: [{ email: 'street@example.test' }],
      dueAt: '2026-02-01T00:00:00.000Z',
      policyClause: 'FT 三(二)2',
    };
    const withChild = renderNotificationEmail(
      { ...event, childId: '65f0c0ffee0000000000abcd' },
      { publicUrl: 'http://127.0.0.1:3000/' },
    );
    expect(withChild.links).toEqual([
      { rel: 'ledger', href: 'http://127.0.0.1:3000/ledger/children/65f0c0ffee0000000000abcd' },
    ]);
    expect(withChild.text).toContain('查看儿童台账：http://127.0.0.1:3000/ledger/children/65f0c0ffee0000000000abcd');
    expect(renderNotificationEmail(event, { publicUrl: 'http://127.0.0.1:3000' }).links).toEqual([
      { rel: 'inbox', href: 'http://127.0.0.1:3000/inbox' },
    ]);
  });
});

describe("a ledger notice's delivery failure email", () => {
  it('says the street was not told of an overdue visit, links the ledger page, and names no task', () => {
    const { subject, text, links } = renderNotificationEmail(
      {
        idempotencyKey: 'ledger-1:missed-visit:1:2026-01-01T00:00:00.000Z:delivery-failed',
        kind: 'delivery_failed',
        recipients: [{ email: 'coordinator@example.test' }],
        childId: '65f0c0ffee0000000000abcd',
      },
      { publicUrl: 'http://127.0.0.1:3000' },
    );
    expect(subject).toContain('台账走访逾期通知未能送达');
    expect(text).toContain('无法送达该街道');
    expect(text).toContain('could not be delivered to the street');
    expect(text).toContain('查看儿童台账：http://127.0.0.1:3000/ledger/children/65f0c0ffee0000000000abcd');
    expect(subject + text).not.toMatch(/任务|task "/);
    expect(links).toEqual([{ rel: 'ledger', href: 'http://127.0.0.1:3000/ledger/children/65f0c0ffee0000000000abcd' }]);
  });

  it("keeps the task's wording for a task's notice", () => {
    const { subject, text } = renderNotificationEmail(
      {
        idempotencyKey: 'case-1/task-1:assign:delivery-failed',
        kind: 'delivery_failed',
        recipients: [{ email: 'coordinator@example.test' }],
        taskId: 'case-1/task-1',
        taskLabel: { zh: '公安机关应急处置', en: 'Police emergency response' },
      },
      { publicUrl: 'http://127.0.0.1:3000' },
    );
    expect(subject).toContain('通知未能送达：公安机关应急处置');
    expect(text).toContain('任务「公安机关应急处置」的通知邮件无法送达承办单位');
    expect(text).toContain('查看任务：http://127.0.0.1:3000/tasks/case-1%2Ftask-1');
  });
});

describe('a notice that did not arrive names the agency not told, so the person alerted knows whom to call', () => {
  const render = (over: Partial<Parameters<typeof renderNotificationEmail>[0]>) =>
    renderNotificationEmail(
      {
        idempotencyKey: 'case-1/task-1:assign:delivery-failed',
        kind: 'delivery_failed',
        recipients: [{ email: 'coordinator@example.test' }],
        taskId: 'case-1/task-1',
        taskLabel: { zh: '公安机关应急处置', en: 'Police emergency response' },
        ...over,
      },
      { publicUrl: 'http://127.0.0.1:3000' },
    );
  const police = { zh: '长宁公安分局华阳路派出所', en: 'Huayang Road Police Station' };

  it("a task's agency, by name and with its duty phone when the directory has one", () => {
    const named = render({ agencyName: police, agencyPhone: '021-62512345' }).text;
    expect(named).toContain('无法送达承办单位「长宁公安分局华阳路派出所」（值班电话 021-62512345）。');
    expect(named).toContain(
      'could not be delivered to the agency (Huayang Road Police Station, duty phone 021-62512345).',
    );
    const noPhone = render({ agencyName: police }).text;
    expect(noPhone).toContain('无法送达承办单位「长宁公安分局华阳路派出所」。');
    expect(noPhone).not.toContain('值班电话');
  });

  it("the missed-notice escalation names it too, and a ledger notice's street office", () => {
    expect(render({ kind: 'missed_notice', agencyName: police }).text).toContain(
      '的通知未能送达承办单位「长宁公安分局华阳路派出所」（邮件被拒收）',
    );
    const ledger = render({
      taskId: undefined,
      taskLabel: undefined,
      childId: '65f0c0ffee0000000000abcd',
      agencyName: { zh: '华阳路街道办事处', en: 'Huayang Road Street Office' },
    }).text;
    expect(ledger).toContain('无法送达该街道「华阳路街道办事处」。');
    expect(ledger).toContain('could not be delivered to the street (Huayang Road Street Office).');
  });
});
