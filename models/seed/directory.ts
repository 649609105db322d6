/**
 * The agency directory of both districts: the district agencies the policies name (CN 五(一), FT 三(三)2-4), every
 * street/township with its office and police station, and committees for a few streets (the three-level network, CN
 * 五(一), FT 三(三)1). Street names are real (Fengtai as of 2017, before the 2021 re-division); people and contacts
 * are demo data. Codes are stable: users, tasks and routing refer to agencies by them.
 */
import { AgencyModel, type AgencyLevel } from '../agency';
import type { AgencyType } from '../../policies/schema';

interface Bilingual {
  zh: string;
  en: string;
}

export interface AgencySeed {
  code: string;
  name: Bilingual;
  type: AgencyType;
  level: AgencyLevel;
  jurisdiction: { districtCode: string; streetCode?: string; committeeCode?: string };
  parentCode?: string;
  contacts: { role: string; name?: string; email?: string; phone?: string }[];
  supervisor: { name: string; email: string; phone?: string };
  demo: boolean;
}

interface Street {
  slug: string;
  zh: string;
  en: string;
  /** The name a police station of the street goes by. */
  policeZh: string;
  kind: 'street' | 'town' | 'township' | 'area';
}

interface District {
  prefix: 'cn' | 'ft';
  code: string;
  emailDomain: string;
  name: Bilingual;
  agencies: { type: AgencyType; key: string; name: Bilingual; demo?: boolean }[];
  streets: Street[];
  committees: { street: string; key: string; name: Bilingual; type: 'residents_committee' | 'villagers_committee' }[];
}

