/**
 * The setup scripts that cannot run here without an org still have to be right:
 * set-bridge-url.mjs rewrites every place the bridge URL appears (run on a temp copy), refuses bad
 * URLs without touching anything; the sf shell scripts are valid bash and point at files that exist;
 * the sample data plan loads only fields that exist.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DIR, metaPath, read, ROOT, walk } from './support/force-app.js';

const SET_BRIDGE_URL = join(ROOT, 'scripts', 'set-bridge-url.mjs');
const URL_FILES = [
  join('cspTrustedSites', 'Chat_Bridge_HTTPS.cspTrustedSite-meta.xml'),
  join('cspTrustedSites', 'Chat_Bridge_WSS.cspTrustedSite-meta.xml'),
  join('corsWhitelistOrigins', 'Chat_Bridge.corsWhitelistOrigin-meta.xml'),
  join('customMetadata', 'Chat_Bridge_Setting.Default.md-meta.xml'),
];
const temps: string[] = [];

/** A temp repo root holding a copy of the files the script edits. */
function tempRepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'sf-chat-bridge-url-'));
  temps.push(root);
  for (const file of URL_FILES) {
    cpSync(join(DEFAULT_DIR, file), join(root, 'force-app', 'main', 'default', file));
  }
  return root;
}

function runSetBridgeUrl(root: string, url: string) {
  return spawnSync(process.execPath, [SET_BRIDGE_URL, url, '--root', root], { encoding: 'utf8' });
}

afterEach(() => {
  for (const dir of temps.splice(0)) {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('scripts/set-bridge-url.mjs', () => {
  it('writes the URL into the CSP Trusted Sites (https, wss), the CORS entry and the settings record', () => {
    const root = tempRepo();
    const before = URL_FILES.map((f) => readFileSync(join(root, 'force-app', 'main', 'default', f), 'utf8'));
    const oldHost = /https:\/\/([^<]+)</.exec(before[0])![1];

    const result = runSetBridgeUrl(root, 'https://my-bridge.herokuapp.com/');

    expect(result.status, result.stderr).toBe(0);
    const after = URL_FILES.map((f) => readFileSync(join(root, 'force-app', 'main', 'default', f), 'utf8'));
    expect(after[0]).toContain('<endpointUrl>https://my-bridge.herokuapp.com</endpointUrl>');
    expect(after[1]).toContain('<endpointUrl>wss://my-bridge.herokuapp.com</endpointUrl>');
    expect(after[2]).toContain('<urlPattern>https://my-bridge.herokuapp.com</urlPattern>');
    expect(after[3]).toMatch(/<field>Bridge_URL__c<\/field>\s*<value xsi:type="xsd:string">https:\/\/my-bridge\.herokuapp\.com<\/value>/);
    for (const text of after) {
      expect(text).not.toContain(oldHost);
    }
  });

  it('keeps a port and can be run again', () => {
    const root = tempRepo();
    expect(runSetBridgeUrl(root, 'https://chat.example.org').status).toBe(0);
    expect(runSetBridgeUrl(root, 'https://chat.example.org:8443').status).toBe(0);
    const wss = readFileSync(join(root, 'force-app', 'main', 'default', URL_FILES[1]), 'utf8');
    expect(wss).toContain('<endpointUrl>wss://chat.example.org:8443</endpointUrl>');
  });

  it.each([
    ['http (not https)', 'http://my-bridge.herokuapp.com'],
    ['a path', 'https://my-bridge.herokuapp.com/socket.io'],
    ['a query', 'https://my-bridge.herokuapp.com?x=1'],
    ['no URL at all', 'my-bridge'],
  ])('refuses %s and changes nothing', (_why, url) => {
    const root = tempRepo();
    const before = URL_FILES.map((f) => readFileSync(join(root, 'force-app', 'main', 'default', f), 'utf8'));

    const result = runSetBridgeUrl(root, url);

    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('set-bridge-url:');
    expect(URL_FILES.map((f) => readFileSync(join(root, 'force-app', 'main', 'default', f), 'utf8'))).toEqual(before);
  });
});

describe('scripts/sf/*.sh', () => {
  const scripts = walk(join(ROOT, 'scripts', 'sf')).filter((f) => f.endsWith('.sh'));

  it('has a script for each step', () => {
    const names = scripts.map((f) => f.split('/').pop());
    expect(names).toEqual(
      expect.arrayContaining(['create-scratch-org.sh', 'deploy.sh', 'assign-permsets.sh', 'run-apex-tests.sh', 'import-sample-data.sh', 'setup-scratch-org.sh']),
    );
  });

  it.each(scripts.map((f) => [f.split('/').pop(), f]))('%s is valid bash in strict mode', (_name, file) => {
    const check = spawnSync('bash', ['-n', file!], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    const text = read(file!);
    expect(text.startsWith('#!/usr/bin/env bash')).toBe(true);
    expect(text.includes('set -euo pipefail') || text.includes('_common.sh')).toBe(true);
  });

  it('every file the scripts name exists', () => {
    const referenced = new Set<string>();
    for (const file of scripts) {
      for (const match of read(file).matchAll(/\b((?:config|data|docs|force-app|scripts)\/[\w./-]+\.\w+|force-app)\b/g)) {
        referenced.add(match[1]);
      }
    }
    expect(referenced.size).toBeGreaterThan(2);
    expect([...referenced].filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });

  it('assigns the permission sets that exist', () => {
    const names = [...read(join(ROOT, 'scripts', 'sf', 'assign-permsets.sh')).matchAll(/--name\s+(\w+)/g)].map((m) => m[1]);
    expect(names).toEqual(['Chat_User', 'Chat_Bridge_Integration']);
    for (const name of names) {
      expect(existsSync(metaPath('permissionsets', `${name}.permissionset-meta.xml`)), name).toBe(true);
    }
  });
});

describe('sample data plan', () => {
  const plan = JSON.parse(read(join(ROOT, 'data', 'sample-data-plan.json'))) as { sobject: string; files: string[] }[];

  it('lists tree files that exist and load only fields force-app defines', () => {
    expect(plan.length).toBeGreaterThan(0);
    for (const step of plan) {
      expect(existsSync(metaPath('objects', step.sobject)), step.sobject).toBe(true);
      for (const file of step.files) {
        const tree = JSON.parse(read(join(ROOT, 'data', file))) as { records: Record<string, unknown>[] };
        expect(tree.records.length).toBeGreaterThan(0);
        for (const record of tree.records) {
          expect((record.attributes as { type: string }).type).toBe(step.sobject);
          for (const field of Object.keys(record).filter((k) => k !== 'attributes')) {
            expect(existsSync(metaPath('objects', step.sobject, 'fields', `${field}.field-meta.xml`)), `${file}: ${field}`).toBe(true);
          }
        }
      }
    }
  });
});
