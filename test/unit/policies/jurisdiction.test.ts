import { loadPolicyPack } from '../../../policies';
import { isInCity, routeJurisdiction, type JurisdictionFacts } from '../../../policies/jurisdiction';

const cn = loadPolicyPack('cn-changning');
const ft = loadPolicyPack('ft-fengtai');

const CHANGNING = '310105';
const XUHUI = '310104';
const HEFEI_YAOHAI = '340102';
const FENGTAI = '110106';
const CHAOYANG = '110105';

const able: Pick<JurisdictionFacts, 'guardianAbleToAct' | 'entrustableCarerInCity'> = {
  guardianAbleToAct: true,
  entrustableCarerInCity: true,
};

describe('responsible units in Changning (CN 二 四是)', () => {
  it('gives ongoing responsibility to the registration street and the emergency to the incident street', () => {
    const decision = routeJurisdiction(cn, {
      householdRegistration: { districtCode: CHANGNING, streetCode: 'huayang', committeeCode: 'huayang.1' },
      longTermResidence: { districtCode: CHANGNING, streetCode: 'xinhua' },
      incidentPlace: { districtCode: CHANGNING, streetCode: 'tianshan' },
      ...able,
    });
    expect(decision.ongoing).toEqual({
      basis: 'household_registration',
      districtCode: CHANGNING,
      streetCode: 'huayang',
      committeeCode: 'huayang.1',
    });
    expect(decision.emergency).toEqual({ basis: 'incident_place', districtCode: CHANGNING, streetCode: 'tianshan' });
    expect(decision.handOffTo).toBeUndefined();
    expect(decision.coverageGrounds).toEqual(['child_registered']);
  });

  it('falls back to the long-term residence when the child is registered in another district', () => {
    const decision = routeJurisdiction(cn, {
      householdRegistration: { districtCode: XUHUI, streetCode: 'x' },
      longTermResidence: { districtCode: CHANGNING, streetCode: 'xianxia' },
      incidentPlace: { districtCode: XUHUI },
      ...able,
    });
    expect(decision.ongoing).toMatchObject({ basis: 'long_term_residence', streetCode: 'xianxia' });
    expect(decision.emergency).toBeUndefined();
  });

  it('falls back to the incident place when neither registration nor residence is known', () => {
    const decision = routeJurisdiction(cn, {
      incidentPlace: { districtCode: CHANGNING, streetCode: 'hongqiao' },
      ...able,
    });
    expect(decision.ongoing).toMatchObject({ basis: 'incident_place', streetCode: 'hongqiao' });
  });

  it('hands a child with no link to the district over to the registration place', () => {
    const decision = routeJurisdiction(cn, {
      householdRegistration: { districtCode: XUHUI, streetCode: 'x' },
      longTermResidence: { districtCode: XUHUI },
      ...able,
    });
    expect(decision.ongoing).toBeUndefined();
    expect(decision.handOffTo).toEqual({ basis: 'household_registration', districtCode: XUHUI, streetCode: 'x' });
    expect(decision.coverageGrounds).toEqual([]);
  });
});

describe('which children the Changning district covers (CN 五(一))', () => {
  it.each<[string, Partial<JurisdictionFacts>, string[]]>([
    ['registered here', { householdRegistration: { districtCode: CHANGNING } }, ['child_registered']],
    ['with a parent registered here', { parentRegisteredInDistrict: true }, ['parent_registered']],
    [
      'with a parent holding a Shanghai residence permit',
      { parentHoldsResidencePermit: true },
      ['parent_residence_permit'],
    ],
    [
      'with parents who cannot be found, living here',
      { parentsCannotBeFound: true, longTermResidence: { districtCode: CHANGNING } },
      ['parents_unknown_living_here'],
    ],
    [
      'with parents who cannot be found, living elsewhere',
      { parentsCannotBeFound: true, longTermResidence: { districtCode: XUHUI } },
      [],
    ],
    ['living here long-term only', { longTermResidence: { districtCode: CHANGNING } }, []],
  ])('a child %s', (_name, facts, grounds) => {
    expect(routeJurisdiction(cn, { ...able, ...facts }).coverageGrounds).toEqual(grounds);
  });
});