const CHANGNING: District = {
  prefix: 'cn',
  code: '310105',
  emailDomain: 'changning.demo.childsafe.local',
  name: { zh: '长宁区', en: 'Changning' },
  agencies: [
    { type: 'civil_affairs', key: 'civil-affairs', name: { zh: '长宁区民政局', en: 'Changning Civil Affairs Bureau' } },
    {
      type: 'womens_children_office',
      key: 'womens-children-office',
      name: { zh: '长宁区妇女儿童工作委员会办公室', en: "Changning Women and Children's Work Committee Office" },
    },
    {
      type: 'police_substation',
      key: 'police',
      name: { zh: '上海市公安局长宁分局', en: 'Shanghai Public Security Bureau, Changning Sub-bureau' },
    },
    { type: 'education', key: 'education', name: { zh: '长宁区教育局', en: 'Changning Education Bureau' } },
    {
      type: 'health',
      key: 'health',
      name: { zh: '长宁区卫生和计划生育委员会', en: 'Changning Health and Family Planning Commission' },
    },
    {
      type: 'womens_federation',
      key: 'womens-federation',
      name: { zh: '长宁区妇女联合会', en: "Changning Women's Federation" },
    },
    { type: 'justice', key: 'justice', name: { zh: '长宁区司法局', en: 'Changning Justice Bureau' } },
    {
      type: 'procuratorate',
      key: 'procuratorate',
      name: { zh: '长宁区人民检察院', en: "Changning People's Procuratorate" },
    },
    { type: 'court', key: 'court', name: { zh: '长宁区人民法院', en: "Changning People's Court" } },
    {
      type: 'hrss',
      key: 'hrss',
      name: { zh: '长宁区人力资源和社会保障局', en: 'Changning Human Resources and Social Security Bureau' },
    },
    {
      type: 'housing',
      key: 'housing',
      name: { zh: '长宁区住房保障和房屋管理局', en: 'Changning Housing Administration Bureau' },
    },
    { type: 'finance', key: 'finance', name: { zh: '长宁区财政局', en: 'Changning Finance Bureau' } },
    {
      type: 'disabled_federation',
      key: 'disabled-federation',
      name: { zh: '长宁区残疾人联合会', en: "Changning Disabled Persons' Federation" },
    },
    {
      type: 'youth_league',
      key: 'youth-league',
      name: { zh: '共青团长宁区委员会', en: 'Changning Communist Youth League Committee' },
    },
    {
      type: 'social_work',
      key: 'social-work',
      name: { zh: '长宁区儿童社会工作服务中心（演示）', en: 'Changning Child Social Work Centre (demo)' },
      demo: true,
    },
    {
      type: 'welfare_institution',
      key: 'welfare',
      name: { zh: '长宁区儿童福利机构（演示）', en: 'Changning Child Welfare Institution (demo)' },
      demo: true,
    },
    {
      type: 'temporary_care_site',
      key: 'care-site',
      name: { zh: '长宁区儿童临时看护站点（演示）', en: 'Changning Temporary Child Care Site (demo)' },
      demo: true,
    },
    {
      // CN 三(四), 四(一): 救助保护机构 of civil affairs.
      type: 'rescue_protection_institution',
      key: 'rescue',
      name: { zh: '长宁区救助管理站（演示）', en: 'Changning Rescue and Protection Station (demo)' },
      demo: true,
    },
    {
      // CN 三(四): "办案机关及执行机关应当为其委托临时生活照料提供帮助".
      type: 'prison',
      key: 'prison',
      name: { zh: '上海市演示监狱（演示）', en: 'Shanghai Demo Prison (demo)' },
      demo: true,
    },
    {
      type: 'drug_rehabilitation_centre',
      key: 'drug-rehab',
      name: {
        zh: '上海市演示强制隔离戒毒所（演示）',
        en: 'Shanghai Demo Compulsory Drug Rehabilitation Centre (demo)',
      },
      demo: true,
    },
    { type: 'school', key: 'school', name: { zh: '长宁区演示小学', en: 'Changning Demo Primary School' }, demo: true },
    {
      type: 'kindergarten',
      key: 'kindergarten',
      name: { zh: '长宁区演示幼儿园', en: 'Changning Demo Kindergarten' },
      demo: true,
    },
    { type: 'hospital', key: 'hospital', name: { zh: '长宁区演示医院', en: 'Changning Demo Hospital' }, demo: true },
  ],
  streets: [
    { slug: 'huayang', zh: '华阳路街道', en: 'Huayang Road Subdistrict', policeZh: '华阳路派出所', kind: 'street' },
    { slug: 'jiangsu', zh: '江苏路街道', en: 'Jiangsu Road Subdistrict', policeZh: '江苏路派出所', kind: 'street' },
    { slug: 'xinhua', zh: '新华路街道', en: 'Xinhua Road Subdistrict', policeZh: '新华路派出所', kind: 'street' },
    { slug: 'zhoujiaqiao', zh: '周家桥街道', en: 'Zhoujiaqiao Subdistrict', policeZh: '周家桥派出所', kind: 'street' },
    { slug: 'tianshan', zh: '天山路街道', en: 'Tianshan Road Subdistrict', policeZh: '天山路派出所', kind: 'street' },
    { slug: 'xianxia', zh: '仙霞新村街道', en: 'Xianxia Xincun Subdistrict', policeZh: '仙霞派出所', kind: 'street' },
    { slug: 'hongqiao', zh: '虹桥街道', en: 'Hongqiao Subdistrict', policeZh: '虹桥派出所', kind: 'street' },
    {
      slug: 'chengjiaqiao',
      zh: '程家桥街道',
      en: 'Chengjiaqiao Subdistrict',
      policeZh: '程家桥派出所',
      kind: 'street',
    },
    { slug: 'beixinjing', zh: '北新泾街道', en: 'Beixinjing Subdistrict', policeZh: '北新泾派出所', kind: 'street' },
    { slug: 'xinjing', zh: '新泾镇', en: 'Xinjing Town', policeZh: '新泾派出所', kind: 'town' },
  ],
  committees: [
    {
      street: 'huayang',
      key: '1',
      name: { zh: '华阳路街道第一居民区（演示）', en: 'Huayang Road residents’ committee 1 (demo)' },
      type: 'residents_committee',
    },
    {
      street: 'huayang',
      key: '2',
      name: { zh: '华阳路街道第二居民区（演示）', en: 'Huayang Road residents’ committee 2 (demo)' },
      type: 'residents_committee',
    },
    {
      street: 'xianxia',
      key: '1',
      name: { zh: '仙霞新村街道第一居民区（演示）', en: 'Xianxia Xincun residents’ committee 1 (demo)' },
      type: 'residents_committee',
    },
    {
      street: 'xinjing',
      key: '1',
      name: { zh: '新泾镇第一居民区（演示）', en: 'Xinjing residents’ committee 1 (demo)' },
      type: 'residents_committee',
    },
  ],
};

