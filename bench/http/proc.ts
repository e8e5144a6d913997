import { readFileSync } from 'node:fs';

/**
 * Linux /proc readings: a process's CPU time and peak RSS, and a core's
 * busy time, so the harness can charge each server only for its own work
 * and throw away windows in which something else ran on the server's core.
 * Clock ticks are USER_HZ, 100 per second on Linux (sysconf(_SC_CLK_TCK)).
 */
export const TICK_US = 10_000;

/** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
export function processTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; fields after it are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Process-busy and total ticks of one core (the cpuN line of /proc/stat). Busy is user + nice + system only:
 * irq and softirq on the server's core are mostly the loopback traffic the load itself makes (5–15 % of the core
 * at 10 connections), and steal is time the VM's host took; neither is another process competing for the core,
 * and counting them threw away nearly every window.
 */
export function coreTicks(core: number): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`cpu${core} `));
  if (!line) return { busy: 0, total: 0 };
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number) as number[];
  const busy = user! + nice! + system!;
  return { busy, total: busy + idle! + iowait! + irq! + softirq! + steal! };
}

/** Peak resident set size of a process, in MiB (VmHWM). */
export function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}
