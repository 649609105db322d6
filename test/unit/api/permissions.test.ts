import type { Actor } from '../../../api/auth/actor';
import {
  ACCESS_PURPOSES,
  canActOnTask,
  canReadCase,
  canReadChildFile,
  canReadReport,
  canSeeSealedRecord,
  type CaseScope,
} from '../../../api/auth/permissions';
import { ROLES, type Role } from '../../../api/auth/roles';
import { scopeFilter, scopeOf, type ScopeFields } from '../../../api/auth/scope';

const CN = '310105';
const FT = '110106';
const POLICE_HUAYANG = 'cn.police.huayang';

/** One actor per role, all in Changning; street-level ones on Huayang Road. */
const AGENCY_OF: Record<Role, string> = {
  mandated_reporter: 'cn.school',
  agency_staff: POLICE_HUAYANG,
  agency_supervisor: POLICE_HUAYANG,
  street_coordinator: 'cn.street.huayang',
  district_coordinator: 'cn.civil-affairs',
  court_staff: 'cn.court',
  procuratorate_staff: 'cn.procuratorate',
  administrator: 'cn.civil-affairs',
};
const actor = (role: Role, overrides: Partial<Actor> = {}): Actor => ({
  userId: `user-${role}`,
  role,
  agencyCode: AGENCY_OF[role],
  jurisdiction: ['district_coordinator', 'court_staff', 'procuratorate_staff', 'administrator'].includes(role)
    ? { districtCode: CN }
    : { districtCode: CN, streetCode: 'huayang' },
  ...overrides,
});

const CASES = {
  huayangWithPolice: { districtCode: CN, streetCode: 'huayang', agencyCodes: [POLICE_HUAYANG, 'cn.street.huayang'] },
  huayangWithCourt: { districtCode: CN, streetCode: 'huayang', agencyCodes: ['cn.street.huayang', 'cn.court'] },
  huayangWithProcuratorate: { districtCode: CN, streetCode: 'huayang', agencyCodes: ['cn.procuratorate'] },
  otherStreetWithoutUs: { districtCode: CN, streetCode: 'xianxia', agencyCodes: ['cn.police.xianxia'] },
  otherStreetWithPolice: { districtCode: CN, streetCode: 'xianxia', agencyCodes: [POLICE_HUAYANG] },
  noStreetYet: { districtCode: CN, agencyCodes: ['cn.civil-affairs'] },
  otherDistrict: { districtCode: FT, streetCode: 'huayang', agencyCodes: ['ft.police.youanmen'] },
} satisfies Record<string, CaseScope>;
type CaseName = keyof typeof CASES;

/** Which of the cases above each role may read: the whole table, so a change to any rule shows here. */
const READABLE: Record<Role, CaseName[]> = {
  mandated_reporter: [],
  agency_staff: ['huayangWithPolice', 'otherStreetWithPolice'],
  agency_supervisor: ['huayangWithPolice', 'otherStreetWithPolice'],
  street_coordinator: ['huayangWithPolice', 'huayangWithCourt', 'huayangWithProcuratorate'],
  district_coordinator: [
    'huayangWithPolice',
    'huayangWithCourt',
    'huayangWithProcuratorate',
    'otherStreetWithoutUs',
    'otherStreetWithPolice',
    'noStreetYet',
  ],
  court_staff: ['huayangWithCourt'],
  procuratorate_staff: ['huayangWithProcuratorate'],
  administrator: [],
};

describe('case and child-file permissions', () => {
  describe.each(ROLES)('%s', (role) => {
    it.each(Object.keys(CASES) as CaseName[])('reads case "%s" only when its rule allows', (name) => {
      expect(canReadCase(actor(role), CASES[name])).toBe(READABLE[role].includes(name));
    });

    it('opens a child file for case work exactly where it may read the case', () => {
      for (const name of Object.keys(CASES) as CaseName[]) {
        expect(canReadChildFile(actor(role), CASES[name], 'case_work')).toBe(READABLE[role].includes(name));
      }
    });
  });

  it('gives a street coordinator without a street nothing rather than the whole district', () => {
    const noStreet = actor('street_coordinator', { jurisdiction: { districtCode: CN } });
    for (const scope of Object.values(CASES)) expect(canReadCase(noStreet, scope)).toBe(false);
    expect(canReadCase(noStreet, CASES.noStreetYet)).toBe(false);
  });

  it('does not let a street coordinator of the same street code in another district in', () => {
    const fengtaiStreet = actor('street_coordinator', { jurisdiction: { districtCode: FT, streetCode: 'huayang' } });
    expect(canReadCase(fengtaiStreet, CASES.huayangWithPolice)).toBe(false);
    expect(canReadCase(fengtaiStreet, CASES.otherDistrict)).toBe(true);
  });
});

describe('sealed juvenile criminal records (FT 三(三)2(5))', () => {
  it.each(ROLES)('are visible to %s only if it is the court or the procuratorate', (role) => {
    expect(canSeeSealedRecord(actor(role))).toBe(role === 'court_staff' || role === 'procuratorate_staff');
  });

  it.each(ROLES)('open to %s for the sealed-record purpose only in its own district', (role) => {
    const judicial = role === 'court_staff' || role === 'procuratorate_staff';
    expect(canReadChildFile(actor(role), CASES.otherStreetWithoutUs, 'sealed_record')).toBe(judicial);
    expect(canReadChildFile(actor(role), CASES.otherDistrict, 'sealed_record')).toBe(false);
  });

  it('knows every access purpose', () => {
    expect(ACCESS_PURPOSES).toEqual(['case_work', 'sealed_record']);
  });
});