describe('escort to the registration place (CN 四(三))', () => {
  const outsider: JurisdictionFacts = {
    householdRegistration: { districtCode: HEFEI_YAOHAI },
    incidentPlace: { districtCode: CHANGNING, streetCode: 'beixinjing' },
    guardianAbleToAct: false,
    entrustableCarerInCity: false,
  };

  it('escorts a child registered outside Shanghai with no guardian able to act and nobody in Shanghai to entrust', () => {
    expect(routeJurisdiction(cn, outsider).escort).toEqual({
      required: true,
      clause: 'CN 四(三)',
      notRegisteredInCity: true,
      noGuardianAbleToAct: true,
      nobodyInCityToEntrust: true,
      destinationDistrictCode: HEFEI_YAOHAI,
    });
  });

  it('does not escort when a guardian can act', () => {
    expect(routeJurisdiction(cn, { ...outsider, guardianAbleToAct: true }).escort.required).toBe(false);
  });

  it('does not escort when someone in Shanghai can be entrusted', () => {
    expect(routeJurisdiction(cn, { ...outsider, entrustableCarerInCity: true }).escort.required).toBe(false);
  });

  it('does not escort a child registered in another Shanghai district (本市户籍)', () => {
    const decision = routeJurisdiction(cn, { ...outsider, householdRegistration: { districtCode: XUHUI } });
    expect(decision.escort).toMatchObject({ required: false, notRegisteredInCity: false });
    expect(decision.escort.destinationDistrictCode).toBeUndefined();
  });

  it('cannot escort a child whose registration place is unknown', () => {
    expect(routeJurisdiction(cn, { ...outsider, householdRegistration: undefined }).escort).toMatchObject({
      required: false,
      notRegisteredInCity: false,
    });
  });

  it('still sends the emergency to the incident street', () => {
    expect(routeJurisdiction(cn, outsider).emergency).toMatchObject({ streetCode: 'beixinjing' });
    expect(routeJurisdiction(cn, outsider).ongoing).toMatchObject({ basis: 'incident_place' });
  });
});

describe('Fengtai (FT 三(一)4(2))', () => {
  it('covers children registered or usually living in Fengtai', () => {
    expect(
      routeJurisdiction(ft, { householdRegistration: { districtCode: FENGTAI }, ...able }).coverageGrounds,
    ).toEqual(['child_registered']);
    expect(routeJurisdiction(ft, { longTermResidence: { districtCode: FENGTAI }, ...able }).coverageGrounds).toEqual([
      'long_term_residence',
    ]);
    expect(routeJurisdiction(ft, { parentHoldsResidencePermit: true, ...able }).coverageGrounds).toEqual([]);
  });

  it('measures "not registered locally" against Beijing', () => {
    const base = {
      guardianAbleToAct: false,
      entrustableCarerInCity: false,
      longTermResidence: { districtCode: FENGTAI },
    };
    expect(routeJurisdiction(ft, { ...base, householdRegistration: { districtCode: CHAOYANG } }).escort.required).toBe(
      false,
    );
    expect(routeJurisdiction(ft, { ...base, householdRegistration: { districtCode: CHANGNING } }).escort).toMatchObject(
      {
        required: true,
        clause: 'FT 三(一)4(2)',
        destinationDistrictCode: CHANGNING,
      },
    );
  });
});

describe('isInCity', () => {
  it('reads municipalities by province prefix and prefecture cities by four digits', () => {
    expect(isInCity('310105', '310000')).toBe(true);
    expect(isInCity('110106', '310000')).toBe(false);
    expect(isInCity('320102', '320100')).toBe(true);
    expect(isInCity('320205', '320100')).toBe(false);
  });
});
