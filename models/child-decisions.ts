/**
 * What the pack's rules decided about a child (categories, multiple difficulty, benefits, risk, left-behind), written
 * to the child's file by the case projection (issue #14 item 3), so the ledger, lists and indicators use them. A write
 * carries the case projection's version and changes nothing if the file holds a newer one; writes to one file are
 * serialised by the projection lock (FerretDB v1 does not apply a filter and its update atomically).
 */
import { Types } from 'mongoose';
import { ChildModel } from './child';
import type { RiskLevel } from './common';
import { withProjectionLock } from './projection-lock';
import type { ProjectionWrite } from './projection-repository';

export interface ChildDecisions {
  riskLevel: RiskLevel;
  /** Present once the joint assessment's facts were classified. */
  categories?: string[];
  benefits?: string[];
  multipleDifficulty?: boolean;
  leftBehind?: boolean;
}

export async function recordChildDecisions(
  childId: string,
  version: number,
  decisions: ChildDecisions,
): Promise<ProjectionWrite> {
  if (!Types.ObjectId.isValid(childId)) return 'stale';
  const _id = new Types.ObjectId(childId);
  const set: Record<string, unknown> = { riskLevel: decisions.riskLevel, decidedVersion: version };
  if (decisions.categories) set.categories = decisions.categories;
  if (decisions.benefits) set.benefits = decisions.benefits;
  if (decisions.multipleDifficulty !== undefined) set['flags.multipleDifficulty'] = decisions.multipleDifficulty;
  // Left-behind is only ever added: a report may have said so before the assessment did.
  if (decisions.leftBehind) set['flags.leftBehind'] = true;
  return withProjectionLock(`child:${childId}`, async () => {
    const result = await ChildModel.updateOne(
      { _id, $or: [{ decidedVersion: { $exists: false } }, { decidedVersion: { $lt: version } }] },
      { $set: set },
    ).exec();
    return result.matchedCount > 0 ? 'applied' : 'stale';
  });
}
