/** Elasticsearch index names (server MetadataCreateIndexService), for the API and the topology file. */

/** Characters no file name may hold, as the server lists them (Strings.INVALID_FILENAME_CHARS). */
const INVALID_FILENAME_CHARS = ['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ','];

/**
 * Why an index name is invalid (server MetadataCreateIndexService.validateIndexOrAliasName), or
 * undefined. `:` is refused since 7.0: it separates a remote alias from an index.
 */
export function invalidIndexName(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (INVALID_FILENAME_CHARS.some((ch) => name.includes(ch))) {
    return `must not contain the following characters [${INVALID_FILENAME_CHARS.join(', ')}]`;
  }
  if (name.includes('#')) return "must not contain '#'";
  if (name.includes(':')) return "must not contain ':'";
  if (/^[-_+]/.test(name)) return "must not start with '_', '-', or '+'";
  if (name !== name.toLowerCase()) return 'must be lowercase';
  if (name === '.' || name === '..') return "must not be '.' or '..'";
  if (Buffer.byteLength(name) > 255) return `index name is too long, (${Buffer.byteLength(name)} > 255)`;
  return undefined;
}

/** `*` wildcards only: Elasticsearch's simple match, as index patterns, alias patterns and key `names` use it. */
export function simpleMatch(pattern: string, name: string): boolean {
  const source = pattern
    .split('*')
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(name);
}
