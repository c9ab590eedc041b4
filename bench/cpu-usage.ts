/**
 * CPU time of the service's processes and of the whole machine over a measured window, read from
 * Linux's /proc (elsewhere: nothing, and the figures are reported as null). It tells what bounds an
 * order run: a machine near 100 % busy is bound by CPU (only less work per order helps); one well
 * below it by waiting between threads and processes (shorter hand-offs help).
 */
import { readFileSync } from 'node:fs';

/** `/proc/<pid>/stat`: user + system time of the whole process (every thread), in clock ticks. */
export function processTicks(stat: string): number {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** The first line of `/proc/stat`: [busy, total] clock ticks of all cores since boot. */
export function machineTicks(stat: string): [busy: number, total: number] {
  const values = stat.split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, v) => sum + v, 0);
  // idle and iowait are the only ticks of a core doing nothing.
  return [total - (values[3] ?? 0) - (values[4] ?? 0), total];
}

/** Clock ticks per second of /proc's figures (USER_HZ: 100 on every Linux this runs on). */
const USER_HZ = 100;

export interface CpuWindowResult {
  /** CPU seconds the service's processes spent in the window. */
  serviceCpuS: number;
  /** Of it, the main threads' (the JavaScript event loops; the rest is worker threads, GC and I/O helpers). */
  mainThreadsCpuS: number;
  /** Share of all cores busy with anything (the service, the load generator, other tenants). */
  machineBusyShare: number;
}

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/** Starts measuring the given processes; `stop()` gives the window's figures (null off Linux). */
export function startCpuWindow(pids: readonly number[]): { stop(): CpuWindowResult | null } {
  const ticksOf = (path: (pid: number) => string) => {
    let ticks = 0;
    for (const pid of pids) {
      const stat = read(path(pid));
      if (stat === null) return null;
      ticks += processTicks(stat);
    }
    return ticks;
  };
  // A process's main thread is the task whose id is the process id.
  const serviceNow = () => ticksOf((pid) => `/proc/${pid}/stat`);
  const mainThreadsNow = () => ticksOf((pid) => `/proc/${pid}/task/${pid}/stat`);
  const machineNow = () => {
    const stat = read('/proc/stat');
    return stat === null ? null : machineTicks(stat);
  };
  const service0 = serviceNow();
  const main0 = mainThreadsNow();
  const machine0 = machineNow();
  return {
    stop() {
      const service1 = serviceNow();
      const main1 = mainThreadsNow();
      const machine1 = machineNow();
      if (service0 === null || service1 === null || main0 === null || main1 === null || machine0 === null || machine1 === null) return null;
      const total = machine1[1] - machine0[1];
      return {
        serviceCpuS: (service1 - service0) / USER_HZ,
        mainThreadsCpuS: (main1 - main0) / USER_HZ,
        machineBusyShare: total > 0 ? (machine1[0] - machine0[0]) / total : NaN,
      };
    },
  };
}
