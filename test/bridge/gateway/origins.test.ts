// The origin allow-list: exact origins, `*` host labels, scheme and port, the bridge's own origin.
import { describe, expect, it } from 'vitest';
import { createOriginMatcher } from '../../../bridge/gateway/origins.js';

const allowed = createOriginMatcher([
  'https://*.lightning.force.com',
  'https://acme.my.site.com',
  'http://localhost:3000',
]);

describe('createOriginMatcher', () => {
  it('judges the same origin again by its Host header, and keeps judging right past its memory', () => {
    const isAllowed = createOriginMatcher([]);
    expect(isAllowed('http://127.0.0.1:4000', '127.0.0.1:4000'), 'its own origin').toBe(true);
    expect(isAllowed('http://127.0.0.1:4000', '127.0.0.1:5000'), 'same origin, another bridge').toBe(false);
    for (let i = 0; i < 1_000; i++) expect(isAllowed(`https://x${i}.example.com`, 'bridge.example.com')).toBe(false);
    expect(isAllowed('http://127.0.0.1:4000', '127.0.0.1:4000'), 'after many distinct origins').toBe(true);
  });

  it('allows exact origins and wildcard hosts of one or more labels', () => {
    expect(allowed('https://acme.my.site.com')).toBe(true);
    expect(allowed('http://localhost:3000')).toBe(true);
    expect(allowed('https://acme.lightning.force.com'), 'one label').toBe(true);
    expect(allowed('https://acme--dev.sandbox.lightning.force.com'), 'two labels').toBe(true);
    expect(allowed('https://ACME.Lightning.Force.com'), 'host case does not matter').toBe(true);
    expect(allowed('https://acme.lightning.force.com:443'), 'explicit default port').toBe(true);
  });

  it('refuses other hosts, look-alikes, and a wildcard standing for nothing', () => {
    expect(allowed('https://evil.example.com')).toBe(false);
    expect(allowed('https://lightning.force.com'), '* needs at least one label').toBe(false);
    expect(allowed('https://acme.lightning.force.com.evil.com'), 'suffix attack').toBe(false);
    expect(allowed('https://evillightning.force.com'), 'label boundary').toBe(false);
    expect(allowed('https://other.my.site.com'), 'exact entry is exact').toBe(false);
  });

  it('requires the scheme and port to match exactly', () => {
    expect(allowed('http://acme.lightning.force.com'), 'http vs https').toBe(false);
    expect(allowed('https://acme.lightning.force.com:8443'), 'other port').toBe(false);
    expect(allowed('http://localhost:3001'), 'other port').toBe(false);
    expect(allowed('http://localhost'), 'default port vs 3000').toBe(false);
    expect(allowed('https://localhost:3000'), 'https vs http').toBe(false);
  });

  it('refuses "null", malformed and non-http origins', () => {
    expect(allowed('null')).toBe(false);
    expect(allowed('')).toBe(false);
    expect(allowed('not a url')).toBe(false);
    expect(allowed('file://acme.lightning.force.com')).toBe(false);
    expect(allowed('https://acme.my.site.com/path')).toBe(false);
    expect(allowed('https://user@acme.my.site.com')).toBe(false);
    expect(allowed('https://acme.my.site.com, https://evil.com'), 'two origins joined').toBe(false);
  });

  it('allows requests without an Origin header (not a browser)', () => {
    expect(allowed(undefined)).toBe(true);
  });

  it("allows the bridge's own origin (Origin host equals the Host header) even when not listed", () => {
    expect(allowed('https://bridge.herokuapp.com', 'bridge.herokuapp.com')).toBe(true);
    expect(allowed('http://127.0.0.1:5000', '127.0.0.1:5000')).toBe(true);
    expect(allowed('https://bridge.herokuapp.com', 'bridge.herokuapp.com:443'), 'default port in Host').toBe(true);
    expect(allowed('https://evil.com', 'bridge.herokuapp.com')).toBe(false);
    expect(allowed('http://127.0.0.1:5001', '127.0.0.1:5000'), 'other port').toBe(false);
    expect(createOriginMatcher([])('https://evil.com', undefined), 'no Host, empty list').toBe(false);
  });

  it('refuses malformed or over-broad patterns at creation, naming them', () => {
    expect(() => createOriginMatcher(['acme.my.site.com'])).toThrow(/"acme.my.site.com" must look like/);
    expect(() => createOriginMatcher(['https://*'])).toThrow(/too broad/);
    expect(() => createOriginMatcher(['*'])).toThrow(/must look like/);
    expect(() => createOriginMatcher(['https://*.com'])).toThrow(/too broad/);
    expect(() => createOriginMatcher(['https://acme-*.my.site.com'])).toThrow(/whole labels only/);
    expect(() => createOriginMatcher(['https://acme.my.site.com/path'])).toThrow(/must look like/);
    expect(() => createOriginMatcher(['http://localhost:99999'])).toThrow(/out of range/);
    expect(() => createOriginMatcher(['  ', 'https://acme.my.site.com/'])).not.toThrow();
  });
});
