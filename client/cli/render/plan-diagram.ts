/**
 * An operation's plan (domain/plans.ts) as a Mermaid flowchart, the way Step Functions draws a
 * state machine: each row a step (its step id and activities), parallel groups as boxes, approval
 * gates as hexagons before the step they guard (or before its follow-up), undo edges dashed to the
 * activity that undoes the step. With a run's step states (`crosslink status --format mermaid`),
 * each step is coloured by its state. docs/operations.md is this drawing of every plan.
 */
import {
  type Plan,
  type PlanEntry,
  type RowEntry,
  type RowId,
  type SecurityModel,
  type StepId,
  type StepStatus,
  rowOf,
  sidesOf,
} from '../../../domain';

export interface DiagramOptions {
  /** A run's step states: the steps are coloured by them. */
  states?: Partial<Record<StepId, StepStatus>>;
  /** The gates a run waits at (the policy's and the request's); default: the default policy's and the plan's. */
  gates?: readonly StepId[];
}

const STATE_CLASSES: Record<StepStatus, string> = {
  pending: 'pending',
  'awaiting-approval': 'waiting',
  running: 'running',
  succeeded: 'done',
  skipped: 'skipped',
  failed: 'failed',
  rejected: 'failed',
  compensating: 'undoing',
  compensated: 'undone',
  'compensation-failed': 'failed',
};

const CLASS_STYLES = [
  'classDef done fill:#d9f2d9,stroke:#2e7d32',
  'classDef running fill:#dbe9ff,stroke:#1565c0',
  'classDef waiting fill:#fff3cd,stroke:#b8860b',
  'classDef failed fill:#f8d7da,stroke:#b71c1c',
  'classDef undoing fill:#fde2c8,stroke:#e65100',
  'classDef undone fill:#eeeeee,stroke:#616161',
  'classDef skipped fill:#ffffff,stroke:#bdbdbd,stroke-dasharray:4 3,color:#9e9e9e',
  'classDef pending fill:#ffffff,stroke:#757575',
  'classDef gate fill:#fff8e1,stroke:#b8860b',
  'classDef undo fill:#fafafa,stroke:#9e9e9e,color:#616161',
];

/** Node ids Mermaid accepts (letters, digits, underscores). */
const nodeId = (prefix: string, id: string, index: number) => `${prefix}_${id.replace(/[^A-Za-z0-9]/g, '_')}_${index}`;
/** Text inside a node: quotes and angle brackets are Mermaid syntax. */
const text = (s: string) => s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');

interface Drawn {
  first: string;
  last: string[];
}

class Drawing {
  readonly lines: string[] = [];
  private counter = 0;
  private readonly classed: Array<[string, string]> = [];

  constructor(
    private readonly model: SecurityModel,
    private readonly options: DiagramOptions,
    private readonly gated: ReadonlySet<StepId>,
    private readonly always: ReadonlySet<StepId>,
  ) {}

  next(): number {
    return (this.counter += 1);
  }

  line(s: string): void {
    this.lines.push(`  ${s}`);
  }

  classify(node: string, cls: string): void {
    this.classed.push([node, cls]);
  }

  gate(step: StepId, inside = false): string {
    const id = nodeId('gate', step, this.next());
    const who = this.always.has(step) ? 'always' : 'policy';
    this.line(`${id}{{"approval: ${step}${inside ? ' (only if needed)' : ''} · ${who}"}}`);
    this.classify(id, 'gate');
    return id;
  }

  /** The step's node (and its undo's); returns its entry node and the nodes the flow goes on from. */
  row(entry: RowEntry<RowId, never>): Drawn {
    const row = rowOf(entry.row);
    const id = nodeId('step', entry.row, this.next());
    const sides = sidesOf(entry.row, this.model);
    const perSide = sides && sides.length > 1 ? ` ×${sides.length} (${sides.join(', ')})` : '';
    const flags = [entry.commit ? 'commit: no rollback after this' : '', entry.unlisted ? 'last check' : '']
      .filter(Boolean)
      .join('; ');
    this.line(
      `${id}["<b>${row.step}</b>${entry.row !== row.step ? ` (${entry.row})` : ''}<br/>${row.activity.name}${perSide}${flags ? `<br/><i>${text(flags)}</i>` : ''}"]`,
    );
    const state = this.options.states?.[row.step];
    if (state) this.classify(id, STATE_CLASSES[state]);
    let first = id;
    const last = [id];
    const placement = entry.gate ?? (row.followUp?.gateInside ? 'inside' : 'before');
    if (placement === 'before' && this.gated.has(row.step)) {
      const gate = this.gate(row.step);
      this.line(`${gate} --> ${id}`);
      first = gate;
    } else if (typeof placement === 'object' && this.gated.has(row.step)) {
      const gate = this.gate(row.step);
      this.line(`${gate} --> ${id}`);
      this.line(`${gate} -. "skipped when ${placement.coveredBy} ran" .-> ${id}`);
      first = gate;
    }
    if (row.followUp) {
      const follow = nodeId('follow', entry.row, this.next());
      this.line(`${follow}["${row.followUp.call.name}"]`);
      if (placement === 'inside' && this.gated.has(row.step)) {
        const gate = this.gate(row.step, true);
        this.line(`${id} -- "if needed" --> ${gate} --> ${follow}`);
      } else {
        this.line(`${id} -- "if needed" --> ${follow}`);
      }
      if (state) this.classify(follow, STATE_CLASSES[state]);
      // The follow-up is optional: the flow goes on from the step or from it.
      last.push(follow);
    }
    if (row.undo) {
      const undo = nodeId('undo', entry.row, this.next());
      this.line(`${undo}(["undo: ${row.undo.name}"])`);
      this.line(`${id} -. "on rollback" .-> ${undo}`);
      this.classify(undo, 'undo');
    }
    return { first, last };
  }

