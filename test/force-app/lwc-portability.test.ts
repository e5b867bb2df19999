/**
 * The websocketChat component must also compile with LWC OSS + lightning-base-components for the
 * local preview, where only a few platform modules are shimmed. This pins that promise: the LWC
 * imports only the allowed @salesforce/* and lightning/* modules, calls Apex imperatively, imports
 * only @AuraEnabled ChatController methods that exist, and uses only base components that the
 * lightning-base-components npm package ships.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { apexMembers, metaPath, parseApexFile, read, ROOT, walk } from './support/force-app.js';

/** Every platform module the local preview has to shim (keep in sync with docs). */
const SHIMMED = [
  /^@salesforce\/apex\/(ChatController|ChatRoomController|ChatAuditController)\.\w+$/,
  /^@salesforce\/user\/Id$/,
  /^@salesforce\/resourceUrl\/socketiojs$/,
  /^lightning\/platformResourceLoader$/,
];

const lwcDir = metaPath('lwc');
// walk() skips __tests__, so these are the component sources only
const sources = walk(lwcDir).filter((f) => f.endsWith('.js'));
const templates = walk(lwcDir).filter((f) => f.endsWith('.html'));

function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const pattern = /\bimport\s+(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/g;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    specifiers.push(match[1]);
  }
  return specifiers;
}

describe('LWC portability to LWC OSS (local preview)', () => {
  const allImports = sources.flatMap((file) => importsOf(read(file)).map((specifier) => ({ file: relative(ROOT, file), specifier })));

  it('finds the component sources', () => {
    expect(sources.map((f) => basename(f))).toEqual(expect.arrayContaining(['websocketChat.js', 'chatSocket.js', 'chatErrors.js']));
    expect(allImports.length).toBeGreaterThan(5);
  });

  it('imports only lwc, c/* bundles and the shimmed platform modules', () => {
    const bundles = readdirSync(lwcDir);
    const unexpected = allImports.filter(({ specifier }) => {
      if (specifier === 'lwc') return false;
      if (specifier.startsWith('c/')) return !bundles.includes(specifier.slice(2));
      return !SHIMMED.some((allowed) => allowed.test(specifier));
    });
    expect(unexpected).toEqual([]);
  });

  it('imports only @AuraEnabled static controller methods that exist', () => {
    const imported = allImports
      .map(({ specifier }) => /^@salesforce\/apex\/(\w+)\.(\w+)$/.exec(specifier))
      .filter((match): match is RegExpExecArray => match !== null);
    expect(new Set(imported.map((match) => match[1]))).toEqual(new Set(['ChatController', 'ChatRoomController', 'ChatAuditController']));
    const missing = imported.filter(([, className, method]) => {
      const members = apexMembers(parseApexFile(metaPath('classes', `${className}.cls`)));
      return !members.some((m) => m.name === method && m.kind === 'method' && m.modifiers.includes('@auraenabled') && m.modifiers.includes('static'));
    });
    expect(missing.map((match) => match[0])).toEqual([]);
  });

  it('calls Apex imperatively (no @wire, no cacheable Apex)', () => {
    for (const file of sources) {
      expect(read(file), relative(ROOT, file)).not.toMatch(/@wire\s*\(/);
    }
    for (const controller of ['ChatController.cls', 'ChatRoomController.cls', 'ChatAuditController.cls']) {
      expect(read(metaPath('classes', controller))).not.toMatch(/cacheable\s*=\s*true/i);
    }
  });

  it('loads only static resources that exist', () => {
    for (const { specifier } of allImports.filter((i) => i.specifier.startsWith('@salesforce/resourceUrl/'))) {
      const name = specifier.split('/').pop();
      expect(existsSync(metaPath('staticresources', `${name}.resource-meta.xml`)), specifier).toBe(true);
    }
  });

  it('uses only base components that lightning-base-components ships', () => {
    const available = new Set(readdirSync(join(ROOT, 'node_modules', 'lightning-base-components', 'src', 'lightning')));
    const used = new Set<string>();
    for (const template of templates) {
      for (const match of read(template).matchAll(/<lightning-([a-z0-9-]+)/g)) {
        used.add(match[1].replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase()));
      }
    }
    expect(used.size).toBeGreaterThan(3);
    expect([...used].filter((name) => !available.has(name))).toEqual([]);
  });
});
