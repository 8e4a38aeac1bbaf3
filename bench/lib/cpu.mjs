// Rates in operations per CPU-second of this process (user + system, all threads, so GC is
// charged), not per wall-clock second: the machine is shared, and a descheduled process
// would otherwise look slow. bench/c/kernel_bench.c measures the same way
// (CLOCK_PROCESS_CPUTIME_ID), so the ratios compare like with like.

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/**
 * Calls `fn` until it has used `ms` of CPU (after a warm-up of a quarter of that) and returns
 * `opsPerCall` × calls / CPU-seconds. `setup`, if given, runs before every call, untimed.
 */
export function cpuRate(fn, opsPerCall, ms, setup) {
  const run = (budgetS) => {
    let spent = 0;
    let calls = 0;
    while (spent < budgetS) {
      if (setup) setup();
      const t = cpuSeconds();
      fn();
      spent += cpuSeconds() - t;
      calls++;
    }
    return (calls * opsPerCall) / spent;
  };
  run(ms / 4000);
  return run(ms / 1000);
}
