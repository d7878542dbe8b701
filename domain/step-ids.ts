import { z } from 'zod';

/**
 * The steps' ids (docs/workflow.md "Steps"), in the documented order. They are stable: they
 * name progress rows, approval gates and the rows of the step catalog (domain/step-catalog.ts).
 */
export const STEP_IDS = [
  'preflight',
  'platform-trust',
  'deployment-trust',
  'api-key',
  'proxy-ca',
  'keystore',
  'register-remote',
  'restart',
  'verify',
  'roles',
] as const;
export const StepId = z.enum(STEP_IDS);
export type StepId = z.infer<typeof StepId>;

export const SecurityModel = z.enum(['api_key', 'certificate']);
export type SecurityModel = z.infer<typeof SecurityModel>;
