import { loadBenchConfig } from './config.js';

describe('the benchmark configuration', () => {
  it('runs everything at full size by default: 3 runs, 64 connections, 100k positions, 1M events', () => {
    const config = loadBenchConfig({}, []);
    expect(config.smoke).toBe(false);
    expect(config.runs).toBe(3);
    expect(config.connections).toBe(64);
    expect(config.positions).toBe(100_000);
    expect(config.orders).toBe(100_000);
    expect(config.events).toBe(1_000_000);
    expect([...config.only].sort()).toEqual(['ceiling', 'distributed', 'embedded', 'memory', 'replay', 'storage', 'ticks']);
  });

  it('is tiny with --smoke or BENCH_SCALE=smoke', () => {
    for (const config of [loadBenchConfig({}, ['--smoke']), loadBenchConfig({ BENCH_SCALE: 'smoke' }, [])]) {
      expect(config.smoke).toBe(true);
      expect(config.runs).toBe(1);
      expect(config.events).toBeLessThanOrEqual(20_000);
      expect(config.positions).toBeLessThanOrEqual(5_000);
    }
  });

  it('scales the data sizes with a numeric BENCH_SCALE and lets explicit sizes win', () => {
    const config = loadBenchConfig({ BENCH_SCALE: '0.1', BENCH_EVENTS: '5000', BENCH_DURATION_S: '2.5' }, []);
    expect(config.positions).toBe(10_000);
    expect(config.events).toBe(5_000);
    expect(config.durationS).toBe(2.5);
    expect(config.snapshotTail).toBeLessThanOrEqual(2_500); // never more than half the log
  });

  it('refuses sizes it cannot use rather than starting an endless or empty run', () => {
    expect(() => loadBenchConfig({ BENCH_POSITIONS: 'lots' }, [])).toThrow(/BENCH_POSITIONS/);
    expect(() => loadBenchConfig({ BENCH_RUNS: '0' }, [])).toThrow(/BENCH_RUNS/);
    expect(() => loadBenchConfig({ BENCH_EVENTS: '1.5' }, [])).toThrow(/whole number/);
    expect(() => loadBenchConfig({ BENCH_SCALE: '-1' }, [])).toThrow(/BENCH_SCALE/);
    expect(() => loadBenchConfig({ BENCH_ONLY: 'ticks,nope' }, [])).toThrow(/nope/);
  });

  it('runs only the benchmarks BENCH_ONLY names', () => {
    expect([...loadBenchConfig({ BENCH_ONLY: 'ticks, memory' }, []).only].sort()).toEqual(['memory', 'ticks']);
  });
});
