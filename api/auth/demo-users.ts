/**
 * Demo accounts, one for every role in each district, all with the same well-known password that `npm start` prints.
 * Their addresses are the directory's duty-desk and supervisor contacts (models/seed/directory.ts), so the mail a task
 * sends to an agency lands in a mailbox a demo account owns. Never seeded in production.
 */
import { isDuplicateKeyError } from '../../models/common';
import type { UserRepository } from '../../models/user';
import { DEMO_AGENCY_CODES, committeeAgencyCode, districtAgencyCode } from '../../models/seed/directory';
import { hashPassword } from './passwords';
import type { Role } from './roles';

export const DEMO_PASSWORD = 'ChildSafe-demo-2026';

export interface DemoUser {
  email: string;
  displayName: string;
  role: Role;
  agencyCode: string;
  jurisdiction: { districtCode: string; streetCode?: string };
}

function districtDemoUsers(d: {
  prefix: 'cn' | 'ft';
  districtCode: string;
  domain: string;
  nameZh: string;
  street: { code: string; zh: string; police: string; office: string };
  agencies: { civilAffairs: string; school: string; hospital: string; court: string; policeSubBureau: string };
  /** A residents' or villagers' committee that reports (CN 四(一), FT 三(二)4: 居(村)委会 are mandated reporters). */
  committee: { code: string; streetCode: string; zh: string };
}): DemoUser[] {
  const district = { districtCode: d.districtCode };
  const street = { districtCode: d.districtCode, streetCode: d.street.code };
  const user = (
    local: string,
    displayName: string,
    role: Role,
    agencyCode: string,
    jurisdiction: DemoUser['jurisdiction'] = district,
  ): DemoUser => ({
    email: `${local}@${d.domain}`,
    displayName,
    role,
    agencyCode,
    jurisdiction,
  });
  return [
    user('school', `${d.nameZh}演示小学 教师（演示）`, 'mandated_reporter', d.agencies.school, street),
    user('hospital', `${d.nameZh}演示医院 医生（演示）`, 'mandated_reporter', d.agencies.hospital),
    user(
      `committee.${d.committee.streetCode}`,
      `${d.committee.zh} 儿童主任（演示）`,
      'mandated_reporter',
      d.committee.code,
      { districtCode: d.districtCode, streetCode: d.committee.streetCode },
    ),
    // The district police duty desk takes emergency steps the directory has no station for (the pack's fallbacks).
    user('police-duty', `${d.nameZh}公安分局 值班民警（演示）`, 'agency_staff', d.agencies.policeSubBureau),
    user(`police.${d.street.code}`, `${d.street.zh}派出所 民警（演示）`, 'agency_staff', d.street.police, street),
    user(
      `supervisor.police.${d.street.code}`,
      `${d.street.zh}派出所 所长（演示）`,
      'agency_supervisor',
      d.street.police,
      street,
    ),
    user(
      `street.${d.street.code}`,
      `${d.street.zh}街道 儿童保护协调员（演示）`,
      'street_coordinator',
      d.street.office,
      street,
    ),
    user('civil-affairs', `${d.nameZh}民政局 儿童保护协调员（演示）`, 'district_coordinator', d.agencies.civilAffairs),
    user('court', `${d.nameZh}人民法院 法官（演示）`, 'court_staff', d.agencies.court),
    user(
      'procuratorate',
      `${d.nameZh}人民检察院 检察官（演示）`,
      'procuratorate_staff',
      districtAgencyCode(d.prefix, 'procuratorate'),
    ),
    user(
      'womens-federation',
      `${d.nameZh}妇联 工作人员（演示）`,
      'agency_staff',
      districtAgencyCode(d.prefix, 'womens-federation'),
    ),
    // FT 三(三)4: the protection committee's office reviews the social-work grading (pack 1.3.0, Fengtai).
    user(
      'womens-children-office',
      `${d.nameZh}妇儿工委办公室 工作人员（演示）`,
      'agency_staff',
      districtAgencyCode(d.prefix, 'womens-children-office'),
    ),
    user('rescue', `${d.nameZh}救助管理站 工作人员（演示）`, 'agency_staff', districtAgencyCode(d.prefix, 'rescue')),
    // Every other agency that receives tasks in a demo case (the pack's task kinds): its duty desk has an account, so
    // the task reaches an inbox as well as the desk's mailbox.
    user('education', `${d.nameZh}教育局 工作人员（演示）`, 'agency_staff', districtAgencyCode(d.prefix, 'education')),
    user('health', `${d.nameZh}卫生健康部门 工作人员（演示）`, 'agency_staff', districtAgencyCode(d.prefix, 'health')),
    user('justice', `${d.nameZh}司法局 工作人员（演示）`, 'agency_staff', districtAgencyCode(d.prefix, 'justice')),
    user(
      'social-work',
      `${d.nameZh}儿童社会工作服务机构 社工（演示）`,
      'agency_staff',
      districtAgencyCode(d.prefix, 'social-work'),
    ),
    user(
      `committee.${d.street.code}-1`,
      `${d.street.zh}第一居委会 儿童主任（演示）`,
      'agency_staff',
      committeeAgencyCode(d.prefix, d.street.code, '1'),
      street,
    ),
    // 执行机关 (CN 三(四), FT 三(一)4(2)): they file detention notices for the children of people they hold.
    user(
      'prison',
      `${d.nameZh === '长宁区' ? '上海市' : '北京市'}演示监狱 民警（演示）`,
      'agency_staff',
      districtAgencyCode(d.prefix, 'prison'),
    ),
    user(
      'drug-rehab',
      `${d.nameZh === '长宁区' ? '上海市' : '北京市'}演示强制隔离戒毒所 民警（演示）`,
      'agency_staff',
      districtAgencyCode(d.prefix, 'drug-rehab'),
    ),
    user('admin', `${d.nameZh} 系统管理员（演示）`, 'administrator', d.agencies.civilAffairs),
  ];
}

