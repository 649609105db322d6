/** The demo accounts `npm start` prints, one line each: role, e-mail, agency. */
import { DEMO_PASSWORD, DEMO_USERS } from '../api/auth/demo-users';

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

export const DEMO_ACCOUNTS_BANNER = [
  `演示账号 Demo accounts (密码 password: ${DEMO_PASSWORD})`,
  ...DEMO_USERS.map((u) => `  ${(ROLE_LABELS[u.role] ?? u.role).padEnd(34)} ${u.email.padEnd(52)} ${u.displayName}`),
].join('\n');
