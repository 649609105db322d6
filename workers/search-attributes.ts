/**
 * Registers ChildSafe's custom search attributes on the namespace if they are missing. The dev server gets them on
 * its command line; a production cluster gets them here, the first time a worker starts.
 */
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { CHILDSAFE_SEARCH_ATTRIBUTES } from '../common/search-attributes';
import type { Logger } from '../common/logger';

const INDEXED_VALUE_TYPE = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
} as const;

export async function ensureSearchAttributes(address: string, namespace: string, logger: Logger): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = Object.entries(CHILDSAFE_SEARCH_ATTRIBUTES).filter(
      ([name]) => !(name in (existing.customAttributes ?? {})),
    );
    if (missing.length === 0) return;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, INDEXED_VALUE_TYPE[type]])),
    });
    logger.info({ added: missing.map(([n]) => n) }, 'registered search attributes');
  } finally {
    await connection.close();
  }
}
