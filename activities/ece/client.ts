import { HttpClient } from '../http/client';

/** Connection facts of one ECE environment (the coordinator API). */
export interface EceEnvironmentAccess {
  name: string;
  coordinatorUrl: string;
  region: string;
  apiKey: string;
  caCert?: string;
}

/** The ECE API of one environment: an HttpClient on `<coordinator>/api/v1` plus what wrappers need. */
export class EceClient {
  readonly http: HttpClient;
  readonly environment: string;
  readonly region: string;

  constructor(access: EceEnvironmentAccess) {
    this.environment = access.name;
    this.region = access.region;
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
