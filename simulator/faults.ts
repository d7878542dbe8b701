/** Injected faults and the call log: how tests make the simulator misbehave and see what was called. */
import { type CallRecord, type FaultSpec, type RouteId } from './api';

interface ArmedFault {
  spec: FaultSpec;
  remaining: number;
}

export class FaultBook {
  private armed: ArmedFault[] = [];
  readonly calls: CallRecord[] = [];

  add(spec: FaultSpec): void {
    this.armed.push({ spec, remaining: spec.times ?? 1 });
  }

  clear(): void {
    this.armed = [];
  }

  /** The first armed fault matching this call; consumes one of its `times`. */
  take(route: RouteId, environment: string, deploymentId: string | undefined): FaultSpec | undefined {
    const hit = this.armed.find(
      ({ spec }) =>
        spec.route === route &&
        (spec.environment === undefined || spec.environment === environment) &&
        (spec.deploymentId === undefined || spec.deploymentId === deploymentId),
    );
    if (!hit) return undefined;
    hit.remaining -= 1;
    if (hit.remaining <= 0) this.armed = this.armed.filter((f) => f !== hit);
    return hit.spec;
  }

  record(call: CallRecord): void {
    this.calls.push(call);
  }

  resetCalls(): void {
    this.calls.length = 0;
  }
}
