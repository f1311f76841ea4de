/**
 * Node sizes V8's heap from the memory the process may use (its cgroup limit, or the machine's).
 * On the benchmarks' 23.5 GiB machine the limit is 4,144 MB (a 4 GB old generation, 16 MB
 * semi-spaces), and V8 then lets the heap grow to up to four times what is live before it
 * collects. On the default App Service plan (B1, 1.75 GB; `infra/azure.bicep`) it is 920 MB:
 * Node 22 run in a 1.75 GiB memory cgroup on that machine reported that limit, and these two flags
 * give the same one (an 896 MB old generation, 8 MB semi-spaces). Memory figures are measured both
 * ways, side by side: as the benchmark's machine sizes the heap, and as the plan the bot is
 * deployed on does.
 */
export const HEAP_AS_ON_B1: readonly string[] = ['--max-old-space-size=896', '--max-semi-space-size=8'];

/** How each heap sizing is named in the benchmarks' cases. */
export const HEAP_SIZINGS = [
  { label: "heap sized for this machine (Node's default here)", nodeArgs: [] as readonly string[] },
  { label: 'heap sized as on the B1 plan (1.75 GB)', nodeArgs: HEAP_AS_ON_B1 },
] as const;
