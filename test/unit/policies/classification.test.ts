import { loadPolicyPack } from '../../../policies';
import { classifyChild, type AssessmentFacts } from '../../../policies/classification';
import { ageInYears } from '../../../policies/criteria';
import type { AssessmentFact } from '../../../policies/schema';

const cn = loadPolicyPack('cn-changning');
const ft = loadPolicyPack('ft-fengtai');

const child = (facts: AssessmentFact[], ageYears = 10): AssessmentFacts => ({ ageYears, facts });
const codes = (pack: typeof cn, facts: AssessmentFact[]) =>
  classifyChild(pack, child(facts)).categories.map((c) => c.code);

describe('Changning: the three kinds of children in difficulty (CN 一)', () => {
  it.each<[AssessmentFact[], string[]]>([
    [['family_dibao'], ['family_poverty']],
    [['family_low_income'], ['family_poverty']],
    [['family_poverty_hardship'], ['family_poverty']],
    [['disabled'], ['disability']],
    [['severely_disabled'], ['disability']],
    [['guardianship_missing_or_improper', 'abused_or_harmed'], ['guardianship_failure']],
  ])('classifies %j as %j', (facts, expected) => {
    expect(codes(cn, facts)).toEqual(expected);
  });

  it('needs both missing or improper guardianship and harm for the guardianship kind', () => {
    expect(codes(cn, ['guardianship_missing_or_improper'])).toEqual([]);
    expect(codes(cn, ['abused_or_harmed'])).toEqual([]);
  });

  it('does not treat FT-only facts as Changning kinds', () => {
    expect(codes(cn, ['trafficking_rescued', 'guardian_sentenced', 'both_parents_migrant', 'seriously_ill'])).toEqual(
      [],
    );
  });

  it('has no left-behind category', () => {
    const result = classifyChild(cn, child(['both_parents_migrant']));
    expect(result).toMatchObject({ leftBehind: false, inDifficulty: false, leftBehindHandledAsDifficulty: false });
  });

  it('flags a child in two kinds as multiple difficulty, with priority', () => {
    const result = classifyChild(cn, child(['family_dibao', 'disabled']));
    expect(result.categories.map((c) => c.code)).toEqual(['family_poverty', 'disability']);
    expect(result.multipleDifficulty).toBe(true);
    expect(classifyChild(cn, child(['family_dibao'])).multipleDifficulty).toBe(false);
  });

  it('says which clause and which facts placed the child in a kind', () => {
    const [match] = classifyChild(cn, child(['guardianship_missing_or_improper', 'abused_or_harmed'])).categories;
    expect(match).toEqual({
      code: 'guardianship_failure',
      clause: 'CN 一',
      kind: 'difficulty',
      because: { allOf: ['guardianship_missing_or_improper', 'abused_or_harmed'] },
    });
  });
});

