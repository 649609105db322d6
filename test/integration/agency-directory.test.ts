import { AgencyModel, ensureIndexes } from '../../models';
import { AGENCY_CODES, DEMO_AGENCY_CODES, DIRECTORY, seedDirectory } from '../../models/seed/directory';
import { AGENCY_TYPES } from '../../policies/schema';
import { connectTestDatabase } from '../helpers/mongo';

jest.setTimeout(60_000); // the real FerretDB: index builds and writes take seconds on a busy 2-core machine

let disconnect: () => Promise<void>;
beforeAll(async () => {
  disconnect = await connectTestDatabase('directory');
  await ensureIndexes();
});
afterAll(() => disconnect());

const CHANGNING_STREETS = [
  '华阳路街道',
  '江苏路街道',
  '新华路街道',
  '周家桥街道',
  '天山路街道',
  '仙霞新村街道',
  '虹桥街道',
  '程家桥街道',
  '北新泾街道',
  '新泾镇',
];

describe('the agency directory seed', () => {
  it('upserts by stable code: a second run inserts nothing and leaves one document per code', async () => {
    const first = await seedDirectory();
    const second = await seedDirectory();
    expect(first).toMatchObject({ inserted: DIRECTORY.length, total: DIRECTORY.length });
    expect(second.inserted).toBe(0);
    expect(await AgencyModel.countDocuments({})).toBe(DIRECTORY.length);
    expect(new Set(AGENCY_CODES).size).toBe(AGENCY_CODES.length);
  });

  it('has every Changning street/township with an office and a police station', async () => {
    const offices = await AgencyModel.find({ 'jurisdiction.districtCode': '310105', type: 'street_office' }).lean();
    expect(offices.map((o) => o.name.zh).sort()).toEqual([...CHANGNING_STREETS].sort());
    const stations = await AgencyModel.countDocuments({
      'jurisdiction.districtCode': '310105',
      type: 'police_station',
    });
    expect(stations).toBe(CHANGNING_STREETS.length);
  });

  it('has the 21 Fengtai streets, areas, townships and towns of 2017', async () => {
    const offices = await AgencyModel.find({ 'jurisdiction.districtCode': '110106', type: 'street_office' }).lean();
    expect(offices).toHaveLength(21);
    expect(offices.map((o) => o.name.zh)).toEqual(
      expect.arrayContaining(['卢沟桥街道', '卢沟桥乡', '方庄地区', '王佐镇']),
    );
  });

  it.each(['310105', '110106'])('has each district agency the policies list in %s', async (districtCode) => {
    const types = await AgencyModel.distinct('type', { 'jurisdiction.districtCode': districtCode, level: 'district' });
    expect(types.sort()).toEqual(
      [
        'civil_affairs',
        'court',
        'disabled_federation',
        'drug_rehabilitation_centre',
        'prison',
        'rescue_protection_institution',
        'education',
        'finance',
        'health',
        'hospital',
        'hrss',
        'housing',
        'justice',
        'kindergarten',
        'police_substation',
        'procuratorate',
        'school',
        'social_work',
        'temporary_care_site',
        'welfare_institution',
        'womens_children_office',
        'womens_federation',
        'youth_league',
      ].sort(),
    );
  });

  it('gives demo contacts on the demo domain', async () => {
    const station = await AgencyModel.findOne({ code: 'cn.police.huayang' }).lean();
    expect(station?.contacts[0].email).toBe('police.huayang@changning.demo.childsafe.local');
    for (const agency of DIRECTORY) {
      for (const contact of agency.contacts)
        expect(contact.email).toMatch(/@(changning|fengtai)\.demo\.childsafe\.local$/);
    }
  });

  it('links every agency to an existing parent and uses only known agency types', () => {
    const codes = new Set(AGENCY_CODES);
    for (const agency of DIRECTORY) {
      if (agency.parentCode) expect(codes.has(agency.parentCode)).toBe(true);
      expect(AGENCY_TYPES).toContain(agency.type);
    }
  });

  it('exports demo agency codes that exist in the directory', () => {
    const codes = new Set(AGENCY_CODES);
    for (const district of Object.values(DEMO_AGENCY_CODES)) {
      for (const code of Object.values(district)) expect(codes.has(code)).toBe(true);
    }
  });

  it('has committees under a few streets, villagers’ committees in towns', async () => {
    const committees = await AgencyModel.find({ level: 'committee' }).lean();
    expect(committees.length).toBeGreaterThanOrEqual(6);
    expect(committees.find((c) => c.code === 'ft.committee.wangzuo.1')?.type).toBe('villagers_committee');
  });
});
