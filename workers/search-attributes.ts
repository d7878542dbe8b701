/** The worker's start check: the namespace must know crosslink's search attributes. */
import {
  type SearchAttributeOperator,
  SearchAttributesMissingError,
  missingSearchAttributes,
} from '../client/search-attributes';

/** Throws SearchAttributesMissingError naming the missing keys: without them every run would fail. */
export async function requireSearchAttributes(operator: SearchAttributeOperator, namespace: string): Promise<void> {
  const missing = await missingSearchAttributes(operator, namespace).catch((err: Error) => {
    throw new Error(`cannot list the search attributes of namespace ${namespace} to check crosslink's: ${err.message}`);
  });
  if (missing.length > 0) {
    throw new SearchAttributesMissingError(
      namespace,
      `${missing.join(', ')} missing or not Keyword; the worker does not start without them`,
      missing,
    );
  }
}