describe('Fengtai: eight categories of children in difficulty (FT 二(一))', () => {
  it.each<[string, AssessmentFact[], string[]]>([
    ['1 低保 family', ['family_dibao'], ['poverty']],
    ['1 low-income family', ['family_low_income'], ['poverty']],
    ['1 other poverty recognised by civil affairs', ['family_poverty_hardship'], ['poverty']],
    [
      '2 harmed through improper guardianship',
      ['guardianship_missing_or_improper', 'abused_or_harmed'],
      ['guardianship_failure'],
    ],
    ['2 orphan', ['orphan'], ['guardianship_failure']],
    ['2 abandoned infant', ['abandoned_infant'], ['guardianship_failure']],
    ['2 in fact unsupported', ['de_facto_unsupported'], ['guardianship_failure']],
    ['2 guardian in prison', ['guardian_imprisoned'], ['guardianship_failure']],
    ['2 guardian taking drugs', ['guardian_drug_use'], ['guardianship_failure']],
    ['2 guardian seriously ill', ['guardian_seriously_ill'], ['guardianship_failure']],
    ['2 guardian severely disabled', ['guardian_severely_disabled'], ['guardianship_failure']],
    ['2 and 4 street child', ['street_child'], ['guardianship_failure', 'scattered_orphan_or_street']],
    ['3 disabled', ['disabled'], ['illness_or_disability']],
    ['3 seriously ill', ['seriously_ill'], ['illness_or_disability']],
    ['3 affected by HIV', ['hiv_affected'], ['illness_or_disability']],
    ['3 lost self-care or normal learning ability', ['mental_or_self_care_impaired'], ['illness_or_disability']],
    ['4 scattered orphan', ['scattered_orphan'], ['scattered_orphan_or_street']],
    ['4 street-wandering history', ['street_history'], ['scattered_orphan_or_street']],
    ['5 rescued from trafficking', ['trafficking_rescued'], ['temporary_difficulty']],
    ['5 temporarily without family support', ['temporarily_lost_family_support'], ['temporary_difficulty']],
    ['6 guardian sentenced', ['guardian_sentenced'], ['guardian_sentenced']],
    ['6 guardian under community correction', ['guardian_community_correction'], ['guardian_sentenced']],
    ['7 non-prosecution and urgently needing help', ['non_prosecution', 'urgently_needs_support'], ['non_prosecution']],
    [
      '7 non-prosecution with a neglectful legal representative',
      ['non_prosecution', 'legal_representative_neglects_duty'],
      ['non_prosecution'],
    ],
    ['8 decided by the joint meeting', ['joint_meeting_decision'], ['joint_meeting_decision']],
  ])('category %s', (_name, facts, expected) => {
    const result = classifyChild(ft, child(facts));
    expect(result.categories.map((c) => c.code)).toEqual(expected);
    expect(result.inDifficulty).toBe(true);
  });

  it('does not count non-prosecution alone (FT 二(一)7 needs a need for help)', () => {
    expect(codes(ft, ['non_prosecution'])).toEqual([]);
  });

  it('does not count improper guardianship without harm', () => {
    expect(codes(ft, ['guardianship_missing_or_improper'])).toEqual([]);
  });

  it('cites the sub-paragraph of each category', () => {
    const result = classifyChild(ft, child(['family_dibao', 'guardian_sentenced', 'joint_meeting_decision']));
    expect(result.categories.map((c) => c.clause)).toEqual(['FT 二(一)1', 'FT 二(一)6', 'FT 二(一)8']);
  });

  it('gives a child with no qualifying facts no category', () => {
    expect(classifyChild(ft, child([]))).toEqual({
      categories: [],
      inDifficulty: false,
      leftBehind: false,
      leftBehindHandledAsDifficulty: false,
      multipleDifficulty: false,
    });
  });
});

describe('Fengtai: left-behind children (FT 二(二))', () => {
  it('counts a child whose parents both work away', () => {
    expect(classifyChild(ft, child(['both_parents_migrant']))).toMatchObject({
      leftBehind: true,
      inDifficulty: false,
      leftBehindHandledAsDifficulty: false,
    });
  });

  it('counts a child with one parent away and the other unable to guard', () => {
    expect(classifyChild(ft, child(['one_parent_migrant', 'other_parent_unable_to_guard'])).leftBehind).toBe(true);
  });

  it('does not count a child with one parent away and the other at home and able', () => {
    expect(classifyChild(ft, child(['one_parent_migrant'])).leftBehind).toBe(false);
  });

  it('handles a left-behind child who also meets a category as a child in difficulty', () => {
    const result = classifyChild(ft, child(['both_parents_migrant', 'family_low_income']));
    expect(result).toMatchObject({ leftBehind: true, inDifficulty: true, leftBehindHandledAsDifficulty: true });
  });

  it('does not count being left behind towards multiple difficulty', () => {
    expect(classifyChild(ft, child(['both_parents_migrant', 'family_dibao'])).multipleDifficulty).toBe(false);
  });
});

describe('Fengtai: multiple difficulty (FT 三(一)4(2))', () => {
  it('flags a child in two or more categories for priority', () => {
    const result = classifyChild(ft, child(['family_dibao', 'guardian_imprisoned', 'hiv_affected']));
    expect(result.categories.map((c) => c.code)).toEqual(['poverty', 'guardianship_failure', 'illness_or_disability']);
    expect(result.multipleDifficulty).toBe(true);
  });
});

describe('age', () => {
  it('counts whole years, turning a year older on the birthday', () => {
    const born = new Date('2010-06-15T00:00:00Z');
    expect(ageInYears(born, new Date('2026-06-14T00:00:00Z'))).toBe(15);
    expect(ageInYears(born, new Date('2026-06-15T00:00:00Z'))).toBe(16);
    expect(ageInYears(born, new Date('2026-12-01T00:00:00Z'))).toBe(16);
  });
});