const FENGTAI: District = {
  prefix: 'ft',
  code: '110106',
  emailDomain: 'fengtai.demo.childsafe.local',
  name: { zh: '丰台区', en: 'Fengtai' },
  agencies: [
    { type: 'civil_affairs', key: 'civil-affairs', name: { zh: '丰台区民政局', en: 'Fengtai Civil Affairs Bureau' } },
    {
      type: 'womens_children_office',
      key: 'womens-children-office',
      name: { zh: '丰台区妇女儿童工作委员会办公室', en: "Fengtai Women and Children's Work Committee Office" },
    },
    {
      type: 'police_substation',
      key: 'police',
      name: { zh: '北京市公安局丰台分局', en: 'Beijing Public Security Bureau, Fengtai Sub-bureau' },
    },
    { type: 'education', key: 'education', name: { zh: '丰台区教育委员会', en: 'Fengtai Education Commission' } },
    {
      type: 'health',
      key: 'health',
      name: { zh: '丰台区卫生和计划生育委员会', en: 'Fengtai Health and Family Planning Commission' },
    },
    {
      type: 'womens_federation',
      key: 'womens-federation',
      name: { zh: '丰台区妇女联合会', en: "Fengtai Women's Federation" },
    },
    { type: 'justice', key: 'justice', name: { zh: '丰台区司法局', en: 'Fengtai Justice Bureau' } },
    {
      type: 'procuratorate',
      key: 'procuratorate',
      name: { zh: '丰台区人民检察院', en: "Fengtai People's Procuratorate" },
    },
    { type: 'court', key: 'court', name: { zh: '丰台区人民法院', en: "Fengtai People's Court" } },
    {
      type: 'hrss',
      key: 'hrss',
      name: { zh: '丰台区人力资源和社会保障局', en: 'Fengtai Human Resources and Social Security Bureau' },
    },
    { type: 'housing', key: 'housing', name: { zh: '丰台区房屋管理局', en: 'Fengtai Housing Administration Bureau' } },
    { type: 'finance', key: 'finance', name: { zh: '丰台区财政局', en: 'Fengtai Finance Bureau' } },
    {
      type: 'disabled_federation',
      key: 'disabled-federation',
      name: { zh: '丰台区残疾人联合会', en: "Fengtai Disabled Persons' Federation" },
    },
    {
      type: 'youth_league',
      key: 'youth-league',
      name: { zh: '共青团丰台区委员会', en: 'Fengtai Communist Youth League Committee' },
    },
    {
      type: 'social_work',
      key: 'social-work',
      name: { zh: '丰台区儿童社会工作服务机构（演示）', en: 'Fengtai Child Social Work Agency (demo)' },
      demo: true,
    },
    {
      type: 'welfare_institution',
      key: 'welfare',
      name: { zh: '丰台区儿童福利机构（演示）', en: 'Fengtai Child Welfare Institution (demo)' },
      demo: true,
    },
    {
      // FT 三(一)4(2): "由经常居住地救助保护机构临时监护"; guided by civil affairs (FT 三(三)2(1)).
      type: 'rescue_protection_institution',
      key: 'rescue',
      name: { zh: '丰台区救助管理站（演示）', en: 'Fengtai Rescue and Protection Station (demo)' },
      demo: true,
    },
    {
      // FT 三(一)4(2): "执行机关应当为其委托……监护提供帮助".
      type: 'prison',
      key: 'prison',
      name: { zh: '北京市演示监狱（演示）', en: 'Beijing Demo Prison (demo)' },
      demo: true,
    },
    {
      type: 'drug_rehabilitation_centre',
      key: 'drug-rehab',
      name: { zh: '北京市演示强制隔离戒毒所（演示）', en: 'Beijing Demo Compulsory Drug Rehabilitation Centre (demo)' },
      demo: true,
    },
    {
      type: 'temporary_care_site',
      key: 'care-site',
      name: { zh: '丰台区临时庇护场所（演示）', en: 'Fengtai Temporary Shelter (demo)' },
      demo: true,
    },
    { type: 'school', key: 'school', name: { zh: '丰台区演示小学', en: 'Fengtai Demo Primary School' }, demo: true },
    {
      type: 'kindergarten',
      key: 'kindergarten',
      name: { zh: '丰台区演示幼儿园', en: 'Fengtai Demo Kindergarten' },
      demo: true,
    },
    { type: 'hospital', key: 'hospital', name: { zh: '丰台区演示医院', en: 'Fengtai Demo Hospital' }, demo: true },
  ],
  // Fengtai in 2017: 14 subdistricts, 2 area offices (方庄, 宛平城), 3 townships (乡) and 2 towns.
  streets: [
    { slug: 'youanmen', zh: '右安门街道', en: "You'anmen Subdistrict", policeZh: '右安门派出所', kind: 'street' },
    { slug: 'taipingqiao', zh: '太平桥街道', en: 'Taipingqiao Subdistrict', policeZh: '太平桥派出所', kind: 'street' },
    { slug: 'xiluoyuan', zh: '西罗园街道', en: 'Xiluoyuan Subdistrict', policeZh: '西罗园派出所', kind: 'street' },
    { slug: 'dahongmen', zh: '大红门街道', en: 'Dahongmen Subdistrict', policeZh: '大红门派出所', kind: 'street' },
    { slug: 'nanyuan', zh: '南苑街道', en: 'Nanyuan Subdistrict', policeZh: '南苑派出所', kind: 'street' },
    { slug: 'donggaodi', zh: '东高地街道', en: 'Donggaodi Subdistrict', policeZh: '东高地派出所', kind: 'street' },
    {
      slug: 'dongtiejiangying',
      zh: '东铁匠营街道',
      en: 'Dongtiejiangying Subdistrict',
      policeZh: '东铁营派出所',
      kind: 'street',
    },
    { slug: 'lugouqiao', zh: '卢沟桥街道', en: 'Lugouqiao Subdistrict', policeZh: '卢沟桥派出所', kind: 'street' },
    { slug: 'fengtai', zh: '丰台街道', en: 'Fengtai Subdistrict', policeZh: '丰台派出所', kind: 'street' },
    { slug: 'xincun', zh: '新村街道', en: 'Xincun Subdistrict', policeZh: '新村派出所', kind: 'street' },
    {
      slug: 'changxindian',
      zh: '长辛店街道',
      en: 'Changxindian Subdistrict',
      policeZh: '长辛店派出所',
      kind: 'street',
    },
    { slug: 'yungang', zh: '云岗街道', en: 'Yungang Subdistrict', policeZh: '云岗派出所', kind: 'street' },
    { slug: 'majiapu', zh: '马家堡街道', en: 'Majiapu Subdistrict', policeZh: '马家堡派出所', kind: 'street' },
    { slug: 'heyi', zh: '和义街道', en: 'Heyi Subdistrict', policeZh: '和义派出所', kind: 'street' },
    { slug: 'fangzhuang', zh: '方庄地区', en: 'Fangzhuang Area', policeZh: '方庄派出所', kind: 'area' },
    { slug: 'wanpingcheng', zh: '宛平城地区', en: 'Wanpingcheng Area', policeZh: '宛平城派出所', kind: 'area' },
    {
      slug: 'lugouqiao-township',
      zh: '卢沟桥乡',
      en: 'Lugouqiao Township',
      policeZh: '卢沟桥乡派出所',
      kind: 'township',
    },
    { slug: 'huaxiang', zh: '花乡', en: 'Huaxiang Township', policeZh: '花乡派出所', kind: 'township' },
    { slug: 'nanyuan-township', zh: '南苑乡', en: 'Nanyuan Township', policeZh: '南苑乡派出所', kind: 'township' },
    { slug: 'changxindian-town', zh: '长辛店镇', en: 'Changxindian Town', policeZh: '长辛店镇派出所', kind: 'town' },
    { slug: 'wangzuo', zh: '王佐镇', en: 'Wangzuo Town', policeZh: '王佐派出所', kind: 'town' },
  ],
  committees: [
    {
      street: 'youanmen',
      key: '1',
      name: { zh: '右安门街道第一社区居委会（演示）', en: 'You’anmen residents’ committee 1 (demo)' },
      type: 'residents_committee',
    },
    {
      street: 'youanmen',
      key: '2',
      name: { zh: '右安门街道第二社区居委会（演示）', en: 'You’anmen residents’ committee 2 (demo)' },
      type: 'residents_committee',
    },
    {
      street: 'fengtai',
      key: '1',
      name: { zh: '丰台街道第一社区居委会（演示）', en: 'Fengtai Subdistrict residents’ committee 1 (demo)' },
      type: 'residents_committee',
    },
    {
      street: 'wangzuo',
      key: '1',
      name: { zh: '王佐镇第一村民委员会（演示）', en: 'Wangzuo villagers’ committee 1 (demo)' },
      type: 'villagers_committee',
    },
  ],
};

