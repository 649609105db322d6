/**
 * Where a report goes (api/intake/routing.ts, CN 二 四是, CN 五(一)), over a small directory kept in memory: the place
 * of discovery responds now, the first known place inside the district carries the case, a child the district does
 * not cover is referred to the civil-affairs bureau of the district of registration/residence, and the district
 * fallbacks come from the pack (or, for packs older than the safety net, the police and civil affairs). The directory
 * queries themselves run on FerretDB in test/integration/routing-matrix.test.ts; here each answer names the place it
 * was asked for, so a test sees which place routing asked about.
 */
import { routeReport, fallbackAgenciesFor } from '../../../api/intake/routing';
import { responsibleAgencies } from '../../../models/agency-directory';
import { loadPolicyPack } from '../../../policies';
import type { PolicyPack } from '../../../policies/schema';

jest.mock('../../../models/agency-directory', () => {
  // Districts in this directory: Changning (310105, streets huayang and xinhua), Xuhui (310104), Fengtai (110106,
  // street youanmen) and Chaoyang (110105); 999999 is unknown.
  const districts = new Set(['310105', '310104', '110106', '110105']);
  const streets = new Set(['310105/huayang', '310105/xinhua', '110106/youanmen']);
  return {
    defaultCommittee: jest.fn(async (districtCode: string, streetCode: string) =>
      streets.has(`${districtCode}/${streetCode}`) ? `${streetCode}-first` : undefined,
    ),
    // No district here has a procuratorate on file.
    districtAgency: jest.fn(async (districtCode: string, type: string) =>
      districts.has(districtCode) && type !== 'procuratorate' ? `${type}@${districtCode}` : undefined,
    ),
    responsibleAgencies: jest.fn(
      async (place: { districtCode: string; streetCode?: string; committeeCode?: string }) => {
        const at = [place.districtCode, place.streetCode, place.committeeCode].filter(Boolean).join('/');
        return { police_substation: `police@${at}`, street_office: `street@${at}` };
      },
    ),
  };
});

const PACK = loadPolicyPack('cn-changning');
const CN = PACK.district.code;
const XUHUI = '310104';
const huayang = { districtCode: CN, streetCode: 'huayang' };
const xinhua = { districtCode: CN, streetCode: 'xinhua' };
const FALLBACKS = { emergency: `police_substation@${CN}`, ongoing: `civil_affairs@${CN}` };

beforeEach(() => jest.clearAllMocks());

describe('the place of discovery', () => {
  it('responds now and, with nothing else known, carries the case at its first committee', async () => {
    const routing = await routeReport(PACK, { incident: huayang });
    expect(routing).toEqual({
      agencies: {
        police_substation: `police@${CN}/huayang/huayang-first`,
        street_office: `street@${CN}/huayang/huayang-first`,
      },
      ongoingAgencies: routing.agencies,
      fallbackAgencies: FALLBACKS,
      caseJurisdiction: { districtCode: CN, streetCode: 'huayang', committeeCode: 'huayang-first' },
    });
    // The place of discovery carries the case: its agencies are not looked up a second time.
    expect(responsibleAgencies).toHaveBeenCalledTimes(1);
  });

  it('keeps the committee the report names', async () => {
    const routing = await routeReport(PACK, { incident: { ...huayang, committeeCode: 'hy-07' } });
    expect(routing.caseJurisdiction).toEqual({ districtCode: CN, streetCode: 'huayang', committeeCode: 'hy-07' });
    expect(routing.agencies.police_substation).toBe(`police@${CN}/huayang/hy-07`);
  });

  it('without a street, stays at the district, with no committee guessed', async () => {
    const routing = await routeReport(PACK, { incident: { districtCode: CN } });
    expect(routing.caseJurisdiction).toEqual({ districtCode: CN });
    expect(routing.agencies.police_substation).toBe(`police@${CN}`);
  });

  it('gets no committee for a street the directory does not know', async () => {
    const routing = await routeReport(PACK, { incident: { districtCode: CN, streetCode: 'nowhere' } });
    expect(routing.caseJurisdiction).toEqual({ districtCode: CN, streetCode: 'nowhere' });
  });
});

