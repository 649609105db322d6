/** The detention activities' child store over MongoDB: the same one-file-per-child rule as reports, audited. */
import { appendAudit } from '../../models/audit-repository';
import type { ChildRepository } from '../../models/child-repository';
import type { DetentionChildStore } from '../detention';
import { UNKNOWN_CHILD_NAME } from './report-store';

export function createMongoDetentionChildStore(deps: { children: ChildRepository }): DetentionChildStore {
  return {
    async recordChildren({ noticeId, children, place }) {
      const recorded: { childId: string; needsEntrustedCare: boolean }[] = [];
      for (const [i, reported] of children.entries()) {
        const districtCode = place?.districtCode ?? '';
        const { child, created } = await deps.children.findOrCreateChildFile({
          // Without an ID number the file is provisional, keyed by the notice and the child's place in it.
          ...(reported.idNumber ? { idNumber: reported.idNumber } : { provisionalKey: `${noticeId}:${i}` }),
          name: reported.name ?? UNKNOWN_CHILD_NAME,
          ...(reported.sex ? { sex: reported.sex } : {}),
          ...(reported.dateOfBirth ? { dateOfBirth: new Date(`${reported.dateOfBirth}T00:00:00Z`) } : {}),
          districtCode,
          ...(place
            ? {
                residence: {
                  districtCode,
                  streetCode: place.streetCode,
                  committeeCode: place.committeeCode,
                  address: place.address,
                },
              }
            : {}),
        });
        await appendAudit({
          key: `${noticeId}:child-file:${i}`,
          actor: { kind: 'workflow', id: `detention-${noticeId}` },
          action: created ? 'child_file.created_by_detention_notice' : 'child_file.detention_notice_added',
          childId: child._id,
          reason: 'CN 三(四): minor child of a detained adult',
        });
        recorded.push({ childId: String(child._id), needsEntrustedCare: reported.needsEntrustedCare });
      }
      return recorded;
    },
  };
}