const cn = DEMO_AGENCY_CODES.changning;
const ft = DEMO_AGENCY_CODES.fengtai;

export const DEMO_USERS: readonly DemoUser[] = [
  ...districtDemoUsers({
    prefix: 'cn',
    districtCode: '310105',
    domain: 'changning.demo.childsafe.local',
    nameZh: '长宁区',
    street: { code: 'huayang', zh: '华阳路', police: cn.policeHuayang, office: cn.streetHuayang },
    agencies: {
      civilAffairs: cn.civilAffairs,
      school: cn.school,
      hospital: cn.hospital,
      court: cn.court,
      policeSubBureau: cn.policeSubBureau,
    },
    committee: { code: cn.committeeHuayang1, streetCode: 'huayang', zh: '华阳路街道第一居民区' },
  }),
  ...districtDemoUsers({
    prefix: 'ft',
    districtCode: '110106',
    domain: 'fengtai.demo.childsafe.local',
    nameZh: '丰台区',
    street: { code: 'youanmen', zh: '右安门', police: ft.policeYouanmen, office: ft.streetYouanmen },
    agencies: {
      civilAffairs: ft.civilAffairs,
      school: ft.school,
      hospital: ft.hospital,
      court: ft.court,
      policeSubBureau: ft.policeSubBureau,
    },
    committee: { code: ft.committeeWangzuo1, streetCode: 'wangzuo', zh: '王佐镇第一村民委员会' },
  }),
];

/**
 * Creates the demo accounts that do not exist yet; accounts already there (even with a changed password) are left
 * alone, so running it at every start is safe.
 */
export async function seedDemoUsers(
  users: Pick<UserRepository, 'findByEmail' | 'create'>,
  options: { environment: 'development' | 'test' | 'production' },
): Promise<{ created: string[]; existing: string[] }> {
  if (options.environment === 'production') throw new Error('demo accounts are never created in production');
  const created: string[] = [];
  const existing: string[] = [];
  // Every demo account has the same published password: one scrypt hash (one salt) serves them all, instead of forty
  // deliberately slow hashes at every start and in every test file that seeds them.
  let demoHash: Promise<string> | undefined;
  for (const demo of DEMO_USERS) {
    if (await users.findByEmail(demo.email)) {
      existing.push(demo.email);
      continue;
    }
    try {
      await users.create({ ...demo, passwordHash: await (demoHash ??= hashPassword(DEMO_PASSWORD)) });
      created.push(demo.email);
    } catch (err) {
      // Another process seeding at the same moment created it first.
      if (!isDuplicateKeyError(err)) throw err;
      existing.push(demo.email);
    }
  }
  return { created, existing };
}
