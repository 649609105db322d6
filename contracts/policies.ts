/** The district policy packs as the web app lists them (/api/v1/policies). */
import { z } from 'zod';
import { bilingual } from './common';

export const concernTypeView = z.object({ code: z.string(), label: bilingual, clause: z.string() });
export type ConcernType = z.infer<typeof concernTypeView>;

export const policySummary = z.object({
  id: z.string(),
  version: z.string(),
  district: z.object({ code: z.string(), name: bilingual }),
  concernTypes: z.array(concernTypeView),
  /** The pack's benefits (CN 三, FT 三(一)1), so a benefit application shows each benefit's name. */
  benefitTypes: z.array(concernTypeView).optional(),
  /** The pack's categories of children in difficulty and left-behind children (CN 一, FT 二), by their names. */
  categoryTypes: z.array(concernTypeView).optional(),
});
export type PolicySummary = z.infer<typeof policySummary>;

export const packParams = z.strictObject({ id: z.string().regex(/^[a-z0-9-]{1,60}$/, 'must be a policy pack id') });
export const packQuery = z.strictObject({
  version: z.string().min(1).max(40).optional().describe('A pinned version; the newest when absent'),
});
