/**
 * Static analysis of the package Apex with PMD (bundled in @salesforce/code-analyzer-pmd-engine,
 * runs on the system Java 17), driven programmatically through @salesforce/code-analyzer-core.
 *
 * Rule selection: every PMD Apex rule tagged Security, Performance or ErrorProne
 * (selectors `pmd:Security:Apex`, `pmd:Performance:Apex`, `pmd:ErrorProne:Apex`; about 45 rules,
 * e.g. ApexCRUDViolation, ApexSharingViolations, ApexSOQLInjection, OperationWithLimitsInLoop,
 * AvoidDebugStatements, EmptyCatchBlock). No rule is disabled. Two methods carry
 * @SuppressWarnings('PMD.AvoidDebugStatements'), each with the reason next to it: the publish
 * failure paths log at ERROR on purpose. Best-practice/design/style rules are not gates here.
 *
 * PMD starts a JVM, so the analysis runs once for the whole file. A canary class with a known
 * violation (an empty catch block) is analysed in the same run, so a run that silently analysed
 * nothing cannot pass.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { CodeAnalyzer, CodeAnalyzerConfig, type RunResults } from '@salesforce/code-analyzer-core';
import * as pmdEngine from '@salesforce/code-analyzer-pmd-engine';
import { metaPath, ROOT, walk } from './support/force-app.js';

/** The rule selectors this suite enforces (documented in the header). */
const PMD_SELECTORS = ['pmd:Security:Apex', 'pmd:Performance:Apex', 'pmd:ErrorProne:Apex'];

let results: RunResults;
let ruleNames: string[] = [];
let targeted: string[] = [];

const CANARY = 'PmdCanary.cls';
const canaryDir = mkdtempSync(join(tmpdir(), 'pmd-canary-'));
writeFileSync(
  join(canaryDir, CANARY),
  'public with sharing class PmdCanary {\n    public static void run() {\n        try {\n            Integer i = 1 / 0;\n        } catch (Exception e) {\n        }\n    }\n}\n',
);

/** Violations as `Rule File.cls:line message`. */
const describeViolations = () =>
  results.getViolations().map((violation) => {
    const location = violation.getPrimaryLocation();
    return `${violation.getRule().getName()} ${basename(location.getFile() ?? '?')}:${location.getStartLine()} ${violation.getMessage()}`;
  });

beforeAll(async () => {
  const config = CodeAnalyzerConfig.fromObject({ engines: { cpd: { disable_engine: true } } }, ROOT);
  const analyzer = new CodeAnalyzer(config);
  await analyzer.addEnginePlugin(pmdEngine.createEnginePlugin());
  const targets = [metaPath('classes'), metaPath('triggers'), canaryDir];
  const workspace = await analyzer.createWorkspace(targets);
  targeted = (await workspace.getTargetedFiles()).map((f) => basename(f));
  const selection = await analyzer.selectRules(PMD_SELECTORS, { workspace });
  ruleNames = selection.getRulesFor('pmd').map((rule) => rule.getName());
  results = await analyzer.run(selection, { workspace });
}, 180_000);

describe('PMD (security, performance, error-prone) on force-app Apex', () => {
  it('selects the Apex rules of all three categories', () => {
    expect(ruleNames.length).toBeGreaterThan(30);
    expect(ruleNames).toEqual(expect.arrayContaining(['ApexCRUDViolation', 'ApexSharingViolations', 'ApexSOQLInjection', 'OperationWithLimitsInLoop', 'EmptyCatchBlock']));
  });

  it('analyses every class and trigger', () => {
    const files = walk(metaPath('classes')).concat(walk(metaPath('triggers'))).filter((f) => /\.(cls|trigger)$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    const engineResults = results.getEngineRunResults('pmd');
    expect(engineResults, 'pmd engine ran').toBeDefined();
    expect(targeted).toEqual(expect.arrayContaining(files.map((f) => basename(f))));
    // the canary's known violation proves the engine really reported on what it was given
    expect(describeViolations().some((v) => v.startsWith(`EmptyCatchBlock ${CANARY}:`))).toBe(true);
  });

  it('reports no violations', () => {
    const violations = describeViolations().filter((v) => !v.includes(` ${CANARY}:`));
    expect(violations, violations.join('\n')).toEqual([]);
  });
});
