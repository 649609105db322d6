/**
 * A notice about a case names it by its readable number (长宁-2026-000123), never by its id (`case-<childId>`), in the
 * subject the inbox shows and in the text; the id travels in the link only.
 */
import { renderNotificationEmail } from '../../../activities/mail/notification-email';
import type { NotificationEvent } from '../../../activities/notification-delivery';

const CASE_ID = 'case-65f0c0ffee0000000000abcd';

const render = (overrides: Partial<NotificationEvent>) =>
  renderNotificationEmail(
    {
      idempotencyKey: `${CASE_ID}:needs-attention:1`,
      kind: 'case_needs_attention',
      recipients: [{ email: 'coordinator@example.test' }],
      caseId: CASE_ID,
      ...overrides,
    },
    { publicUrl: 'http://127.0.0.1:3000' },
  );

describe('a case named in a notice', () => {
  it.each(['case_needs_attention', 'routed_to_fallback', 'case_update', 'accountability_finding'] as const)(
    '%s: by its number in the subject and text; the id only in the link',
    (kind) => {
      const { subject, text, html, links } = render({ kind, caseNumber: '长宁-2026-000123' });
      expect(subject).toContain('（案件 长宁-2026-000123）');
      expect(subject).toContain('(case 长宁-2026-000123)');
      expect(subject).not.toContain(CASE_ID);
      expect(text.replaceAll(links[0]!.href, '')).not.toContain(CASE_ID);
      expect(html.replaceAll(links[0]!.href, '')).not.toContain(CASE_ID);
      expect(links[0]!.href).toBe(`http://127.0.0.1:3000/cases/${CASE_ID}`);
    },
  );

  it('a case not yet numbered is not named at all, and its id is still not printed', () => {
    const { subject, text, links } = render({});
    expect(subject).toBe('[ChildSafe] 案件需要关注 / Case needs attention');
    expect(text.replaceAll(links[0]!.href, '')).not.toContain(CASE_ID);
  });
});
