/**
 * Reading the configuration's secret and CA references (`{env}`, `{file}`, inline), with errors
 * that name the field, e.g. `environments.ece-a.apiKey: environment variable ECE_A_KEY is not set`.
 * One reader for the environments and the notification sink.
 */
import { readFileSync } from 'node:fs';
import { type CaBundleRef, type SecretRef } from '../domain/environment-config';

export interface ReferenceOptions {
  env?: NodeJS.ProcessEnv;
  readFile?: (path: string) => string;
}

export interface ReferenceReader {
  secret(ref: SecretRef, field: string): string;
  caBundle(ref: CaBundleRef, field: string): string;
}

export function referenceReader(opts: ReferenceOptions = {}): ReferenceReader {
  const env = opts.env ?? process.env;
  const read = opts.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const readText = (path: string, field: string): string => {
    try {
      return read(path);
    } catch (err) {
      throw new Error(`${field}: cannot read file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  };
  return {
    secret(ref, field) {
      if (typeof ref === 'string') return ref;
      if ('value' in ref) return ref.value;
      if ('env' in ref) {
        const v = env[ref.env];
        if (v === undefined || v === '') throw new Error(`${field}: environment variable ${ref.env} is not set`);
        return v;
      }
      return readText(ref.file, field).replace(/\r?\n$/, '');
    },
    caBundle(ref, field) {
      if (typeof ref === 'string') return ref;
      if ('pem' in ref) return ref.pem;
      const pem = readText(ref.file, field);
      if (!pem.includes('-----BEGIN CERTIFICATE-----'))
        throw new Error(`${field}: file ${ref.file} holds no PEM certificate`);
      return pem;
    },
  };
}
