// Makes sure the namespace knows our custom search attributes. The dev servers we start get them
// on the command line; for other servers they are added through the operator API when allowed
// (docker-compose registers them with temporalio/admin-tools instead).
import type { Connection } from '@temporalio/client';
// A CommonJS package: its namespace is only reachable through the default export under ESM.
import proto from '@temporalio/proto';
import { gradingSearchAttributes } from './search-attributes.ts';
import type { Logger } from '../lib/logger.ts';

export async function ensureSearchAttributes(connection: Connection, namespace: string, logger: Logger): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = gradingSearchAttributes.filter((key) => !(key.name in (customAttributes ?? {})));
  if (missing.length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((key) => [key.name, proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
      ),
    });
    logger.info({ added: missing.map((k) => k.name) }, 'registered custom search attributes');
  } catch (error) {
    throw new Error(
      `Temporal namespace "${namespace}" lacks the search attributes ${missing.map((k) => k.name).join(', ')} and they ` +
        `could not be added (${error instanceof Error ? error.message : error}). Register them as Keyword ` +
        '(see docs/operations.md) or set TEMPORAL_SEARCH_ATTRIBUTES=false.',
    );
  }
}
