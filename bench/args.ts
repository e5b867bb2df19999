/**
 * The command line the benches share: `[<sizes>] [--bridge <built server.js>] [--profile <dir>]`,
 * parsed with node:util's parseArgs. A bad line prints the bench's usage and exits 2.
 */
import { parseArgs } from 'node:util';

/** What a bench was asked for. */
export interface BenchArgs {
  /** The bridge build to run (default `dist/bridge/server.js`). */
  entry: string;
  /** Where to write `node --cpu-prof` profiles, or undefined for none. */
  profileDir: string | undefined;
  /** The one positional argument (socket counts), or undefined when absent. */
  sizes: string | undefined;
}

/**
 * Parses `process.argv`.
 * @param usage - printed on a bad command line.
 * @param sizesPattern - what the positional argument must match.
 */
export function benchArgs(usage: string, sizesPattern: RegExp): BenchArgs {
  try {
    const { values, positionals } = parseArgs({
      args: process.argv.slice(2),
      options: { bridge: { type: 'string', default: 'dist/bridge/server.js' }, profile: { type: 'string' } },
      allowPositionals: true,
    });
    const [sizes, ...rest] = positionals;
    if (rest.length > 0 || (sizes !== undefined && !sizesPattern.test(sizes)) || !values.bridge) throw new Error(usage);
    return { entry: values.bridge, profileDir: values.profile, sizes };
  } catch {
    console.error(usage);
    process.exit(2);
  }
}
