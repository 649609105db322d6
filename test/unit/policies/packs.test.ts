import cnRaw from '../../../policies/packs/cn-changning/1.3.0.json';
import ftRaw from '../../../policies/packs/ft-fengtai/1.3.0.json';
import { listPolicyPacks, loadPolicyPack, loadPolicyPackFromObject, PolicyPackError } from '../../../policies';
import { isDuration } from '../../../policies/duration';
import { allVisitIntervals } from '../../../policies/visits';
import type { PolicyPack } from '../../../policies/schema';

const REQUIRED_TASK_KINDS: Record<string, string> = {
  police_response: 'police_station',
  detention_care_arrangement: 'police_substation',
  joint_assessment: 'street_office',
  risk_grading: 'social_work',
  monitoring_visit: 'residents_committee',
  urgent_placement: 'street_office',
  short_term_placement: 'street_office',
  long_term_placement: 'civil_affairs',
  guardian_search: 'police_substation',
  escort_to_registration_place: 'civil_affairs',
  daily_care: 'residents_committee',
  schooling: 'education',
  psychological_support: 'womens_federation',
  medical_care: 'health',
  legal_aid: 'justice',
  guardianship_petition: 'civil_affairs',
  court_hearing: 'court',
  follow_up_visit: 'social_work',
  later_assessment: 'social_work',
  legal_warning: 'police_station',
};

const CONCERNS = ['living_alone', 'missing', 'lacking_guardianship', 'domestic_violence', 'injury', 'infringement'];

/** Deep copy of a raw pack, to break one field. */
function copyOf(raw: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof PolicyPackError) return error.message;
    throw error;
  }
  throw new Error('expected a PolicyPackError');
}

/** Every {zh, en} label anywhere in the pack, with its path. */
function labels(value: unknown, path = ''): { path: string; zh: unknown; en: unknown }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => labels(v, `${path}.${i}`));
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  const own = 'zh' in record ? [{ path, zh: record.zh, en: record.en }] : [];
  return [...own, ...Object.entries(record).flatMap(([k, v]) => (k === 'zh' ? [] : labels(v, `${path}.${k}`)))];
}

