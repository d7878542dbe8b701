import { HttpClient } from '../http/client';

export type EsCredentials = { kind: 'basic'; username: string; password: string } | { kind: 'apiKey'; apiKey: string };

/**
 * Elasticsearch REST access to one deployment, on undici. Not @elastic/elasticsearch: its 9.x
 * client sends `compatible-with=9` media types that 8.x clusters reject, and crosslink talks to
 * both; the handful of endpoints it needs are plain JSON (docs/activities.md).
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