export const DISTRICTS = [CHANGNING, FENGTAI] as const;

/** Code of a district-level agency, e.g. districtAgencyCode('cn', 'police') = "cn.police". */
export function districtAgencyCode(prefix: 'cn' | 'ft', key: string): string {
  return `${prefix}.${key}`;
}

/** Code of a street office ("cn.street.huayang") or a street's police station ("cn.police.huayang"). */
export function streetAgencyCode(prefix: 'cn' | 'ft', street: string, kind: 'street' | 'police'): string {
  return `${prefix}.${kind}.${street}`;
}

/** Code of a residents'/villagers' committee: "cn.committee.huayang.1". */
export function committeeAgencyCode(prefix: 'cn' | 'ft', street: string, key: string): string {
  return `${prefix}.committee.${street}.${key}`;
}

function demoEmail(district: District, local: string): string {
  return `${local}@${district.emailDomain}`;
}

function buildDistrict(d: District): AgencySeed[] {
  const seeds: AgencySeed[] = [];
  const district = { districtCode: d.code };
  const supervisor = (local: string) => ({
    name: `${d.name.zh}演示主管`,
    email: demoEmail(d, `supervisor.${local}`),
  });
  const lead = districtAgencyCode(d.prefix, 'civil-affairs');
  for (const a of d.agencies) {
    seeds.push({
      code: districtAgencyCode(d.prefix, a.key),
      name: a.name,
      type: a.type,
      level: 'district',
      jurisdiction: district,
      ...(a.key === 'civil-affairs' ? {} : { parentCode: lead }),
      contacts: [{ role: 'duty_desk', email: demoEmail(d, a.key) }],
      supervisor: supervisor(a.key),
      demo: a.demo ?? false,
    });
  }
  for (const s of d.streets) {
    const jurisdiction = { districtCode: d.code, streetCode: s.slug };
    seeds.push({
      code: streetAgencyCode(d.prefix, s.slug, 'street'),
      name: { zh: s.zh, en: s.en },
      type: 'street_office',
      level: 'street_township',
      jurisdiction,
      parentCode: lead,
      contacts: [
        { role: 'duty_desk', email: demoEmail(d, `street.${s.slug}`) },
        // FT 三(四)2: one full- or part-time child social worker per street/township.
        { role: 'child_social_worker', email: demoEmail(d, `socialworker.${s.slug}`) },
      ],
      supervisor: supervisor(`street.${s.slug}`),
      demo: false,
    });
    seeds.push({
      code: streetAgencyCode(d.prefix, s.slug, 'police'),
      name: { zh: s.policeZh, en: `${s.en} police station` },
      type: 'police_station',
      level: 'street_township',
      jurisdiction,
      parentCode: districtAgencyCode(d.prefix, 'police'),
      contacts: [{ role: 'duty_desk', email: demoEmail(d, `police.${s.slug}`) }],
      supervisor: supervisor(`police.${s.slug}`),
      // Station names follow their streets for the demo; real station boundaries differ.
      demo: true,
    });
  }
  for (const c of d.committees) {
    seeds.push({
      code: committeeAgencyCode(d.prefix, c.street, c.key),
      name: c.name,
      type: c.type,
      level: 'committee',
      jurisdiction: { districtCode: d.code, streetCode: c.street, committeeCode: `${c.street}.${c.key}` },
      parentCode: streetAgencyCode(d.prefix, c.street, 'street'),
      contacts: [
        { role: 'duty_desk', email: demoEmail(d, `committee.${c.street}-${c.key}`) },
        // FT 三(三)1: each committee names a child-welfare supervisor (儿童福利督导员).
        { role: 'child_welfare_supervisor', email: demoEmail(d, `supervisor.committee.${c.street}-${c.key}`) },
      ],
      supervisor: supervisor(`committee.${c.street}-${c.key}`),
      demo: true,
    });
  }
  return seeds;
}