describe.each([
  ['cn-changning', 'CN'],
  ['ft-fengtai', 'FT'],
])('the %s pack', (id, prefix) => {
  const pack: PolicyPack = loadPolicyPack(id);

  it('loads and validates with a version', () => {
    expect(pack.id).toBe(id);
    expect(pack.version).toBe('1.3.0');
  });

  it('lists the six concerns that trigger mandatory reporting, each with a police action', () => {
    expect(pack.concernTypes.map((c) => c.code).sort()).toEqual([...CONCERNS].sort());
    for (const concern of pack.concernTypes) expect(concern.clause.startsWith(prefix)).toBe(true);
  });

  it('routes every task kind the workflows use to the agency type the policy names', () => {
    // FT 三(一)4(2): "由经常居住地救助保护机构临时监护" — Fengtai's temporary guardian is the rescue institution.
    const own: Record<string, string> =
      id === 'ft-fengtai' ? { short_term_placement: 'rescue_protection_institution' } : {};
    for (const [kind, agencyType] of Object.entries({ ...REQUIRED_TASK_KINDS, ...own })) {
      expect({ kind, agencyType: pack.taskKinds[kind]?.agencyType }).toEqual({ kind, agencyType });
      expect(pack.escalationLadders[pack.taskKinds[kind].ladder]).toBeDefined();
    }
  });

  it('has, from 1.2.0, the missing-child search, the permanent arrangement and the benefit application with the agency its text names (issue #17)', () => {
    expect(pack.taskKinds.child_search).toMatchObject({ agencyType: 'police_station', clause: 'FT 三(二)4' });
    expect(pack.taskKinds.benefit_application?.agencyType).toBe(
      id === 'ft-fengtai' ? 'civil_affairs' : 'street_office',
    );
    expect(pack.benefitApplication?.clause).toBe(pack.taskKinds.benefit_application?.clause);
    expect(pack.taskKinds.permanent_arrangement).toMatchObject({
      agencyType: 'civil_affairs',
      clause: 'FT 三(一)4(2)',
    });
  });

  it('caps short-term placement at one month and medium/long-term at six months', () => {
    expect(pack.placement.shortTermCap.duration).toBe('P1M');
    expect(pack.placement.longTermCap.duration).toBe('P6M');
    expect(pack.neglectThreshold.duration).toBe('P6M');
  });

  it('writes every deadline as an ISO-8601 duration citing a clause of its own district, or saying where it borrowed it', () => {
    const deadlines = [
      ...Object.values(pack.deadlines),
      ...allVisitIntervals(pack),
      pack.placement.shortTermCap,
      pack.placement.longTermCap,
      pack.neglectThreshold,
      ...Object.values(pack.taskKinds).flatMap((t) => [t.accept, t.complete]),
    ];
    for (const d of deadlines) {
      expect(isDuration(d.duration)).toBe(true);
      if (!d.clause.startsWith(prefix))
        expect({ clause: d.clause, borrowedFrom: d.borrowedFrom }).toEqual({
          clause: d.clause,
          borrowedFrom: { document: expect.any(String), why: { zh: expect.any(String), en: expect.any(String) } },
        });
    }
  });

  it('states the number it chose, with an interpretation, where the policy says "at once"', () => {
    for (const d of [pack.deadlines.report, pack.taskKinds.police_response.accept, pack.deadlines.policeDispatch]) {
      expect(d.interpretation?.zh).toMatch(/本包取/);
      expect(d.interpretation?.en).toMatch(/this pack uses/);
    }
    expect(pack.deadlines.report.duration).toBe('PT1H');
    expect(pack.deadlines.policeDispatch.duration).toBe('PT30M');
  });

  it('labels everything in Simplified Chinese and English', () => {
    const all = labels(pack);
    expect(all.length).toBeGreaterThan(100);
    for (const label of all) {
      expect({ path: label.path, zh: typeof label.zh === 'string' && /[\u4e00-\u9fff]/.test(label.zh) }).toEqual({
        path: label.path,
        zh: true,
      });
      expect({ path: label.path, en: typeof label.en === 'string' && label.en.length > 0 }).toEqual({
        path: label.path,
        en: true,
      });
    }
  });

  it('lets the court decide revocation on the grounds of CN 四(四)3, petitioned by the listed units', () => {
    expect(pack.guardianshipRevocation.decidedBy).toBe('court');
    expect(pack.guardianshipRevocation.grounds.map((g) => g.code)).toEqual([
      'unattended_in_danger',
      'refused_duties_six_months',
      'serious_harm',
      'other_statutory',
    ]);
    expect(pack.guardianshipRevocation.petitioners.map((p) => p.code)).toEqual([
      'near_relative',
      'residents_committee',
      'civil_affairs',
      'school',
      'medical_institution',
      'womens_federation',
      'disabled_federation',
    ]);
  });

  it('names schools, kindergartens, medical institutions, committees, social-work, rescue and welfare units as mandatory reporters', () => {
    expect(pack.mandatoryReporters.agencyTypes).toEqual(
      expect.arrayContaining([
        'hospital',
        'kindergarten',
        'residents_committee',
        'school',
        'social_work',
        'welfare_institution',
        'rescue_protection_institution',
      ]),
    );
  });

  it('is frozen, so no caller can change a pinned rule', () => {
    expect(Object.isFrozen(pack.placement.shortTermCap)).toBe(true);
  });
});

