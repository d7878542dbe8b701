import { z } from 'zod';
import { type EsClient } from './client';

const RootInfo = z.looseObject({ version: z.looseObject({ number: z.string() }) });

/** One `GET /` per client: the version decides which parameters a request may carry. */
const versions = new WeakMap<EsClient, Promise<string>>();

export function serverVersion(es: EsClient, signal?: AbortSignal): Promise<string> {
  let version = versions.get(es);
  if (!version) {
    version = es.http
      .request({ method: 'GET', path: '/', schema: RootInfo, signal })
      .then((r) => r.body.version.number);
    version.catch(() => versions.delete(es));
    versions.set(es, version);
  }
  return version;
}

/** `major.minor` at least `min` ("8.18"). */
export function versionAtLeast(version: string, min: string): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  const [x = 0, y = 0] = min.split('.').map(Number);
  return a > x || (a === x && b >= y);
}
