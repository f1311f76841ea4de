import { startCommand } from '../test/support/start-command';

/**
 * Node sizes V8's heap from the memory the process may use (its cgroup limit, or the machine's).
 * On the benchmarks' 23.5 GiB machine the limit is 4,144 MB (a 4 GB old generation, 16 MB
 * semi-spaces), and V8 then lets the heap grow far past what is live before it collects (one
 * `--trace-gc` run of the bot: 140 MB of heap before a full collection that left 39). On the
 * default App Service plan (B1, 1.75 GB; `infra/azure.bicep`) it is 920 MB: Node 22 run in a
 * 1.75 GiB memory cgroup on that machine reported that limit, and two flags give the same one (an
 * 896 MB old generation, 8 MB semi-spaces). The bot is started with those flags (`npm start`, and
 * App Service's start command), so it sizes its heap as on B1 on every machine: these are the flags
 * of `npm start`, read from package.json. Memory figures are measured both ways, side by side: as
 * shipped, and with Node's own sizing for the benchmark's machine (the bot started without them).
 */
export const HEAP_AS_SHIPPED: readonly string[] = startCommand().nodeFlags;

/** How each heap sizing is named in the benchmarks' cases. */
export const HEAP_SIZINGS = [
  { label: "heap sized by Node for this machine (started without the flags)", nodeArgs: [] as readonly string[] },
  { label: 'heap as shipped (npm start: sized as on the B1 plan)', nodeArgs: HEAP_AS_SHIPPED },
] as const;

/**
 * Runs `measure` `runs` times with each heap sizing, side by side in alternating order (this
 * machine's first in even runs, B1's first in odd ones); resolves to the results by sizing, in
 * the order of {@link HEAP_SIZINGS}.
 */
export async function measureBySizing<T>(runs: number, measure: (nodeArgs: readonly string[]) => Promise<T>): Promise<T[][]> {
  const results = HEAP_SIZINGS.map((): T[] => []);
  for (let run = 0; run < runs; run++) {
    for (const which of run % 2 === 0 ? [0, 1] : [1, 0]) results[which]!.push(await measure(HEAP_SIZINGS[which]!.nodeArgs));
  }
  return results;
}