export const DIRECTORY: readonly AgencySeed[] = DISTRICTS.flatMap(buildDistrict);

/** Every agency code in the directory. */
export const AGENCY_CODES: readonly string[] = DIRECTORY.map((a) => a.code);

/** Agencies the demo accounts and demo cases use. */
export const DEMO_AGENCY_CODES = {
  changning: {
    civilAffairs: 'cn.civil-affairs',
    policeSubBureau: 'cn.police',
    policeHuayang: 'cn.police.huayang',
    streetHuayang: 'cn.street.huayang',
    committeeHuayang1: 'cn.committee.huayang.1',
    socialWork: 'cn.social-work',
    school: 'cn.school',
    hospital: 'cn.hospital',
    education: 'cn.education',
    health: 'cn.health',
    womensFederation: 'cn.womens-federation',
    justice: 'cn.justice',
    court: 'cn.court',
    womensChildrenOffice: 'cn.womens-children-office',
  },
  fengtai: {
    civilAffairs: 'ft.civil-affairs',
    policeSubBureau: 'ft.police',
    policeYouanmen: 'ft.police.youanmen',
    streetYouanmen: 'ft.street.youanmen',
    committeeYouanmen1: 'ft.committee.youanmen.1',
    committeeWangzuo1: 'ft.committee.wangzuo.1',
    socialWork: 'ft.social-work',
    school: 'ft.school',
    hospital: 'ft.hospital',
    education: 'ft.education',
    health: 'ft.health',
    womensFederation: 'ft.womens-federation',
    justice: 'ft.justice',
    court: 'ft.court',
    womensChildrenOffice: 'ft.womens-children-office',
  },
} as const;

/** Upserts every directory agency by its code: a second run inserts nothing and leaves one document per code. */
export async function seedDirectory(): Promise<{ inserted: number; updated: number; total: number }> {
  let inserted = 0;
  let updated = 0;
  for (const agency of DIRECTORY) {
    const result = await AgencyModel.updateOne({ code: agency.code }, { $set: agency }, { upsert: true }).exec();
    inserted += result.upsertedCount;
    updated += result.modifiedCount;
  }
  return { inserted, updated, total: DIRECTORY.length };
}
