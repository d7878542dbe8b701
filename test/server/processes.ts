/**
 * What a process leaves behind: its descendant processes (POSIX `ps`) and the TCP ports it listens
 * on (Linux /proc; undefined elsewhere, where callers skip that check).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** PIDs of every live descendant of `root` (zombies excluded: they hold nothing; so is this `ps`). */
export function descendantPids(root = process.pid): number[] {
  const table = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,stat=,comm='], { encoding: 'utf8' });
  const children = new Map<number, number[]>();
  for (const line of table.split('\n')) {
    const [pid, ppid, stat, command] = line.trim().split(/\s+/);
    if (!pid || !ppid || stat?.startsWith('Z') || (command === 'ps' && Number(ppid) === root)) continue;
    const list = children.get(Number(ppid)) ?? [];
    list.push(Number(pid));
    children.set(Number(ppid), list);
  }
  const out: number[] = [];
  const visit = (pid: number): void => {
    for (const child of children.get(pid) ?? []) {
      if (child === root) continue;
      out.push(child);
      visit(child);
    }
  };
  visit(root);
  return out.sort((a, b) => a - b);
}

/** TCP ports this process listens on (Linux), from its socket fds and /proc/net/tcp{,6}. */
export function listeningPorts(): number[] | undefined {
  if (!existsSync('/proc/self/fd') || !existsSync('/proc/net/tcp')) return undefined;
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // The fd closed while we looked.
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [local, state, inode] = [cols[1], cols[3], cols[9]];
      if (state === '0A' && inode && inodes.has(inode) && local) ports.add(parseInt(local.split(':')[1] ?? '', 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

/** PIDs of the live processes in process group `pgid` (zombies excluded). */
export function processGroup(pgid: number): number[] {
  const table = execFileSync('ps', ['-A', '-o', 'pid=,pgid=,stat='], { encoding: 'utf8' });
  return table
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, group, stat]) => pid && Number(group) === pgid && !stat?.startsWith('Z'))
    .map(([pid]) => Number(pid))
    .sort((a, b) => a - b);
}
