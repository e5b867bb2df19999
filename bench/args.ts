/**
 * The command line the benches share: `[<sizes>] [--bridge <built server.js>] [--profile <dir>]`
 * (and `--store postgres|pglite` where a bench offers it), parsed with node:util's parseArgs. A bad
 * line prints the bench's usage and exits 2.
 */
import { parseArgs } from 'node:util';

/** The bridge's store in a bench: a PostgreSQL server the bench starts (as production runs), or the embedded PGlite. */
export type BenchStore = 'postgres' | 'pglite';
const STORES: readonly BenchStore[] = ['postgres', 'pglite'];

/** What a bench was asked for. */
export interface BenchArgs {
  /** The bridge build to run (default `dist/bridge/server.js`). */
  entry: string;
  /** Where to write `node --cpu-prof` profiles, or undefined for none. */
  profileDir: string | undefined;
  /** The one positional argument (socket counts), or undefined when absent. */
  sizes: string | undefined;
  /** `--store` (default `postgres`); only where the bench offers it (`withStore`), else always `postgres`. */
  store: BenchStore;
}

/**
 * Parses `process.argv`.
 * @param usage - printed on a bad command line.
 * @param sizesPattern - what the positional argument must match.
 * @param withStore - whether `--store postgres|pglite` is accepted.
 */
export function benchArgs(usage: string, sizesPattern: RegExp, { withStore = false }: { withStore?: boolean } = {}): BenchArgs {
  try {
    const { values, positionals } = parseArgs({
      args: process.argv.slice(2),
      options: {
        bridge: { type: 'string', default: 'dist/bridge/server.js' },
        profile: { type: 'string' },
        ...(withStore ? { store: { type: 'string', default: 'postgres' } } : {}),
      },
      allowPositionals: true,
    });
    const [sizes, ...rest] = positionals;
    const store = (values as { store?: string }).store ?? 'postgres';
    if (rest.length > 0 || (sizes !== undefined && !sizesPattern.test(sizes)) || !values.bridge || !STORES.includes(store as BenchStore)) throw new Error(usage);
    return { entry: values.bridge, profileDir: values.profile, sizes, store: store as BenchStore };
  } catch {
    console.error(usage);
    process.exit(2);
  }
}
