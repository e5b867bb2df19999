// The typing state machine with a hand-driven clock: multi-tab users, expiry, dedupe, rate, flood.
import { beforeEach, describe, expect, it } from 'vitest';
import { createTypingRelay, type Typist, type TypingRelay } from '../../../bridge/gateway/typing.js';

let t = 0;
let relay: TypingRelay;
const ann1: Typist = { socketId: 'a1', userKey: 'ann', userId: '005ANN', name: 'Ann' };
const ann2: Typist = { ...ann1, socketId: 'a2' };
const bob: Typist = { socketId: 'b1', userKey: 'bob', userId: '005BOB', name: 'Bob' };

beforeEach(() => {
  t = 1_000_000;
  relay = createTypingRelay({ expiryMs: 6_000, ratePerSecond: 5, floodDisconnectAfter: 3, now: () => t });
});

describe('typing relay', () => {
  it('relays the first start and the last stop of a user, named from the token', () => {
    expect(relay.message(ann1, true, null)).toEqual({ action: 'relay', userKey: 'ann', roomKey: null, notice: { userId: '005ANN', name: 'Ann', isTyping: true, roomId: null } });
    expect(relay.message(ann1, false, null)).toEqual({ action: 'relay', userKey: 'ann', roomKey: null, notice: { userId: '005ANN', name: 'Ann', isTyping: false, roomId: null } });
  });

  it('deduplicates repeated starts and stray stops without counting them against the rate', () => {
    relay.message(ann1, true, null);
    for (let i = 0; i < 50; i += 1) expect(relay.message(ann1, true, null)).toEqual({ action: 'none' });
    expect(relay.message(bob, false, null), 'stop without start').toEqual({ action: 'none' });
    expect(relay.message(ann1, false, null).action, 'still within budget').toBe('relay');
  });

  it('keeps a user typing while any of their tabs is', () => {
    relay.message(ann1, true, null);
    expect(relay.message(ann2, true, null), 'second tab').toEqual({ action: 'none' });
    expect(relay.message(ann1, false, null), 'first tab stops, second still typing').toEqual({ action: 'none' });
    expect(relay.message(ann2, false, null).action).toBe('relay');
  });

  it('expires a typer expiryMs after their last start, and reports when that is due', () => {
    relay.message(ann1, true, null);
    t += 4_000;
    relay.message(ann1, true, null); // refresh
    expect(relay.nextExpiryAt()).toBe(t + 6_000);
    t += 5_999;
    expect(relay.expire()).toEqual([]);
    t += 1;
    expect(relay.expire()).toEqual([{ userKey: 'ann', roomKey: null, notice: { userId: '005ANN', name: 'Ann', isTyping: false, roomId: null } }]);
    expect(relay.nextExpiryAt()).toBeUndefined();
  });

  it('stops a user when their last typing socket goes, not before', () => {
    relay.message(ann1, true, null);
    relay.message(ann2, true, null);
    expect(relay.socketGone('a1')).toEqual([]);
    expect(relay.socketGone('a2').map((n) => n.notice.isTyping)).toEqual([false]);
    expect(relay.socketGone('b1'), 'never typed').toEqual([]);
  });

  it('stops a user in every tab when their message is sent', () => {
    relay.message(ann1, true, null);
    relay.message(ann2, true, null);
    expect(relay.userSent('ann', null)?.notice).toEqual({ userId: '005ANN', name: 'Ann', isTyping: false, roomId: null });
    expect(relay.typers()).toEqual([]);
    expect(relay.message(ann1, true, null).action, 'can start again').toBe('relay');
  });

  it('lists current typers for a newly connected socket', () => {
    relay.message(ann1, true, null);
    relay.message(bob, true, null);
    expect(relay.typers().map((n) => n.notice.name).sort()).toEqual(['Ann', 'Bob']);
  });

  /** Sends `n` messages that would each change the socket's state (so each counts against the rate). */
  function toggles(typist: Typist, n: number): string[] {
    return Array.from({ length: n }, () => {
      const typing = relay.typers().some((x) => x.userKey === typist.userKey);
      return relay.message(typist, !typing, null).action;
    });
  }

  it('drops state changes beyond the rate in a 1-second window, and accepts again in the next', () => {
    expect(toggles(ann1, 8)).toEqual(['relay', 'relay', 'relay', 'relay', 'relay', 'drop', 'drop', 'drop']);
    expect(relay.message(ann1, true, null), 'a repeated start is deduplicated, not dropped').toEqual({ action: 'none' });
    t += 999;
    expect(toggles(ann1, 1), 'same window').toEqual(['drop']);
    t += 1;
    expect(toggles(ann1, 1), 'next window').toEqual(['relay']);
  });

  it('asks to disconnect a socket over the rate in N consecutive windows, not after a quiet second', () => {
    expect(toggles(bob, 7).slice(5)).toEqual(['drop', 'drop']);
    t += 1_000;
    expect(toggles(bob, 7).slice(5)).toEqual(['drop', 'drop']);
    t += 2_000; // a window with nothing in it breaks the streak
    expect(toggles(bob, 7).slice(5)).toEqual(['drop', 'drop']);
    t += 1_000;
    expect(toggles(bob, 7).slice(5)).toEqual(['drop', 'drop']);
    t += 1_000;
    expect(toggles(bob, 7).slice(5), 'third consecutive window over the rate').toEqual(['disconnect', 'disconnect']);
  });

  it('keeps budgets per socket: one flooding tab does not silence another user', () => {
    toggles(bob, 10);
    expect(toggles(ann1, 1)).toEqual(['relay']);
  });

  it('keeps typing per room: each room has its own start, stop, send and expiry, and a socket gone stops it in every room', () => {
    const A = 'a0B000000000001';
    const B = 'a0B000000000002';
    expect(relay.message(ann1, true, A)).toEqual({ action: 'relay', userKey: 'ann', roomKey: A, notice: { userId: '005ANN', name: 'Ann', isTyping: true, roomId: 'a0B000000000001EAA' } });
    expect(relay.message(ann1, true, B).action, 'the same socket starts in another room').toBe('relay');
    expect(relay.message(ann1, false, A), 'stops in A only').toMatchObject({ action: 'relay', roomKey: A, notice: { isTyping: false } });
    expect(relay.typers().map((n) => n.roomKey)).toEqual([B]);
    expect(relay.userSent('ann', A), 'a message in A ends nothing in B').toBeUndefined();
    relay.message(ann2, true, A);
    expect(relay.socketGone('a1').map((n) => n.roomKey), 'tab 1 goes: B stops, A still typed in tab 2').toEqual([B]);
    expect(relay.userSent('ann', A)?.roomKey).toBe(A);
    expect(relay.typers()).toEqual([]);
  });

  it('forgets everything on clear', () => {
    relay.message(ann1, true, null);
    relay.clear();
    expect(relay.typers()).toEqual([]);
    expect(relay.nextExpiryAt()).toBeUndefined();
  });
});