  entry(entry: PlanEntry<never>): Drawn {
    switch (entry.kind) {
      case 'row':
        return this.row(entry);
      case 'parallel': {
        const box = nodeId('parallel', 'group', this.next());
        const start = `${box}_start`;
        const end = `${box}_end`;
        this.line(`${start}(( ))`);
        this.line(`subgraph ${box} [in parallel, gates decided first]`);
        const parts = entry.rows.map((r) => this.row(r));
        this.line('end');
        this.line(`${end}(( ))`);
        for (const p of parts) {
          this.line(`${start} --> ${p.first}`);
          for (const from of p.last) this.line(`${from} --> ${end}`);
        }
        return { first: start, last: [end] };
      }
      case 'gate': {
        const gate = this.gate(entry.step);
        return { first: gate, last: [gate] };
      }
      case 'reclaim': {
        const id = nodeId('reclaim', 'undos', this.next());
        const undos = [...entry.rows]
          .reverse()
          .map((r) => rowOf(r).undo?.name)
          .filter(Boolean);
        this.line(`${id}[["undo, newest first, to the end:<br/>${undos.join('<br/>')}"]]`);
        const states = this.options.states;
        if (states) {
          const steps = entry.rows.map((r) => rowOf(r).step);
          const worst = steps.map((s) => states[s]).find((s) => s === 'compensation-failed' || s === 'compensating');
          const all = steps.every((s) => states[s] === 'compensated');
          if (worst || all) this.classify(id, STATE_CLASSES[worst ?? 'compensated']);
        }
        return { first: id, last: [id] };
      }
      case 'children': {
        const id = nodeId('children', 'runs', this.next());
        this.line(`${id}[/"${text(entry.summary)}"/]`);
        return { first: id, last: [id] };
      }
    }
  }

  finish(): string[] {
    const out = [...this.lines];
    for (const style of CLASS_STYLES) out.push(`  ${style}`);
    for (const [node, cls] of this.classed) out.push(`  class ${node} ${cls}`);
    return out;
  }
}

/** The plan as a Mermaid flowchart (the fenced block's body). */
export function planMermaid(plan: Plan<never>, options: DiagramOptions = {}): string {
  const model = plan.model ?? 'api_key';
  const always = new Set(plan.gates);
  const gated = new Set<StepId>([...(options.gates ?? rowEntriesGatedByDefault(plan)), ...plan.gates]);
  const drawing = new Drawing(model, options, gated, always);
  drawing.line('start([start])');
  let previous = ['start'];
  if (plan.facts === 'inspect') {
    drawing.line('inspect["<b>preflight</b> (inspect)<br/>inspectConnection"]');
    const state = options.states?.preflight;
    if (state) drawing.classify('inspect', STATE_CLASSES[state]);
    drawing.line(`start --> inspect`);
    previous = ['inspect'];
  }
  for (const entry of plan.entries) {
    const drawn = drawing.entry(entry);
    for (const from of previous) drawing.line(`${from} --> ${drawn.first}`);
    previous = drawn.last;
  }
  drawing.line('finish([end])');
  for (const from of previous) drawing.line(`${from} --> finish`);
  return ['flowchart TD', ...drawing.finish()].join('\n');
}

function rowEntriesGatedByDefault(plan: Plan<never>): StepId[] {
  return plan.entries
    .flatMap((e) => (e.kind === 'row' ? [e] : e.kind === 'parallel' ? e.rows : []))
    .map((e) => rowOf(e.row))
    .filter((r) => r.gatedByDefault)
    .map((r) => r.step);
}
