import { getPolicyPack, loadPolicyPack } from '../../../policies';
import { decideBenefits, type BenefitAmounts } from '../../../policies/benefits';
import type { AssessmentFact } from '../../../policies/schema';

const cn = loadPolicyPack('cn-changning');
const ft = loadPolicyPack('ft-fengtai');
/** The 1.0.0 pack had no standard amounts: cases pinned to it keep the pack-order fallback. */
const ft100 = getPolicyPack('ft-fengtai', '1.0.0');

type Pack = typeof cn;
const granted = (pack: Pack, facts: AssessmentFact[], ageYears = 10, amounts?: BenefitAmounts) =>
  decideBenefits(pack, { ageYears, facts }, amounts)
    .granted.map((b) => b.code)
    .sort();

describe('Changning benefits (CN 三)', () => {
  it('includes a child whose family meets 低保 in the minimum living guarantee, with the 六一 subsidy and medical assistance', () => {
    expect(granted(cn, ['family_dibao'])).toEqual(['cultural_welfare_subsidy', 'dibao', 'medical_assistance']);
  });

  describe('特困 support under 16 (CN 三(一))', () => {
    const base: AssessmentFact[] = ['no_labour_capacity', 'no_income'];

    it('applies with no legal supporter', () => {
      expect(granted(cn, [...base, 'no_legal_supporter'], 15)).toContain('extreme_poverty_support');
    });

    it('applies when the legal supporter is unable to support', () => {
      expect(granted(cn, [...base, 'supporter_unable'], 15)).toContain('extreme_poverty_support');
    });

    it('does not apply from the sixteenth birthday', () => {
      expect(granted(cn, [...base, 'no_legal_supporter'], 16)).not.toContain('extreme_poverty_support');
    });

    it('does not apply to a child with a supporter able to support', () => {
      expect(granted(cn, base, 10)).toEqual([]);
    });

    it.each<AssessmentFact>(['no_labour_capacity', 'no_income'])('needs %s as well', (missing) => {
      const facts = [...base, 'no_legal_supporter'].filter((f) => f !== missing) as AssessmentFact[];
      expect(granted(cn, facts, 10)).not.toContain('extreme_poverty_support');
    });

    it('brings medical assistance with it (CN 三(二))', () => {
      expect(granted(cn, [...base, 'no_legal_supporter'], 15)).toEqual([
        'extreme_poverty_support',
        'medical_assistance',
      ]);
    });
  });

  describe('scattered-orphan guarantee (CN 三(一))', () => {
    it('covers a scattered orphan', () => {
      expect(granted(cn, ['scattered_orphan'])).toEqual(['medical_assistance', 'scattered_orphan_guarantee']);
    });

    it('covers a child whose parents cannot raise them, raised by grandparents, relatives or others', () => {
      expect(granted(cn, ['parents_unable_to_raise', 'raised_by_relatives_or_others'])).toEqual([
        'scattered_orphan_guarantee',
      ]);
    });

    it('does not cover a child whose parents cannot raise them but who is not being raised by others', () => {
      expect(granted(cn, ['parents_unable_to_raise'])).toEqual([]);
    });
  });

  it('gives temporary assistance for sudden, urgent, temporary hardship', () => {
    expect(granted(cn, ['sudden_family_hardship'])).toEqual(['temporary_assistance']);
  });

  it('gives medical assistance to low-income families (CN 三(二))', () => {
    expect(granted(cn, ['family_low_income'])).toEqual(['medical_assistance']);
  });

  it('gives rehabilitation assistance to disabled children aged 0-6 only (CN 三(五)2)', () => {
    expect(granted(cn, ['disabled'], 6)).toEqual(['disabled_child_rehabilitation']);
    expect(granted(cn, ['disabled'], 7)).toEqual([]);
  });

  it('stacks everything: Changning has no highest-one-only rule', () => {
    const result = decideBenefits(cn, {
      ageYears: 12,
      facts: ['family_dibao', 'no_labour_capacity', 'no_income', 'supporter_unable', 'scattered_orphan'],
    });
    expect(result.excluded).toEqual([]);
    expect(result.granted.map((b) => b.code).sort()).toEqual([
      'cultural_welfare_subsidy',
      'dibao',
      'extreme_poverty_support',
      'medical_assistance',
      'scattered_orphan_guarantee',
    ]);
  });
});

