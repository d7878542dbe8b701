/** What the harness records while a workflow runs, in virtual time (ms since the run started). */
export type TimelineEntry =
  | { at: number; kind: 'activity-scheduled'; seq: number; activity: string; summary?: string }
  | {
      at: number;
      kind: 'activity-attempt';
      seq: number;
      activity: string;
      attempt: number;
      outcome: 'completed' | 'failed' | 'cancelled' | 'timed-out';
      failureType?: string;
      message?: string;
    }
  | {
      at: number;
      kind: 'activity-resolved';
      seq: number;
      activity: string;
      status: 'completed' | 'failed' | 'cancelled';
    }
  | { at: number; kind: 'activity-cancel-requested'; seq: number; activity: string }
  | { at: number; kind: 'timer-started'; seq: number; ms: number; summary?: string }
  | { at: number; kind: 'timer-fired'; seq: number }
  | { at: number; kind: 'timer-cancelled'; seq: number }
  | {
      at: number;
      kind: 'update';
      name: string;
      id: string;
      outcome: 'completed' | 'rejected' | 'failed';
      message?: string;
    }
  | { at: number; kind: 'signal'; name: string }
  | { at: number; kind: 'cancel-requested' }
  | { at: number; kind: 'search-attributes'; values: Record<string, unknown> }
  | { at: number; kind: 'workflow-completed' }
  | { at: number; kind: 'workflow-failed'; failureType?: string; message?: string }
  | { at: number; kind: 'workflow-cancelled' }
  | { at: number; kind: 'signal-external'; workflowId: string; name: string; args: unknown[]; delivered: boolean }
  | { at: number; kind: 'workflow-continued-as-new'; args: unknown[] }
  | {
      at: number;
      kind: 'child-started';
      seq: number;
      workflowType: string;
      workflowId: string;
      /** `already-started`: a run of that id was open, so the start failed as the server fails it. */
      outcome: 'started' | 'already-started';
    }
  | {
      at: number;
      kind: 'child-resolved';
      seq: number;
      workflowId: string;
      status: 'completed' | 'failed' | 'cancelled';
    };

export type TimelineKind = TimelineEntry['kind'];
export type EntryOf<K extends TimelineKind> = Extract<TimelineEntry, { kind: K }>;
