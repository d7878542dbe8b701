/**
 * Where a worker process's memory goes, thread by thread: a small CommonJS probe that every thread of
 * the worker loads (`--require` in NODE_OPTIONS reaches the SDK's workflow thread too). Each thread
 * appends a sample every 500 ms (its V8 heap, external memory, the process's RSS) to one log; on
 * request it writes a heap snapshot of its own heap. The bench reads the log back.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The probe: plain CommonJS (the worker runs compiled JavaScript, without a TypeScript loader). */
const PROBE_SOURCE = `'use strict';
const { isMainThread, threadId } = require('node:worker_threads');
const v8 = require('node:v8');
const fs = require('node:fs');
const path = require('node:path');
const log = process.env.CROSSLINK_BENCH_MEMORY_LOG;
const snapshots = process.env.CROSSLINK_BENCH_HEAP_SNAPSHOTS;
const thread = isMainThread ? 'main' : 'thread-' + threadId;
let snapshotsTaken = 0;
function openSockets() {
  return process.getActiveResourcesInfo().filter((r) => r === 'TLSSocketWrap' || r === 'TLSWRAP' || r === 'TCPSocketWrap' || r === 'TCPWRAP').length;
}
function sample() {
  const m = process.memoryUsage();
  const h = v8.getHeapStatistics();
  fs.appendFileSync(log, JSON.stringify({
    t: Date.now(), pid: process.pid, thread, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal,
    external: m.external, arrayBuffers: m.arrayBuffers, malloced: h.malloced_memory,
    sockets: openSockets(), resources: process.getActiveResourcesInfo().length,
    spaces: Object.fromEntries(v8.getHeapSpaceStatistics().map((x) => [x.space_name, Math.round(x.space_size / 1048576)])),
  }) + '\\n');
  if (!snapshots) return;
  const request = path.join(snapshots, 'request');
  if (!fs.existsSync(request)) return;
  const wanted = Number(fs.readFileSync(request, 'utf8')) || 0;
  if (wanted <= snapshotsTaken) return;
  snapshotsTaken = wanted;
  v8.writeHeapSnapshot(path.join(snapshots, process.pid + '-' + thread + '-' + wanted + '.heapsnapshot'));
}
if (log) setInterval(sample, 500).unref();
`;

export interface MemorySample {
  t: number;
  pid: number;
  thread: string;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  malloced: number;
  sockets: number;
  resources: number;
}

/** Variables that make a worker process load the probe; none when `enabled` is false. */
export function memoryProbeEnvironment(dir: string, enabled: boolean, snapshotDir?: string): Record<string, string> {
  if (!enabled && !snapshotDir) return {};
  const probe = path.join(dir, 'memory-probe.cjs');
  if (!existsSync(probe)) writeFileSync(probe, PROBE_SOURCE);
  const log = path.join(dir, 'memory.jsonl');
  if (!existsSync(log)) appendFileSync(log, '');
  return {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${probe}`.trim(),
    CROSSLINK_BENCH_MEMORY_LOG: log,
    ...(snapshotDir ? { CROSSLINK_BENCH_HEAP_SNAPSHOTS: snapshotDir } : {}),
  };
}

/** Asks every probed thread for a heap snapshot (the n-th request of this directory). */
export function requestHeapSnapshots(snapshotDir: string, n: number): void {
  writeFileSync(path.join(snapshotDir, 'request'), String(n));
}

export function readMemoryLog(dir: string): MemorySample[] {
  const file = path.join(dir, 'memory.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as MemorySample);
}

/** One process at its highest sampled RSS: each thread's V8 heap there, and what is outside the heaps. */
export interface MemoryBreakdown {
  rssMb: number;
  /** Used / reserved V8 heap and external memory per thread (`main`, `thread-<id>`), MB. */
  heaps: Record<string, { usedMb: number; totalMb: number; externalMb: number }>;
  /** The main thread's open sockets (TCP and TLS) at that moment. */
  sockets: number;
  /** RSS minus every thread's reserved heap: Node and V8 outside the heaps, the SDK's Rust core, buffers. */
  outsideHeapsMb: number;
}

const MB = 2 ** 20;

/** For one process: the samples taken around its peak RSS (each thread's latest sample at that moment). */
export function breakdownAtPeak(samples: MemorySample[], pid: number): MemoryBreakdown | undefined {
  const own = samples.filter((s) => s.pid === pid).sort((a, b) => a.t - b.t);
  if (own.length === 0) return undefined;
  const peak = own.reduce((best, s) => (s.rss > best.rss ? s : best));
  const latest = new Map<string, MemorySample>();
  for (const s of own) if (s.t <= peak.t + 250) latest.set(s.thread, s);
  const heaps: MemoryBreakdown['heaps'] = {};
  let reserved = 0;
  for (const [thread, s] of latest) {
    heaps[thread] = { usedMb: s.heapUsed / MB, totalMb: s.heapTotal / MB, externalMb: s.external / MB };
    reserved += s.heapTotal;
  }
  return {
    rssMb: peak.rss / MB,
    heaps,
    sockets: latest.get('main')?.sockets ?? 0,
    outsideHeapsMb: (peak.rss - reserved) / MB,
  };
}

export function describeBreakdown(b: MemoryBreakdown): string {
  const threads = Object.entries(b.heaps)
    .sort(([a], [c]) => (a === 'main' ? -1 : c === 'main' ? 1 : a.localeCompare(c)))
    .map(
      ([t, h]) =>
        `${t} heap ${h.usedMb.toFixed(0)} used / ${h.totalMb.toFixed(0)} reserved (external ${h.externalMb.toFixed(0)})`,
    )
    .join(', ');
  return `RSS ${b.rssMb.toFixed(0)} MB at its peak sample: ${threads}; outside the heaps ${b.outsideHeapsMb.toFixed(0)} MB; ${b.sockets} sockets open`;
}