describe('acting on tasks', () => {
  it.each(ROLES)(
    'lets %s act only on tasks assigned to its own agency, and never reporters or administrators',
    (role) => {
      const mayWork = role !== 'mandated_reporter' && role !== 'administrator';
      expect(canActOnTask(actor(role), { assigneeAgencyCode: AGENCY_OF[role] })).toBe(mayWork);
      expect(canActOnTask(actor(role), { assigneeAgencyCode: 'cn.some-other-agency' })).toBe(false);
    },
  );

  it('does not let a district coordinator accept a police task on the police station’s behalf', () => {
    expect(canActOnTask(actor('district_coordinator'), { assigneeAgencyCode: POLICE_HUAYANG })).toBe(false);
  });
});

describe('reports', () => {
  it('shows a reporter their own reports and nobody else’s, even on a case in their street', () => {
    const reporter = actor('mandated_reporter');
    expect(canReadReport(reporter, { reporterUserId: reporter.userId })).toBe(true);
    expect(canReadReport(reporter, { reporterUserId: 'someone-else', caseScope: CASES.huayangWithPolice })).toBe(false);
  });

  it.each(ROLES.filter((r) => r !== 'mandated_reporter'))(
    'shows %s a report exactly when it may read the case',
    (role) => {
      for (const name of Object.keys(CASES) as CaseName[]) {
        const report = { reporterUserId: 'someone', caseScope: CASES[name] };
        expect(canReadReport(actor(role), report)).toBe(READABLE[role].includes(name));
      }
      expect(canReadReport(actor(role), { reporterUserId: 'someone' })).toBe(false);
    },
  );

  it.each(ROLES)('lets %s follow a report they filed themselves, even before it joined a case', (role) => {
    const me = actor(role);
    expect(canReadReport(me, { reporterUserId: me.userId })).toBe(true);
    expect(canReadReport(me, { reporterUserId: `${me.userId}-not` })).toBe(false);
  });
});

/** Enough of MongoDB's matching for scope fragments: equality, array membership and `$in`. */
function matches(filter: Record<string, unknown>, doc: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([path, condition]) => {
    const value = path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], doc);
    if (condition && typeof condition === 'object' && '$in' in condition) {
      return (condition.$in as unknown[]).some((c) => c === value || (Array.isArray(value) && value.includes(c)));
    }
    return Array.isArray(value) ? value.includes(condition) : value === condition;
  });
}

describe('repository scopes', () => {
  const caseFields: ScopeFields = {
    districtCode: 'jurisdiction.districtCode',
    streetCode: 'jurisdiction.streetCode',
    agencyCodes: 'agencyCodes',
  };
  const caseDocument = (scope: CaseScope) => ({
    _id: 'c',
    jurisdiction: { districtCode: scope.districtCode, streetCode: scope.streetCode },
    agencyCodes: scope.agencyCodes,
  });

  it.each(ROLES)('filter a case list for %s to exactly the cases it may read', (role) => {
    const filter = scopeFilter(scopeOf(actor(role)), caseFields);
    for (const name of Object.keys(CASES) as CaseName[]) {
      expect(matches(filter, caseDocument(CASES[name]))).toBe(canReadCase(actor(role), CASES[name]));
    }
  });

  it('filter a report list for a reporter to their own reports, and give them nothing where there is no reporter field', () => {
    const reporter = actor('mandated_reporter');
    const reportFields: ScopeFields = { ...caseFields, reporterUserId: 'reporterUserId' };
    const filter = scopeFilter(scopeOf(reporter), reportFields);
    expect(filter).toEqual({ reporterUserId: reporter.userId });
    expect(matches(filter, { reporterUserId: reporter.userId })).toBe(true);
    expect(matches(filter, { reporterUserId: 'someone-else' })).toBe(false);
    expect(scopeFilter(scopeOf(reporter), caseFields)).toEqual({ _id: { $in: [] } });
  });

  it('gives administrators and street coordinators without a street a filter that matches nothing', () => {
    const noStreet = actor('street_coordinator', { jurisdiction: { districtCode: CN } });
    for (const a of [actor('administrator'), noStreet]) {
      expect(scopeFilter(scopeOf(a), caseFields)).toEqual({ _id: { $in: [] } });
    }
  });

  it('makes a fresh filter each time, so a query that changes it cannot widen the next one', () => {
    const scope = scopeOf(actor('administrator'));
    const first = scopeFilter(scope, caseFields) as { _id: { $in: unknown[] } };
    first._id.$in.push('c');
    expect(scopeFilter(scope, caseFields)).toEqual({ _id: { $in: [] } });
  });

  it('cannot be made from an object literal (the brand is checked by the compiler)', () => {
    // @ts-expect-error a Scope comes only from scopeOf(actor)
    expect(() => scopeFilter({ kind: 'district', districtCode: CN }, caseFields)).not.toThrow();
    expect(Object.isFrozen(scopeOf(actor('agency_staff')))).toBe(true);
  });
});
