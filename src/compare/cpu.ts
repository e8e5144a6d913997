import { readdir, readFile } from 'node:fs/promises';

/** Reads a server process's CPU time so far (user + system, every thread), in microseconds. */
export interface CpuProbe {
  /** How the figure is read, for the report. */
  readonly source: 'proc-schedstat' | 'proc-stat' | 'endpoint';
  read(): Promise<number>;
}

/**
 * For a gateway this tool started: /proc/<pid>/task/<tid>/schedstat's first
 * field is the nanoseconds each thread has run (proc(5)), so the sum covers
 * the event loop, libuv's pool (scrypt runs there) and GC helpers at
 * nanosecond resolution. Without schedstat, /proc/<pid>/stat's utime + stime
 * (fields 14–15, clock ticks of 10 ms) — too coarse for short runs, hence
 * only the fallback.
 */
export async function procProbe(pid: number): Promise<CpuProbe> {
  try {
    await readFile(`/proc/${pid}/schedstat`, 'utf8');
    return {
      source: 'proc-schedstat',
      async read() {
        const tasks = await readdir(`/proc/${pid}/task`);
        let ns = 0;
        for (const tid of tasks) {
          try {
            ns += Number((await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8')).split(' ')[0]);
          } catch {
            // A thread that ended between readdir and read: its time is gone with it (rare; GC helpers live as long as the process).
          }
        }
        return ns / 1000;
      },
    };
  } catch {
    return {
      source: 'proc-stat',
      async read() {
        const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
        // The command name (field 2) may hold spaces; fields are counted after its closing parenthesis.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ticks = Number(fields[11]) + Number(fields[12]);
        return (ticks / 100) * 1e6;
      },
    };
  }
}

/** The admin-only `GET /compare/api/cpu` of a gateway elsewhere (`--url`): its `process.cpuUsage()`. */
export function endpointProbe(baseUrl: string, token: string): CpuProbe {
  return {
    source: 'endpoint',
    async read() {
      const res = await fetch(`${baseUrl.replace(/\/$/, '')}/compare/api/cpu`, { headers: { Authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`GET /compare/api/cpu answered ${res.status}: the server CPU needs an admin token`);
      const body = (await res.json()) as { totalMicros: number };
      return body.totalMicros;
    },
  };
}

/**
 * CPU spent between two reads, minus what reading costs the server: an
 * endpoint read is itself a request, so its cost is measured once with
 * nothing in between and subtracted from every window.
 */
export class CpuMeter {
  private overhead = 0;

  constructor(readonly probe: CpuProbe) {}

  async calibrate(): Promise<void> {
    if (this.probe.source !== 'endpoint') return;
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      const a = await this.probe.read();
      const b = await this.probe.read();
      samples.push(b - a);
    }
    samples.sort((x, y) => x - y);
    this.overhead = samples[2]!;
  }

  async start(): Promise<() => Promise<number>> {
    const before = await this.probe.read();
    return async () => Math.max(0, (await this.probe.read()) - before - this.overhead);
  }
}
