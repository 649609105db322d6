/**
 * The case page's command forms show the workflow's refusal in words with its clause (issue #14): the clause comes
 * from the workflow's reason when it names one, else from the rejection's own entry; every rejection the contract
 * lists has Chinese and English words; statuses without a rejection say no more than the API did.
 */
import { INTERVENTION_REJECTIONS } from '../../../contracts/interventions';
import { ApiError } from '../../../web/src/api/client';
import { clauseOf, refusalOf } from '../../../web/src/pages/case/forms/refusal';
import { REFUSALS } from '../../../web/src/pages/case/forms/words';

const refused = (status: number, message: string, rejection?: string) =>
  new ApiError(status, status === 409 ? 'CONFLICT' : 'ILLEGAL_TRANSITION', message, {}, 'req-1', rejection);

describe('the refusal shown beside a command form', () => {
  test('names the clause the workflow gave and says it in Chinese', () => {
    const r = refusalOf(
      refused(
        422,
        'CN 四(三): medium/long-term guardianship needs the police written certificate that the guardian search failed',
        'NoPoliceCertificate',
      ),
    );
    expect(r.clause).toBe('CN 四(三)');
    expect(r.words.zh).toBe('中长期临时监护须公安机关开具书面证明');
    expect(r.detail).toContain('police written certificate');
  });

  test("falls back to the rejection's own clause when the reason names none", () => {
    const r = refusalOf(refused(422, 'open tasks must be completed first: follow_up_visit', 'CaseNotClosable'));
    expect(r).toMatchObject({ clause: 'CN 五(一)', words: { zh: '尚有安置或任务未完成，暂不能结案' } });
  });

  test('takes the clause of the pack the case runs on (an FT ladder keeps its FT clause)', () => {
    expect(
      refusalOf(refused(422, 'FT 三(三)2(3): written_warning cannot follow none', 'IllegalLegalStep')).clause,
    ).toBe('FT 三(三)2(3)');
    expect(clauseOf('no clause here: at all')).toBeUndefined();
  });

  test('has words in both languages for every rejection of the contract', () => {
    for (const code of INTERVENTION_REJECTIONS) {
      const entry = REFUSALS[code];
      if (code === 'NotCoordinator' || code === 'WrongAgency' || code === 'NotLegalStepRecorder') {
        // Answered 403/404 with no rejection type: the API says nothing more, and neither does the page.
        continue;
      }
      expect({ code, zh: Boolean(entry?.words.zh), en: Boolean(entry?.words.en) }).toEqual({
        code,
        zh: true,
        en: true,
      });
    }
  });

  test('says no more than the API for 403 and 404, and that nothing was written for 503', () => {
    expect(refusalOf(new ApiError(403, 'FORBIDDEN', 'Not permitted')).words.zh).toBe('您的角色或单位无权进行此操作');
    expect(refusalOf(new ApiError(404, 'NOT_FOUND', 'Not found')).clause).toBeUndefined();
    expect(refusalOf(new ApiError(503, 'DEPENDENCY_UNAVAILABLE', 'down')).words.zh).toContain('未写入任何内容');
    expect(refusalOf(new ApiError(0, 'NETWORK', 'offline')).words.zh).toContain('无法连接服务器');
  });
});
