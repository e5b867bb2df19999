/**
 * The setup scripts that cannot run here without an org still have to be right:
 * set-bridge-url.mjs rewrites every place the bridge URL appears (run on a temp copy), refuses bad
 * URLs without touching anything; the sf shell scripts are valid bash and point at files that exist;
 * the sample data plan loads only fields that exist; setup-scratch-org.sh runs every step from any
 * folder against a stub `sf` on PATH that records what it was asked to do.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DIR, metaPath, read, ROOT, walk } from './support/force-app.js';

const SET_BRIDGE_URL = join(ROOT, 'scripts', 'set-bridge-url.mjs');
const URL_FILES = [
  join('cspTrustedSites', 'Chat_Bridge_HTTPS.cspTrustedSite-meta.xml'),
  join('cspTrustedSites', 'Chat_Bridge_WSS.cspTrustedSite-meta.xml'),
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
  it('writes the URL into the CSP Trusted Sites (https, wss) and the settings record', () => {
    const root = tempRepo();
    const before = URL_FILES.map((f) => readFileSync(join(root, 'force-app', 'main', 'default', f), 'utf8'));
    const oldHost = /https:\/\/([^<]+)</.exec(before[0])![1];

    const result = runSetBridgeUrl(root, 'https://my-bridge.herokuapp.com/');

    expect(result.status, result.stderr).toBe(0);
    const after = URL_FILES.map((f) => readFileSync(join(root, 'force-app', 'main', 'default', f), 'utf8'));
    expect(after[0]).toContain('<endpointUrl>https://my-bridge.herokuapp.com</endpointUrl>');
    expect(after[1]).toContain('<endpointUrl>wss://my-bridge.herokuapp.com</endpointUrl>');
    expect(after[2]).toMatch(/<field>Bridge_URL__c<\/field>\s*<value xsi:type="xsd:string">https:\/\/my-bridge\.herokuapp\.com<\/value>/);
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

  /** A folder with an `sf` that appends `<cwd> | <args>` to calls.log and succeeds. */
  function stubSf(): { bin: string; calls: () => string[] } {
    const bin = mkdtempSync(join(tmpdir(), 'sf-chat-bridge-stub-sf-'));
    temps.push(bin);
    const log = join(bin, 'calls.log');
    writeFileSync(join(bin, 'sf'), `#!/usr/bin/env bash\necho "$PWD | $*" >> '${log}'\n`);
    chmodSync(join(bin, 'sf'), 0o755);
    return { bin, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []) };
  }

  const SETUP_STEPS = [
    'org create scratch --definition-file config/project-scratch-def.json --alias my-org --set-default --duration-days 3 --wait 20',
    'project deploy start --source-dir force-app --target-org my-org --wait 30',
    'org assign permset --name Chat_User --name Chat_Auditor --target-org my-org',
    'data import tree --plan data/sample-data-plan.json --target-org my-org',
    'apex run test --test-level RunLocalTests --code-coverage --result-format human --wait 30 --target-org my-org',
    'org open --target-org my-org',
  ];

  it.each([
    ['inside scripts/sf, as ./setup-scratch-org.sh', join(ROOT, 'scripts', 'sf'), './setup-scratch-org.sh'],
    ['inside scripts/sf, through bash', join(ROOT, 'scripts', 'sf'), 'setup-scratch-org.sh'],
    ['at the repository root', ROOT, 'scripts/sf/setup-scratch-org.sh'],
    ['in an unrelated folder, by absolute path', tmpdir(), join(ROOT, 'scripts', 'sf', 'setup-scratch-org.sh')],
  ])('setup-scratch-org.sh runs every step when started %s', (_where, cwd, script) => {
    const sf = stubSf();
    const env = { ...process.env, PATH: `${sf.bin}:${process.env.PATH}`, BRIDGE_USERNAME: '', SF_CHAT_ORG: '' };

    const result = spawnSync('bash', [script, 'my-org', '3'], { cwd, env, encoding: 'utf8' });

    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stderr).not.toContain('No such file or directory');
    // Every sf call runs at the repository root, where the relative paths it passes resolve.
    expect(sf.calls().map((line) => line.split(' | ')[0])).toEqual(SETUP_STEPS.map(() => ROOT));
    expect(sf.calls().map((line) => line.split(' | ')[1])).toEqual(SETUP_STEPS);
    expect(result.stdout).toContain(`==> Opening 'my-org' (create the certificate and the connected app next: README.md "Deploy to Salesforce")`);
  });

  it('setup-scratch-org.sh stops at the first failing step', () => {
    const sf = stubSf();
    writeFileSync(join(sf.bin, 'sf'), `#!/usr/bin/env bash\necho "$PWD | $*" >> '${join(sf.bin, 'calls.log')}'\n[[ "$1 $2" != "project deploy" ]]\n`);
    const env = { ...process.env, PATH: `${sf.bin}:${process.env.PATH}` };

    const result = spawnSync('bash', [join(ROOT, 'scripts', 'sf', 'setup-scratch-org.sh'), 'my-org', '3'], { cwd: tmpdir(), env, encoding: 'utf8' });

    expect(result.status).not.toBe(0);
    expect(sf.calls().map((line) => line.split(' | ')[1])).toEqual(SETUP_STEPS.slice(0, 2));
  });

  it('assigns the permission sets that exist', () => {
    const names = [...read(join(ROOT, 'scripts', 'sf', 'assign-permsets.sh')).matchAll(/--name\s+(\w+)/g)].map((m) => m[1]);
    expect(names).toEqual(['Chat_User', 'Chat_Auditor', 'Chat_Bridge_Integration']);
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
