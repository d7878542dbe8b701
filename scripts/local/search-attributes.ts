/** Registers crosslink's Keyword search attributes in a namespace, leaving existing ones alone. */
import { type Connection } from '@temporalio/client';
import { defineSearchAttributeKey } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { OPERATION_SEARCH_ATTRIBUTES, SEARCH_ATTRIBUTES } from '../../domain';

const NAMES = [...Object.values(SEARCH_ATTRIBUTES), ...Object.values(OPERATION_SEARCH_ATTRIBUTES)];

export const SEARCH_ATTRIBUTE_KEYS = NAMES.map((name) => defineSearchAttributeKey(name, 'KEYWORD'));

/** Returns the names it added (empty when all were there). */
export async function ensureSearchAttributes(
  connection: Pick<Connection, 'operatorService'>,
  namespace: string,
): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set([
    ...Object.keys(existing.customAttributes ?? {}),
    ...Object.keys(existing.systemAttributes ?? {}),
  ]);
  const missing = NAMES.filter((name) => !known.has(name));
  if (missing.length === 0) return [];
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((name) => [name, keyword])),
  });
  return missing;
}