describe('the place that carries the case (CN 五(一))', () => {
  it("is the child's household registration in the district, ahead of residence and the place of discovery", async () => {
    const routing = await routeReport(PACK, {
      incident: huayang,
      householdRegistration: xinhua,
      longTermResidence: { districtCode: CN, streetCode: 'huayang', committeeCode: 'hy-02' },
    });
    expect(routing.agencies.street_office).toBe(`street@${CN}/huayang/huayang-first`);
    expect(routing.ongoingAgencies.street_office).toBe(`street@${CN}/xinhua/xinhua-first`);
    expect(routing.caseJurisdiction).toEqual({ districtCode: CN, streetCode: 'xinhua', committeeCode: 'xinhua-first' });
    expect(routing.referredToDistrictCode).toBeUndefined();
  });

  it('is the long-term residence when the registration is unknown', async () => {
    const routing = await routeReport(PACK, {
      incident: huayang,
      longTermResidence: { ...xinhua, committeeCode: 'xh-03' },
    });
    expect(routing.caseJurisdiction).toEqual({ districtCode: CN, streetCode: 'xinhua', committeeCode: 'xh-03' });
    expect(routing.ongoingAgencies.police_substation).toBe(`police@${CN}/xinhua/xh-03`);
  });

  it('ignores a place inside the district without its street: the next known place carries the case', async () => {
    const routing = await routeReport(PACK, {
      incident: huayang,
      householdRegistration: { districtCode: CN },
      longTermResidence: xinhua,
    });
    expect(routing.caseJurisdiction).toMatchObject({ streetCode: 'xinhua' });
    const onlyIncident = await routeReport(PACK, {
      incident: huayang,
      householdRegistration: { districtCode: CN },
      longTermResidence: { districtCode: CN },
    });
    expect(onlyIncident.caseJurisdiction).toMatchObject({ streetCode: 'huayang' });
    expect(onlyIncident.referredToDistrictCode).toBeUndefined();
  });

  it('stays in Fengtai for a child registered elsewhere who lives there (FT coverage: long-term residence)', async () => {
    const fengtai = loadPolicyPack('ft-fengtai');
    const FT = fengtai.district.code;
    const routing = await routeReport(fengtai, {
      incident: { districtCode: FT, streetCode: 'youanmen', committeeCode: 'ya-01' },
      householdRegistration: { districtCode: '110105' },
      longTermResidence: { districtCode: FT, streetCode: 'youanmen' },
    });
    expect(routing.referredToDistrictCode).toBeUndefined();
    expect(routing.caseJurisdiction).toEqual({
      districtCode: FT,
      streetCode: 'youanmen',
      committeeCode: 'youanmen-first',
    });
    expect(routing.ongoingAgencies.street_office).toBe(`street@${FT}/youanmen/youanmen-first`);
  });

  it('refers from Changning a child registered elsewhere who lives there (CN covers no residence alone)', async () => {
    const routing = await routeReport(PACK, {
      incident: huayang,
      householdRegistration: { districtCode: XUHUI },
      longTermResidence: xinhua,
    });
    expect(routing.referredToDistrictCode).toBe(XUHUI);
    expect(routing.ongoingAgencies.street_office).toBe(`civil_affairs@${XUHUI}`);
  });
});

describe('a child the district does not cover (CN 五(一))', () => {
  it('is referred to the registration district, whose civil-affairs bureau takes every ongoing step', async () => {
    const routing = await routeReport(PACK, { incident: huayang, householdRegistration: { districtCode: XUHUI } });
    expect(routing.referredToDistrictCode).toBe(XUHUI);
    expect(routing.agencies.police_substation).toBe(`police@${CN}/huayang/huayang-first`);
    expect(routing.caseJurisdiction).toEqual({
      districtCode: CN,
      streetCode: 'huayang',
      committeeCode: 'huayang-first',
    });
    expect(routing.fallbackAgencies).toEqual(FALLBACKS);
    const types = Object.keys(routing.ongoingAgencies);
    expect(types.length).toBeGreaterThan(10);
    expect(new Set(Object.values(routing.ongoingAgencies))).toEqual(new Set([`civil_affairs@${XUHUI}`]));
    expect(types).toEqual(expect.arrayContaining(['police_substation', 'street_office', 'civil_affairs']));
  });

  it('is referred to the residence district when only the residence is known, even living here without a street', async () => {
    const elsewhere = await routeReport(PACK, { incident: huayang, longTermResidence: { districtCode: XUHUI } });
    expect(elsewhere.referredToDistrictCode).toBe(XUHUI);
    // Registered elsewhere, living here but no street given: the residence does not count, the child is referred.
    const noStreet = await routeReport(PACK, {
      incident: huayang,
      householdRegistration: { districtCode: XUHUI, streetCode: 'tianping' },
      longTermResidence: { districtCode: CN },
    });
    expect(noStreet.referredToDistrictCode).toBe(XUHUI);
  });

  it('leaves the ongoing steps to our fallback when the other district is not in the directory', async () => {
    const routing = await routeReport(PACK, { incident: huayang, householdRegistration: { districtCode: '999999' } });
    expect(routing.referredToDistrictCode).toBe('999999');
    expect(routing.ongoingAgencies).toEqual({});
    expect(routing.fallbackAgencies).toEqual(FALLBACKS);
  });
});

describe('the district fallbacks', () => {
  it("are the pack's fallback agency types", async () => {
    const pack: PolicyPack = {
      ...PACK,
      fallbacks: {
        emergency: { ...PACK.fallbacks!.emergency, agencyType: 'street_office' },
        ongoing: { ...PACK.fallbacks!.ongoing, agencyType: 'education' },
      },
    };
    expect(await fallbackAgenciesFor(pack)).toEqual({ emergency: `street_office@${CN}`, ongoing: `education@${CN}` });
  });

  it('are the district police and the civil-affairs bureau for a pack older than the safety net', async () => {
    const { fallbacks: _unused, ...older } = PACK;
    expect(await fallbackAgenciesFor(older)).toEqual(FALLBACKS);
  });

  it('are none when the directory lacks either one', async () => {
    const { emergency, ongoing } = PACK.fallbacks!;
    const noProcuratorate = (phase: 'emergency' | 'ongoing'): PolicyPack => ({
      ...PACK,
      fallbacks: { emergency, ongoing, [phase]: { ...PACK.fallbacks![phase], agencyType: 'procuratorate' } },
    });
    expect(await fallbackAgenciesFor(noProcuratorate('emergency'))).toBeUndefined();
    expect(await fallbackAgenciesFor(noProcuratorate('ongoing'))).toBeUndefined();
  });

  it('are none for a district outside the directory, and a report there cannot be routed', async () => {
    const elsewhere: PolicyPack = { ...PACK, district: { ...PACK.district, code: '999999' } };
    expect(await fallbackAgenciesFor(elsewhere)).toBeUndefined();
    await expect(routeReport(elsewhere, { incident: { districtCode: '999999', streetCode: 'x' } })).rejects.toThrow(
      'the directory has no fallback agencies for district 999999',
    );
  });
});