describe('clause references', () => {
  it('cites CN 四(三) for the Changning placement caps and CN 四(四)3 for the neglect threshold', () => {
    const cn = loadPolicyPack('cn-changning');
    expect(cn.placement.shortTermCap.clause).toBe('CN 四(三)');
    expect(cn.placement.longTermCap.clause).toBe('CN 四(三)');
    expect(cn.neglectThreshold.clause).toBe('CN 四(四)3');
    expect(cn.placement.shortTermCap.interpretation).toBeUndefined();
  });

  it('marks the Fengtai caps as an interpretation, since FT sets no number', () => {
    const ft = loadPolicyPack('ft-fengtai');
    expect(ft.placement.shortTermCap.interpretation?.en).toMatch(/FT sets no placement cap/);
    expect(ft.neglectThreshold.interpretation).toBeDefined();
  });

  it('lists both bundled packs, every version', () => {
    expect(listPolicyPacks().map((p) => `${p.id}@${p.version}`)).toEqual([
      'cn-changning@1.0.0',
      'cn-changning@1.1.0',
      'cn-changning@1.2.0',
      'cn-changning@1.3.0',
      'ft-fengtai@1.0.0',
      'ft-fengtai@1.1.0',
      'ft-fengtai@1.2.0',
      'ft-fengtai@1.3.0',
    ]);
  });
});

describe('a malformed pack', () => {
  it('fails to load when the short-term cap is missing, naming the field', () => {
    const raw = copyOf(cnRaw);
    delete (raw.placement as Record<string, unknown>).shortTermCap;
    expect(messageOf(() => loadPolicyPackFromObject(raw))).toMatch(/placement\.shortTermCap: /);
  });

  it('fails to load on a bad duration, naming the field and the rule', () => {
    const raw = copyOf(ftRaw);
    ((raw.placement as Record<string, unknown>).shortTermCap as Record<string, unknown>).duration = '1 month';
    expect(messageOf(() => loadPolicyPackFromObject(raw))).toContain(
      'placement.shortTermCap.duration: must be an ISO-8601 duration',
    );
  });

  it('names every bad field at once', () => {
    const raw = copyOf(cnRaw);
    ((raw.deadlines as Record<string, unknown>).report as Record<string, unknown>).duration = 'soon';
    ((raw.taskKinds as Record<string, Record<string, unknown>>).legal_aid.label as Record<string, unknown>).en = '';
    delete raw.neglectThreshold;
    const error = (() => {
      try {
        loadPolicyPackFromObject(raw);
      } catch (e) {
        return e as PolicyPackError;
      }
      throw new Error('expected a PolicyPackError');
    })();
    expect(error.packId).toBe('cn-changning');
    expect(error.issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^deadlines\.report\.duration: must be an ISO-8601 duration/),
        expect.stringMatching(/^taskKinds\.legal_aid\.label\.en: /),
        expect.stringMatching(/^neglectThreshold: /),
      ]),
    );
  });

  it('refuses a task kind whose escalation ladder does not exist', () => {
    const raw = copyOf(cnRaw);
    (raw.taskKinds as Record<string, Record<string, unknown>>).schooling.ladder = 'nowhere';
    expect(messageOf(() => loadPolicyPackFromObject(raw))).toContain(
      'taskKinds.schooling.ladder: unknown escalation ladder "nowhere"',
    );
  });

  it('refuses a 择高 group that names an unknown benefit', () => {
    const raw = copyOf(ftRaw);
    (raw.exclusiveBenefitGroups as { options: string[][] }[])[0].options[0] = ['no_such_benefit'];
    expect(messageOf(() => loadPolicyPackFromObject(raw))).toContain(
      'exclusiveBenefitGroups.0.options.0.0: unknown benefit "no_such_benefit"',
    );
  });

  it('refuses a category rule over an unknown assessment fact', () => {
    const raw = copyOf(ftRaw);
    (raw.categories as { when: { allOf: string[] }[] }[])[0].when[0].allOf = ['rich'];
    expect(messageOf(() => loadPolicyPackFromObject(raw))).toMatch(/categories\.0\.when\.0\.allOf\.0: /);
  });

  it('refuses something that is not a pack at all', () => {
    expect(messageOf(() => loadPolicyPackFromObject(null))).toMatch(/^policy pack \(unnamed\) is invalid: \(pack\): /);
  });
});
