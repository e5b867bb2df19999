import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from '../../../bridge/salesforce/backoff.js';

describe('backoffDelay', () => {
  it('doubles from the initial step, never below half a step, capped', () => {
    const low = () => 0;
    const high = () => 0.999999;
    expect(backoffDelay(0, DEFAULT_BACKOFF, low)).toBe(500);
    expect(backoffDelay(0, DEFAULT_BACKOFF, high)).toBe(1_000);
    expect(backoffDelay(3, DEFAULT_BACKOFF, low)).toBe(4_000);
    expect(backoffDelay(3, DEFAULT_BACKOFF, high)).toBe(8_000);
    expect(backoffDelay(40, DEFAULT_BACKOFF, high)).toBe(DEFAULT_BACKOFF.maxMs);
    expect(backoffDelay(40, DEFAULT_BACKOFF, low)).toBe(DEFAULT_BACKOFF.maxMs / 2);
  });

  it('spreads retries (jitter)', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(5, DEFAULT_BACKOFF)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
