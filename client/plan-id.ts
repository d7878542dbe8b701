/**
 * A plan's id: the digest of its content, so a saved plan that was edited after it was made is
 * told from the plan itself, and the apply of a plan runs under one workflow id
 * (`crosslink-apply.<plan id>`: applying the same plan while it runs finds the running apply).
 */
import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import { type DesiredPlan, type DesiredPlanBody } from '../domain';

/** sha256 (base64url, first 22 characters: 132 bits) of the plan without its id, as canonical JSON. */
export function planId(body: DesiredPlanBody): string {
  return createHash('sha256')
    .update(stringify(body) ?? '')
    .digest('base64url')
    .slice(0, 22);
}

export function withPlanId(body: DesiredPlanBody): DesiredPlan {
  return { ...body, id: planId(body) };
}

/** Whether a plan's content is the one its id was made from. */
export function planIdMatches(plan: DesiredPlan): boolean {
  const { id, ...body } = plan;
  return planId(body) === id;
}
