/** The demo accounts `npm start` prints, grouped by agency (its name in the directory): role, e-mail, person. */
import { DEMO_PASSWORD, DEMO_USERS, type DemoUser } from '../api/auth/demo-users';
import { DIRECTORY } from '../models/seed/directory';

const ROLE_LABELS: Record<string, string> = {
  mandated_reporter: '强制报告人 Mandated reporter',
  agency_staff: '部门工作人员 Agency staff',
  agency_supervisor: '部门主管 Agency supervisor',
  street_coordinator: '街道协调员 Street coordinator',
  district_coordinator: '区协调员 District coordinator',
  court_staff: '法院 Court staff',
  procuratorate_staff: '检察院 Procuratorate staff',
  administrator: '管理员 Administrator',
};

function byAgency(users: readonly DemoUser[]): Map<string, DemoUser[]> {
  const groups = new Map<string, DemoUser[]>();
  for (const u of users) groups.set(u.agencyCode, [...(groups.get(u.agencyCode) ?? []), u]);
  return groups;
}

export const DEMO_ACCOUNTS_BANNER = [
  `演示账号 Demo accounts, by agency (密码 password: ${DEMO_PASSWORD})`,
  ...[...byAgency(DEMO_USERS)].flatMap(([code, users]) => {
    const agency = DIRECTORY.find((a) => a.code === code);
    return [
      `  ${agency ? `${agency.name.zh} ${agency.name.en}` : code}`,
      ...users.map((u) => `    ${(ROLE_LABELS[u.role] ?? u.role).padEnd(34)} ${u.email.padEnd(52)} ${u.displayName}`),
    ];
  }),
].join('\n');
