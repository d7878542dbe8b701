import { type ProxyCaSetting } from '../../domain/environment-config';
import { HttpClient } from '../http/client';

/** Connection facts of one ECE environment (the coordinator API). */
export interface EceEnvironmentAccess {
  name: string;
  coordinatorUrl: string;
  region: string;
  apiKey: string;
  caCert?: string;
  /** Whether this environment's proxy CA is public or private (default `auto`). */
  proxyCa?: ProxyCaSetting;
}

/** The ECE API of one environment: an HttpClient on `<coordinator>/api/v1` plus what wrappers need. */
export class EceClient {
  readonly http: HttpClient;
  readonly environment: string;
  readonly region: string;
  readonly proxyCa: ProxyCaSetting;

  constructor(access: EceEnvironmentAccess) {
    this.environment = access.name;
    this.region = access.region;
    this.proxyCa = access.proxyCa ?? 'auto';
    this.http = new HttpClient(
      `${access.coordinatorUrl.replace(/\/+$/, '')}/api/v1`,
      `ApiKey ${access.apiKey}`,
      {
        label: `ECE ${access.name}`,
        credentialField: `environments.${access.name}.apiKey`,
        caField: `environments.${access.name}.caCert`,
      },
      access.caCert,
      [access.apiKey],
    );
  }

  /** Platform paths are region-scoped on ECE (`/regions/<region>/platform/...`), as the docs call them. */
  platformPath(rest: string): string {
    return `/regions/${encodeURIComponent(this.region)}/platform${rest}`;
  }
}
