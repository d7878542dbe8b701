import { HttpClient } from '../http/client';

export type EsCredentials = { kind: 'basic'; username: string; password: string } | { kind: 'apiKey'; apiKey: string };

/**
 * Elasticsearch REST access to one deployment, on undici. Not @elastic/elasticsearch: measured and
 * decided in the README's dependency list; each request is held to the per-version spec by the
 * version matrix (test/matrix).
 */
export class EsClient {
  readonly http: HttpClient;
  readonly url: string;

  constructor(
    readonly environment: string,
    readonly deploymentId: string,
    url: string,
    readonly credentials: EsCredentials,
    credentialField: string,
    caField: string,
    ca?: string,
  ) {
    this.url = url;
    const authorization =
      credentials.kind === 'basic'
        ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
        : `ApiKey ${credentials.apiKey}`;
    this.http = new HttpClient(
      url,
      authorization,
      { label: `Elasticsearch ${environment}/${deploymentId}`, credentialField, caField },
      ca,
      credentials.kind === 'basic' ? [credentials.password] : [credentials.apiKey],
    );
  }
}
