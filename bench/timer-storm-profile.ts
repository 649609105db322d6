/** Shared by the timer storm's driver and worker (bench/timer-storm.ts). */
import type { LedgerProfile } from '../activities/ledger';

/** The ledger children's facts (medium risk, Changning's Huayang street): every one is due on the same interval. */
export const STORM_LEDGER_PROFILE: LedgerProfile = {
  riskLevel: 'medium',
  leftBehind: false,
  categories: [],
  multipleDifficulty: false,
  districtCode: '310105',
  committeeAgencyId: 'cn.committee.huayang.1',
  streetOfficeId: 'cn.street.huayang',
};
