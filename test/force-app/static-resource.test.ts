/**
 * The `socketiojs` static resource must be exactly the socket.io browser client that package.json
 * pins (the bridge runs socket.io of the same release): byte-identical to
 * node_modules/socket.io-client/dist/socket.io.min.js, with the pinned version in its banner.
 * `node scripts/copy-socketio.mjs` fixes a mismatch.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metaPath, readXml, ROOT } from './support/force-app.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const pinned: string = pkg.dependencies['socket.io-client'];
const resource = readFileSync(metaPath('staticresources', 'socketiojs.resource'));
const dist = readFileSync(join(ROOT, 'node_modules', 'socket.io-client', 'dist', 'socket.io.min.js'));
const installed = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'socket.io-client', 'package.json'), 'utf8')).version;

describe('socketiojs static resource', () => {
  it('package.json pins an exact socket.io-client version, and that version is installed', () => {
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(installed).toBe(pinned);
  });

  it('is byte-identical to the pinned dist/socket.io.min.js', () => {
    expect(resource.length).toBe(dist.length);
    expect(resource.equals(dist), 'run: node scripts/copy-socketio.mjs').toBe(true);
  });

  it('announces the pinned version in its banner', () => {
    const banner = /Socket\.IO v(\d+\.\d+\.\d+)/.exec(resource.subarray(0, 200).toString('utf8'));
    expect(banner?.[1]).toBe(pinned);
  });

  it('is served as JavaScript and its description names the version', () => {
    const meta = readXml(metaPath('staticresources', 'socketiojs.resource-meta.xml')).StaticResource;
    expect(meta.contentType).toBe('application/javascript');
    expect(meta.cacheControl).toBe('Public');
    expect(meta.description).toContain(`socket.io-client ${pinned}`);
  });

  it('the copy script agrees (--check)', () => {
    const output = execFileSync(process.execPath, [join(ROOT, 'scripts', 'copy-socketio.mjs'), '--check'], { encoding: 'utf8' });
    expect(output).toContain(pinned);
  });
});
