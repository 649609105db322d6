/** Building blocks of the API contract. */
import { z } from 'zod';

/** Chinese first, English alongside: every label the API shows. */
export const bilingual = z.object({ zh: z.string(), en: z.string() });
export type Bilingual = z.infer<typeof bilingual>;

/** A page of a list: `{ items, total }`. */
export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number() });
export interface ListOf<T> {
  items: T[];
  total?: number;
}