describe('Fengtai benefits (FT 三(一)1)', () => {
  const living: AssessmentFact = 'meets_child_living_guarantee_conditions';
  const extreme: AssessmentFact[] = ['no_labour_capacity', 'no_income', 'no_legal_supporter'];

  it('grants each benefit alone when only one applies', () => {
    expect(granted(ft, [living])).toEqual(['child_living_guarantee']);
    expect(granted(ft, extreme, 12)).toEqual(['extreme_poverty_support']);
    expect(granted(ft, ['severely_disabled'])).toEqual(['severe_disability_care_subsidy']);
    expect(granted(ft, ['family_dibao'])).toEqual(['dibao']);
  });

  it('grants the disability living subsidy only to disabled children in 低保 or low-income families', () => {
    expect(granted(ft, ['disabled'])).toEqual([]);
    expect(granted(ft, ['disabled', 'family_low_income'])).toEqual(['disability_living_subsidy']);
    expect(granted(ft, ['disabled', 'family_dibao'])).toEqual(['dibao', 'disability_living_subsidy']);
  });

  it('grants both disability subsidies together: they are one item of the 择高 comparison', () => {
    expect(granted(ft, ['severely_disabled', 'family_low_income'])).toEqual([
      'disability_living_subsidy',
      'severe_disability_care_subsidy',
    ]);
  });

  describe('择高: the highest one only among child living guarantee, the two disability subsidies and 特困 support', () => {
    it('under pack 1.0.0, without current amounts keeps the first option in the pack order and says why the others went', () => {
      const result = decideBenefits(ft100, { ageYears: 10, facts: [living, ...extreme, 'severely_disabled'] });
      expect(result.granted.map((b) => b.code)).toEqual(['child_living_guarantee']);
      expect(result.excluded).toEqual([
        {
          code: 'extreme_poverty_support',
          clause: 'FT 三(一)1',
          group: 'highest_one_only',
          groupClause: 'FT 三(一)1',
          keptInstead: ['child_living_guarantee'],
          basis: 'pack_order',
        },
        {
          code: 'severe_disability_care_subsidy',
          clause: 'FT 三(一)1',
          group: 'highest_one_only',
          groupClause: 'FT 三(一)1',
          keptInstead: ['child_living_guarantee'],
          basis: 'pack_order',
        },
      ]);
    });

    it('keeps 特困 support when it pays more than the child living guarantee', () => {
      const amounts = { child_living_guarantee: 1000, extreme_poverty_support: 1400 };
      expect(granted(ft, [living, ...extreme], 10, amounts)).toEqual(['extreme_poverty_support']);
    });

    it('compares the two disability subsidies by their sum', () => {
      const facts: AssessmentFact[] = [living, 'severely_disabled', 'family_low_income'];
      const amounts = {
        child_living_guarantee: 500,
        disability_living_subsidy: 300,
        severe_disability_care_subsidy: 300,
      };
      expect(granted(ft, facts, 10, amounts)).toEqual(['disability_living_subsidy', 'severe_disability_care_subsidy']);
      expect(granted(ft, facts, 10, { ...amounts, child_living_guarantee: 700 })).toEqual(['child_living_guarantee']);
    });

    it('keeps the earlier option on equal amounts', () => {
      const amounts = { child_living_guarantee: 1000, extreme_poverty_support: 1000 };
      expect(granted(ft, [living, ...extreme], 10, amounts)).toEqual(['child_living_guarantee']);
    });

    it('under pack 1.0.0, falls back to the pack order when an amount is missing', () => {
      expect(granted(ft100, [living, ...extreme], 10, { extreme_poverty_support: 9999 })).toEqual([
        'child_living_guarantee',
      ]);
    });

    it('does not apply 特困 support from 16, so nothing is excluded', () => {
      const result = decideBenefits(ft, { ageYears: 16, facts: [living, ...extreme] });
      expect(result).toEqual({
        granted: [{ code: 'child_living_guarantee', clause: 'FT 三(一)1' }],
        excluded: [],
      });
    });
  });

  describe('低保 stacking: a child on 低保 may also get the child living guarantee', () => {
    it('grants both', () => {
      expect(granted(ft, ['family_dibao', living])).toEqual(['child_living_guarantee', 'dibao']);
    });

    it('keeps 低保 when 择高 drops the child living guarantee for a higher benefit', () => {
      const amounts = { child_living_guarantee: 800, extreme_poverty_support: 1200 };
      const result = decideBenefits(ft, { ageYears: 9, facts: ['family_dibao', living, ...extreme] }, amounts);
      expect(result.granted.map((b) => b.code).sort()).toEqual(['dibao', 'extreme_poverty_support']);
      expect(result.excluded.map((b) => b.code)).toEqual(['child_living_guarantee']);
    });
  });

  describe('temporary living support', () => {
    it('covers a child who temporarily lost family support', () => {
      expect(granted(ft, ['temporarily_lost_family_support'])).toEqual(['temporary_living_support']);
    });

    it('covers a child under guardianship intervention', () => {
      expect(granted(ft, ['under_guardianship_intervention'])).toEqual(['temporary_living_support']);
    });

    it('stacks with the 择高 winner', () => {
      expect(granted(ft, ['under_guardianship_intervention', living])).toEqual([
        'child_living_guarantee',
        'temporary_living_support',
      ]);
    });
  });

  it('grants nothing without qualifying facts', () => {
    expect(decideBenefits(ft, { ageYears: 8, facts: [] })).toEqual({ granted: [], excluded: [] });
  });
});
