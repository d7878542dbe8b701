/**
 * The secrets a run must never reveal, and a search for them in text. Each secret is searched as
 * it is and in the forms it takes on the wire (base64 `user:password`, JSON-escaped).
 */
import { type SimulatorHandle } from '../../../simulator/api';

export interface Secret {
  label: string;
  value: string;
}

/** ECE API keys, Elasticsearch passwords (and the pre-made API keys) of every environment. */
export function configuredSecrets(simulator: SimulatorHandle): Secret[] {
  const out: Secret[] = [];
  for (const [env, config] of Object.entries(simulator.config.environments)) {
    const apiKey = (config as { apiKey?: unknown }).apiKey;
    if (typeof apiKey === 'string') out.push({ label: `${env} ECE API key`, value: apiKey });
  }
  for (const [env, deployments] of Object.entries(simulator.secrets)) {
    for (const [id, s] of Object.entries(deployments)) {
      out.push({ label: `${env}/${id.slice(0, 4)} elastic password`, value: s.elasticPassword });
      out.push({
        label: `${env}/${id.slice(0, 4)} elastic basic auth`,
        value: Buffer.from(`elastic:${s.elasticPassword}`).toString('base64'),
      });
      for (const k of s.apiKeys) {
        out.push({ label: `${env}/${id.slice(0, 4)} API key ${k.name}`, value: k.encoded });
        out.push({ label: `${env}/${id.slice(0, 4)} API key ${k.name} (key part)`, value: apiKeyPart(k.encoded) });
      }
    }
  }
  return out;
}

export function sealingKeySecrets(key: Buffer): Secret[] {
  return [
    { label: 'sealing key (base64)', value: key.toString('base64') },
    { label: 'sealing key (hex)', value: key.toString('hex') },
  ];
}

/** A created cross-cluster key: `encoded` (base64 of id:api_key) and its `api_key` part. */
export function createdKeySecrets(encodedValues: readonly string[]): Secret[] {
  return encodedValues.flatMap((encoded, i) => [
    { label: `created cross-cluster key #${i + 1} (encoded)`, value: encoded },
    { label: `created cross-cluster key #${i + 1} (api_key)`, value: apiKeyPart(encoded) },
  ]);
}

export function apiKeyPart(encoded: string): string {
  const plain = Buffer.from(encoded, 'base64').toString('utf8');
  return plain.slice(plain.indexOf(':') + 1);
}

/** Labels of the secrets found in `text` (raw or JSON-escaped). */
export function findSecrets(text: string, secrets: readonly Secret[]): string[] {
  return secrets
    .filter((s) => s.value.length >= 8)
    .filter((s) => text.includes(s.value) || text.includes(JSON.stringify(s.value).slice(1, -1)))
    .map((s) => s.label);
}
