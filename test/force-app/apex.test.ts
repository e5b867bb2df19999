/**
 * Apex source checks that need no org: every class and trigger parses (apex-parser, errors counted
 * with a listener), triggers are one line that hands off to a handler, every public member
 * carries ApexDoc (@description; @param per parameter; @return when it returns a value; @example
 * on public static methods of non-test classes), every trigger handler names itself by a constant,
 * and production Apex states the access mode of every query and DML statement (API 67.0 makes
 * user mode the default, so an unstated mode would change meaning with an API bump).
 */
import { describe, expect, it } from 'vitest';
import { basename } from 'node:path';
import { TriggerUnitContext } from '@apexdevtools/apex-parser';
import { apexMembers, apexStringConstants, apexTokens, metaPath, parseApex, parseApexFile, read, readXml, walk } from './support/force-app.js';

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

/** Code tokens of Apex source: no white space, no comments. */
function codeTokens(source: string): { text: string; line: number }[] {
  return apexTokens(source).filter((t) => t.text.trim() !== '' && !t.text.startsWith('//') && !t.text.startsWith('/*'));
}

const productionClasses = parsed.filter((p) => p.file.endsWith('.cls') && !/^@istest$/i.test(codeTokens(p.source).slice(0, 2).map((t) => t.text).join('')));
/** Code of a class as one string of tokens (comments and white space left out). */
const code = (parse: (typeof parsed)[number]) => codeTokens(parse.source).map((t) => t.text).join('');

describe('trigger handlers name themselves', () => {
  const handlers = parsed.filter((p) => /\bextends\s+ChatTriggerHandler\b/.test(p.source));

  it('finds the handlers', () => {
    expect(handlers.map((p) => basename(p.file)).sort()).toEqual(['ChatMessageTriggerHandler.cls', 'ChatRoomMemberTriggerHandler.cls', 'ChatUserTriggerHandler.cls']);
  });

  it.each(handlers.map((p) => [basename(p.file), p] as const))('%s has NAME = its class name and overrides handlerName()', (name, parse) => {
    expect(apexStringConstants(parse).get('NAME')).toBe(name.replace(/\.cls$/, ''));
    expect(parse.source).toMatch(/protected\s+override\s+String\s+handlerName\(\)\s*\{\s*return\s+NAME;\s*\}/);
  });

  it('no Apex derives a name with String.valueOf(this) (it serialises the handler and all its records)', () => {
    const offenders = parsed.filter((p) => /String\.valueOf\(this\)/.test(code(p)));
    expect(offenders.map((p) => basename(p.file))).toEqual([]);
  });
});

describe('access mode stated on every query and DML statement of production Apex', () => {
  const DML = new Set(['insert', 'update', 'upsert', 'delete', 'undelete', 'merge']);
  const DATABASE_METHODS = /^(query|insert|update|upsert|delete|undelete|merge|countQuery|getQueryLocator)$/i;

  /** Statements without an access mode, as `File.cls:line what`. */
  function unstated(parse: (typeof parsed)[number]): string[] {
    const tokens = codeTokens(parse.source);
    const problems: string[] = [];
    const where = (line: number) => `${basename(parse.file)}:${line}`;
    tokens.forEach((token, i) => {
      const before = tokens[i - 1]?.text;
      const statementStart = before === undefined || before === ';' || before === '{' || before === '}';
      if (DML.has(token.text.toLowerCase()) && statementStart && tokens[i + 1]?.text.toLowerCase() !== 'as') {
        problems.push(`${where(token.line)} ${token.text} without as user / as system`);
      }
      if (token.text === '[' && tokens[i + 1]?.text.toUpperCase() === 'SELECT') {
        const end = tokens.findIndex((t, j) => j > i && t.text === ']');
        const query = tokens.slice(i, end).map((t) => t.text.toUpperCase()).join(' ');
        if (!/WITH (USER_MODE|SYSTEM_MODE)/.test(query)) {
          problems.push(`${where(token.line)} SOQL without WITH USER_MODE / WITH SYSTEM_MODE`);
        }
      }
      if (token.text === 'Database' && tokens[i + 1]?.text === '.' && DATABASE_METHODS.test(tokens[i + 2]?.text ?? '')) {
        const end = tokens.findIndex((t, j) => j > i && t.text === ';');
        if (!tokens.slice(i, end).some((t) => t.text === 'AccessLevel')) {
          problems.push(`${where(token.line)} Database.${tokens[i + 2]!.text} without an AccessLevel`);
        }
      }
    });
    return problems;
  }

  it('finds production classes with queries and DML (guards against a vacuous check)', () => {
    const controller = productionClasses.find((p) => p.file.endsWith('ChatController.cls'))!;
    expect(productionClasses.length).toBeGreaterThanOrEqual(8);
    expect(controller.source).toMatch(/update as system/);
    expect(unstated(parseApex('public class X { void f() { update u; List<A> a = [SELECT Id FROM A]; Database.query(q); } }', 'class'))).toHaveLength(3);
  });

  it.each(productionClasses.map((p) => [basename(p.file), p] as const))('%s states the mode of every query and DML statement', (_name, parse) => {
    expect(unstated(parse)).toEqual([]);
  });

  it.each(productionClasses.filter((p) => /EventBus\.publish\(/.test(code(p))).map((p) => [basename(p.file), p] as const))(
    '%s calls EventBus.publish (system mode below API 67.0) at an API version where that still holds',
    (_name, parse) => {
      // EventBus.publish has no access-level argument; from API 67.0 it would run in user mode, and
      // chat users cannot create Chat_Event__e. Moving the class to 67.0+ means switching to
      // EventBus.publishWithAccessLevel(events, callback, AccessLevel.SYSTEM_MODE).
      const apiVersion = Number(readXml(`${parse.file}-meta.xml`).ApexClass.apiVersion);
      expect(apiVersion).toBeLessThan(67);
      expect(read(parse.file)).toMatch(/system mode/i);
    },
  );
});
