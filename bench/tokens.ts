/**
 * Browser tokens for the benchmarks' sockets: one user per socket, signed as the dev org's
 * `ChatController.getBridgeConnection` signs them (HS256 with the bridge's `CHAT_TOKEN_SECRET`), with
 * the `rooms` claim it gives a user who is a member of no room (the org's public rooms: the default
 * room), so the bridge verifies each handshake and joins each socket to its room as it would a real tab's.
 */
import { DEFAULT_TOKEN_AUDIENCE } from '../bridge/events/contract.js';
import { signBridgeToken } from '../dev/org/data/bridge-token.js';
import { BENCH_TOKEN_SECRET, type BenchOrg } from './contenders.js';

/** How long the benchmarks' tokens stay valid, ms (longer than any run). */
const TOKEN_LIFETIME_MS = 30 * 60_000;

/**
 * `count` tokens of users `005…000`, `005…001`, … in the org, each hearing its default room.
 * @returns compact JWTs, in user order.
 */
export function benchTokens(count: number, { orgId, roomId }: Pick<BenchOrg, 'orgId' | 'roomId'>): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      signBridgeToken(
        { userId: `005${String(i).padStart(12, '0')}AAA`, name: `User ${i}`, orgId },
        { secret: BENCH_TOKEN_SECRET, audience: DEFAULT_TOKEN_AUDIENCE, lifetimeMs: TOKEN_LIFETIME_MS, rooms: [roomId] },
      ),
    ),
  );
}
