/** The signed-in person's in-app inbox (/api/v1/notifications). */
import { z } from 'zod';
import { NOTIFICATION_KINDS } from './enums';

export const notificationInboxQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  unread: z.enum(['true', 'false']).default('false').describe('"true": only entries not yet read'),
});

export const notificationIdParams = z.strictObject({
  id: z.string().regex(/^[a-f0-9]{24}$/, 'must be a notification id'),
});

export const notificationView = z.object({
  id: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  subject: z.string(),
  link: z.string().nullable().describe('Where to act on it: the task, else the case'),
  taskId: z.string().optional(),
  caseId: z.string().optional(),
  childId: z.string().optional().describe("A ledger notice: the child's file, whose ledger page is where to act"),
  child: z
    .object({ name: z.string(), streetName: z.object({ zh: z.string(), en: z.string() }).nullable() })
    .optional()
    .describe("A ledger notice: the child and its ledger's street by name, while the reader's ledger holds the child"),
  agency: z
    .object({ name: z.object({ zh: z.string(), en: z.string() }) })
    .optional()
    .describe(
      'A notice that did not arrive (delivery_failed, missed_notice): the agency not told, by name, as when sent',
    ),
  dueAt: z.iso.datetime().optional(),
  level: z
    .number()
    .int()
    .min(1)
    .nullable()
    .describe("An escalation's level, counted from 1 as the task page counts its rungs; null for any other kind"),
  overdue: z
    .boolean()
    .describe(
      'The deadline it is about passed before the step was done (or has passed and the step is still not done); ' +
        'always true for an escalation, never for a reminder sent before its deadline',
    ),
  done: z.boolean().describe('The task step it is about is done (or the task closed): no countdown runs any more'),
  createdAt: z.iso.datetime(),
  read: z.boolean(),
  readAt: z.iso.datetime().nullable(),
});

export type Notification = z.infer<typeof notificationView>;
