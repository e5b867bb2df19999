/**
 * Apex source checks that need no org: every class and trigger parses (apex-parser, errors counted
 * with a listener), triggers are one line that hands off to a handler, and every public member
 * carries ApexDoc (@description; @param per parameter; @return when it returns a value; @example
 * on public static methods of non-test classes).
 */
import { describe, expect, it } from 'vitest';
import { basename } from 'node:path';
import { TriggerUnitContext } from '@apexdevtools/apex-parser';
import { apexMembers, metaPath, parseApex, parseApexFile, walk } from './support/force-app.js';

const apexFiles = [...walk(metaPath('classes')), ...walk(metaPath('triggers'))].filter((f) => /\.(cls|trigger)$/.test(f));
const parsed = apexFiles.map(parseApexFile);

describe('Apex syntax', () => {
  it('finds the package Apex', () => {
    expect(apexFiles.length).toBeGreaterThanOrEqual(15);
    expect(apexFiles.some((f) => f.endsWith('.trigger'))).toBe(true);
  });

  it.each(parsed.map((p) => [basename(p.file), p] as const))('%s parses without syntax errors', (_name, parse) => {
    expect(parse.errors, `${parse.file}\n${parse.errors.join('\n')}`).toEqual([]);
  });

  it('the error listener really reports broken Apex (lexer and parser errors)', () => {
    expect(parseApex('public class Broken { void x() { Integer i = ; } }', 'class').errors.length).toBeGreaterThan(0);
    expect(parseApex("public class Broken { String s = 'unterminated; }", 'class').errors.length).toBeGreaterThan(0);
    expect(parseApex('trigger T on Account (after insert) { new H().run() }', 'trigger').errors.length).toBeGreaterThan(0);
  });
});

describe('triggers', () => {
  const triggers = parsed.filter((p) => p.file.endsWith('.trigger'));

  it.each(triggers.map((p) => [basename(p.file), p] as const))('%s is one line that runs its handler', (_name, parse) => {
    const unit = parse.tree as TriggerUnitContext;
    const members = unit.triggerBlock().triggerBlockMember_list();
    expect(members, 'exactly one statement in the trigger body').toHaveLength(1);
    expect(members[0].getText()).toMatch(/^new\w+TriggerHandler\(\)\.run\(\);$/);
  });
});

describe('ApexDoc on public members', () => {
  const problems: string[] = [];
  let checked = 0;
  for (const parse of parsed.filter((p) => p.file.endsWith('.cls'))) {
    for (const member of apexMembers(parse)) {
      const isPublic = member.modifiers.includes('public') || member.modifiers.includes('global');
      if (!isPublic) {
        continue;
      }
      checked += 1;
      const where = `${basename(parse.file)}:${member.line} ${member.kind} ${member.name}`;
      const doc = member.doc ?? '';
      if (!/@description\b/.test(doc)) {
        problems.push(`${where}: no ApexDoc @description`);
        continue;
      }
      for (const param of member.params) {
        if (!new RegExp(`@param\\s+${param}\\b`).test(doc)) {
          problems.push(`${where}: no @param ${param}`);
        }
      }
      if (member.kind === 'method' && member.returnsValue && !/@return\b/.test(doc)) {
        problems.push(`${where}: no @return`);
      }
      const wantsExample = member.kind === 'method' && member.modifiers.includes('static') && !member.inTestClass;
      if (wantsExample && !/@example\b/.test(doc)) {
        problems.push(`${where}: no @example`);
      }
    }
  }

  it('every public member is documented', () => {
    expect(checked, 'public members found (guards against a vacuous check)').toBeGreaterThan(60);
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
