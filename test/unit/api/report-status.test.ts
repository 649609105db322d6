/** What a reporter is told about their report (api/intake/report-status.ts): plain words from the case stage. */
import { REPORT_STATUS_LABELS, REPORT_STATUSES, reportStatusOf } from '../../../api/intake/report-status';

describe('a report status for its filer', () => {
  it.each([
    [undefined, 'received'],
    [null, 'received'],
    ['awaiting_report', 'received'],
    ['emergency_response', 'police_responding'],
    ['placement_pending', 'placement'],
    ['short_term_guardianship', 'placement'],
    ['long_term_guardianship', 'placement'],
    ['escort', 'placement'],
    ['assessment', 'in_assessment'],
    ['monitoring', 'in_care'],
    ['services', 'in_care'],
    ['closed', 'closed'],
  ] as const)('shows stage %s as %s', (stage, status) => {
    expect(reportStatusOf(stage)).toBe(status);
  });

  it('labels every status in Chinese with English alongside', () => {
    expect(Object.keys(REPORT_STATUS_LABELS).sort()).toEqual([...REPORT_STATUSES].sort());
    expect(REPORT_STATUS_LABELS).toEqual({
      received: { zh: '已提交，正在转交公安', en: 'Filed; being passed to the police' },
      police_responding: { zh: '已转交派出所，公安正在处置', en: 'With the police station; police responding' },
      placement: { zh: '正在安置儿童', en: 'Placing the child in safety' },
      in_assessment: { zh: '正在评估', en: 'Being assessed' },
      in_care: { zh: '已转介帮扶', en: 'Referred for support' },
      closed: { zh: '已结案', en: 'Closed' },
      needs_attention: {
        zh: '转交遇到问题，区协调员正在跟进',
        en: 'Held up; the district coordinators are following it up',
      },
    });
    // Issue 12: a receipt never claims the report was taken on before an agency has it.
    expect(Object.values(REPORT_STATUS_LABELS).map((l) => l.zh)).not.toContain('已受理');
  });

  it('says the report is held up when the reconciler flagged its case, whatever the stage', () => {
    expect(reportStatusOf('emergency_response', { reason: 'workflow_failed' })).toBe('needs_attention');
    expect(reportStatusOf(undefined, { reason: 'no_first_response' })).toBe('needs_attention');
    expect(reportStatusOf('emergency_response', null)).toBe('police_responding');
  });
});
