/**
 * crosslink's search attributes on a namespace, through the public OperatorService: which are
 * missing (the worker refuses to start without them) and registering them (the local run, tests).
 */
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_DEFINITIONS, SEARCH_ATTRIBUTE_NAMES } from '../domain';

/** The part of the OperatorService used here (a client `Connection` and a worker `NativeConnection` both have it). */
export interface SearchAttributeOperator {
  listSearchAttributes(
    request: temporal.api.operatorservice.v1.IListSearchAttributesRequest,
  ): Promise<temporal.api.operatorservice.v1.IListSearchAttributesResponse>;
  addSearchAttributes(
    request: temporal.api.operatorservice.v1.IAddSearchAttributesRequest,
  ): Promise<temporal.api.operatorservice.v1.IAddSearchAttributesResponse>;
}

const INDEXED = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
} as const;
/** The type name `temporal operator search-attribute create --type` takes. */
const CLI_TYPE = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList' } as const;

const typeOf = (name: string) => SEARCH_ATTRIBUTE_DEFINITIONS.find((d) => d.name === name)?.type ?? 'KEYWORD';

/** crosslink's search attributes the namespace lacks, or has with another type than crosslink's. */
export async function missingSearchAttributes(operator: SearchAttributeOperator, namespace: string): Promise<string[]> {
  const existing = await operator.listSearchAttributes({ namespace });
  const types: Record<string, temporal.api.enums.v1.IndexedValueType | null | undefined> = {
    ...existing.systemAttributes,
    ...existing.customAttributes,
  };
  return SEARCH_ATTRIBUTE_DEFINITIONS.filter((d) => types[d.name] !== INDEXED[d.type]).map((d) => d.name);
}

/** Registers the missing ones with their types, leaving others alone; returns the names it added. */
export async function ensureSearchAttributes(operator: SearchAttributeOperator, namespace: string): Promise<string[]> {
  const missing = await missingSearchAttributes(operator, namespace);
  if (missing.length === 0) return [];
  await operator.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((name) => [name, INDEXED[typeOf(name)]])),
  });
  return missing;
}

/** The commands that register them, for error messages. */
export function howToRegisterSearchAttributes(
  namespace: string,
  names: readonly string[] = SEARCH_ATTRIBUTE_NAMES,
): string {
  return names
    .map(
      (name) =>
        `temporal operator search-attribute create --namespace ${namespace} --name ${name} --type ${CLI_TYPE[typeOf(name)]}`,
    )
    .join('\n');
}

/** The namespace lacks crosslink's search attributes (the worker's start check, or the server refusing a start). */
export class SearchAttributesMissingError extends Error {
  constructor(
    readonly namespace: string,
    reason: string,
    readonly missing: readonly string[] = SEARCH_ATTRIBUTE_NAMES,
  ) {
    super(
      `namespace ${namespace} lacks crosslink's search attributes (${reason}). ` +
        `Register them once (docs/configuration.md):\n${howToRegisterSearchAttributes(namespace, missing)}`,
    );
    this.name = 'SearchAttributesMissingError';
  }
}
