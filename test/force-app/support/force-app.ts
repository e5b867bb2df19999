/**
 * Shared readers for the offline force-app checks (test/force-app/*.test.ts, test/contract.test.ts):
 * where things are, XML and Apex parsing, and the small pieces of Apex structure the checks need
 * (members with their ApexDoc, string constants, custom API names). Nothing here needs an org.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApexErrorListener,
  ApexLexer,
  ApexParserFactory,
  ClassBodyDeclarationContext,
  ClassDeclarationContext,
  CompilationUnitContext,
  FieldDeclarationContext,
  FormalParametersContext,
  InterfaceMethodDeclarationContext,
  ModifierContext,
  TriggerUnitContext,
  TypeDeclarationContext,
} from '@apexdevtools/apex-parser';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The SFDX package directory. */
export const FORCE_APP = join(ROOT, 'force-app');
/** force-app/main/default, where every metadata folder lives. */
export const DEFAULT_DIR = join(FORCE_APP, 'main', 'default');

/** Path inside force-app/main/default. */
export function metaPath(...parts: string[]): string {
  return join(DEFAULT_DIR, ...parts);
}

/**
 * Every file under a directory, recursively, as absolute paths (sorted).
 * @param dir Directory to walk; a missing directory yields [].
 * @param skip Folder names not to enter (default: __tests__ and node_modules).
 */
export function walk(dir: string, skip: string[] = ['__tests__', 'node_modules']): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries
    .flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) {
        return skip.includes(name) ? [] : walk(full, skip);
      }
      return [full];
    })
    .sort();
}

/** Reads a UTF-8 text file. */
export function read(file: string): string {
  return readFileSync(file, 'utf8');
}

/** `sourceApiVersion` from sfdx-project.json. */
export function sourceApiVersion(): string {
  return JSON.parse(read(join(ROOT, 'sfdx-project.json'))).sourceApiVersion as string;
}

/**
 * Checks that a string is well-formed XML.
 * @returns null when well-formed, otherwise "line N: message".
 */
export function xmlProblem(xml: string): string | null {
  const result = XMLValidator.validate(xml);
  return result === true ? null : `line ${result.err.line}: ${result.err.msg}`;
}

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: true,
  isArray: (name) =>
    [
      'fields',
      'values',
      'target',
      'targetConfig',
      'property',
      'objectPermissions',
      'fieldPermissions',
      'classAccesses',
      'userPermissions',
      'customPermissions',
      'applicationVisibilities',
      'tabSettings',
      'tabs',
      'types',
      'members',
    ].includes(name),
});

/**
 * Parses a metadata XML file into plain objects (tag values stay strings; repeatable elements are
 * always arrays). Throws with the file name when the XML is malformed.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readXml(file: string): any {
  const xml = read(file);
  const problem = xmlProblem(xml);
  if (problem) {
    throw new Error(`${file} is not well-formed XML (${problem})`);
  }
  return xmlParser.parse(xml);
}

/** Result of parsing one Apex file. */
export interface ApexParse {
  file: string;
  source: string;
  /** Syntax errors reported by the lexer or the parser ("line:col message"). */
  errors: string[];
  /** compilationUnit() for classes, triggerUnit() for triggers. */
  tree: CompilationUnitContext | TriggerUnitContext;
}

class CollectingErrorListener extends ApexErrorListener {
  readonly errors: string[] = [];
  apexSyntaxError(line: number, column: number, msg: string): void {
    this.errors.push(`${line}:${column} ${msg}`);
  }
}

/**
 * Parses Apex source with @apexdevtools/apex-parser, collecting every syntax error (the package's
 * own check() helper reports success even when there are errors, so count them ourselves).
 * @param source Apex source.
 * @param kind 'class' for .cls, 'trigger' for .trigger.
 * @param file Name used in messages.
 */
export function parseApex(source: string, kind: 'class' | 'trigger', file = '<source>'): ApexParse {
  const listener = new CollectingErrorListener();
  const { parser } = ApexParserFactory.createLexerAndParser(source, listener);
  const tree = kind === 'trigger' ? parser.triggerUnit() : parser.compilationUnit();
  return { file, source, errors: listener.errors, tree };
}

/** Parses a .cls or .trigger file. */
export function parseApexFile(file: string): ApexParse {
  return parseApex(read(file), file.endsWith('.trigger') ? 'trigger' : 'class', file);
}

/** One declared member of an Apex class, with the ApexDoc comment in front of it. */
export interface ApexMember {
  kind: 'class' | 'interface' | 'method' | 'constructor' | 'field' | 'property' | 'enum';
  name: string;
  line: number;
  /** Lower-cased modifier keywords and annotations, e.g. ['@auraenabled', 'public', 'static']. */
  modifiers: string[];
  /** Parameter names (methods and constructors). */
  params: string[];
  /** Parameter types as written, e.g. ['Integer'] (methods and constructors; same order as params). */
  paramTypes: string[];
  /** True for methods that return a value. */
  returnsValue: boolean;
  /** The `/** … *\/` comment right before the member (annotations and // lines may sit between). */
  doc: string | null;
  /** Name of the enclosing top-level class. */
  topLevelClass: string;
  /** True when the top-level class is annotated @IsTest. */
  inTestClass: boolean;
}

/** Names and types of a formal parameter list (absent for `()`). */
function formalParams(list: FormalParametersContext): { params: string[]; paramTypes: string[] } {
  const declared = list.formalParameterList()?.formalParameter_list() ?? [];
  return { params: declared.map((p) => p.id().getText()), paramTypes: declared.map((p) => p.typeRef().getText()) };
}

function modifierTexts(modifiers: ModifierContext[]): string[] {
  return modifiers.map((m) => (m.annotation() ? '@' + m.annotation().getText().replace(/^@/, '').replace(/\(.*$/, '') : m.getText()).toLowerCase());
}

function docBefore(source: string, offset: number): string | null {
  let before = source.slice(0, offset);
  for (;;) {
    before = before.replace(/\s+$/, '');
    const lastLineStart = before.lastIndexOf('\n') + 1;
    if (before.slice(lastLineStart).trim().startsWith('//')) {
      before = before.slice(0, lastLineStart);
      continue;
    }
    break;
  }
  if (!before.endsWith('*/')) {
    return null;
  }
  const start = before.lastIndexOf('/**');
  return start < 0 ? null : before.slice(start);
}

/**
 * Lists the members of every class in a parsed .cls file (nested classes included).
 * Interface methods count as public.
 */
export function apexMembers(parse: ApexParse): ApexMember[] {
  const members: ApexMember[] = [];
  if (!(parse.tree instanceof CompilationUnitContext)) {
    return members;
  }
  const typeDecl: TypeDeclarationContext = parse.tree.typeDeclaration();
  const topModifiers = modifierTexts(typeDecl.modifier_list());
  const topClass = typeDecl.classDeclaration() ?? null;
  const topName = (topClass ?? typeDecl.interfaceDeclaration() ?? typeDecl.enumDeclaration())?.id().getText() ?? '?';
  const inTestClass = topModifiers.includes('@istest');
  const base = { topLevelClass: topName, inTestClass };

  members.push({
    kind: topClass ? 'class' : typeDecl.interfaceDeclaration() ? 'interface' : 'enum',
    name: topName,
    line: typeDecl.start.line,
    modifiers: topModifiers,
    params: [],
    paramTypes: [],
    returnsValue: false,
    doc: docBefore(parse.source, typeDecl.start.start),
    ...base,
  });

  const visitClass = (cls: ClassDeclarationContext) => {
    for (const decl of cls.classBody().classBodyDeclaration_list() as ClassBodyDeclarationContext[]) {
      const member = decl.memberDeclaration();
      if (!member) {
        continue;
      }
      const modifiers = modifierTexts(decl.modifier_list());
      const doc = docBefore(parse.source, decl.start.start);
      const line = decl.start.line;
      const method = member.methodDeclaration();
      const ctor = member.constructorDeclaration();
      const field: FieldDeclarationContext | null = member.fieldDeclaration();
      const nestedClass = member.classDeclaration();
      const nestedInterface = member.interfaceDeclaration();
      if (method) {
        members.push({ kind: 'method', name: method.id().getText(), line, modifiers, ...formalParams(method.formalParameters()), returnsValue: !method.VOID(), doc, ...base });
      } else if (ctor) {
        members.push({ kind: 'constructor', name: ctor.qualifiedName().getText(), line, modifiers, ...formalParams(ctor.formalParameters()), returnsValue: false, doc, ...base });
      } else if (field) {
        for (const v of field.variableDeclarators().variableDeclarator_list()) {
          members.push({ kind: 'field', name: v.id().getText(), line, modifiers, params: [], paramTypes: [], returnsValue: false, doc, ...base });
        }
      } else if (member.propertyDeclaration()) {
        members.push({ kind: 'property', name: member.propertyDeclaration().id().getText(), line, modifiers, params: [], paramTypes: [], returnsValue: false, doc, ...base });
      } else if (nestedClass) {
        members.push({ kind: 'class', name: nestedClass.id().getText(), line, modifiers, params: [], paramTypes: [], returnsValue: false, doc, ...base });
        visitClass(nestedClass);
      } else if (nestedInterface) {
        members.push({ kind: 'interface', name: nestedInterface.id().getText(), line, modifiers, params: [], paramTypes: [], returnsValue: false, doc, ...base });
        const publicInterface = modifiers.includes('public') || modifiers.includes('global');
        for (const m of nestedInterface.interfaceBody().interfaceMethodDeclaration_list() as InterfaceMethodDeclarationContext[]) {
          members.push({
            kind: 'method',
            name: m.id().getText(),
            line: m.start.line,
            modifiers: publicInterface ? ['public'] : [],
            ...formalParams(m.formalParameters()),
            returnsValue: !m.VOID(),
            doc: docBefore(parse.source, m.start.start),
            ...base,
          });
        }
      } else if (member.enumDeclaration()) {
        members.push({ kind: 'enum', name: member.enumDeclaration().id().getText(), line, modifiers, params: [], paramTypes: [], returnsValue: false, doc, ...base });
      }
    }
  };
  if (topClass) {
    visitClass(topClass);
  }
  return members;
}

/**
 * `static final String NAME = 'literal';` constants of a parsed class (nested classes included).
 * @returns constant name → string value (quotes removed, escapes resolved for \\ and \').
 */
export function apexStringConstants(parse: ApexParse): Map<string, string> {
  const constants = new Map<string, string>();
  for (const member of apexMembers(parse)) {
    if (member.kind !== 'field' || !member.modifiers.includes('static') || !member.modifiers.includes('final')) {
      continue;
    }
    const declaration = new RegExp(`\\b${member.name}\\s*=\\s*'((?:[^'\\\\]|\\\\.)*)'\\s*;`);
    const match = declaration.exec(parse.source);
    if (match) {
      constants.set(member.name, match[1].replace(/\\(.)/g, '$1'));
    }
  }
  return constants;
}

/**
 * `static final Integer NAME = 123;` constants of a parsed class (nested classes included).
 * @returns constant name → value.
 */
export function apexIntegerConstants(parse: ApexParse): Map<string, number> {
  const constants = new Map<string, number>();
  for (const member of apexMembers(parse)) {
    if (member.kind !== 'field' || !member.modifiers.includes('static') || !member.modifiers.includes('final')) {
      continue;
    }
    const match = new RegExp(`\\bInteger\\s+${member.name}\\s*=\\s*(\\d+)\\s*;`).exec(parse.source);
    if (match) {
      constants.set(member.name, Number(match[1]));
    }
  }
  return constants;
}

/**
 * Tokens of Apex source (comments are skipped by the lexer), for name checks that must not be
 * fooled by comments.
 */
export function apexTokens(source: string): { type: number; text: string; line: number }[] {
  const lexer = ApexParserFactory.createLexer(source);
  return lexer.getAllTokens().map((t) => ({ type: t.type, text: t.text, line: t.line }));
}

/** Custom API names (`X__c`, `X__e`, `X__mdt`) used as identifiers in Apex source. */
export function apexCustomNames(source: string): Set<string> {
  return new Set(
    apexTokens(source)
      .filter((t) => t.type === ApexLexer.Identifier && /__(c|e|mdt)$/i.test(t.text))
      .map((t) => t.text),
  );
}

/** String literals in Apex source (quotes removed). */
export function apexStringLiterals(source: string): string[] {
  return apexTokens(source)
    .filter((t) => t.type === ApexLexer.StringLiteral)
    .map((t) => t.text.slice(1, -1).replace(/\\(.)/g, '$1'));
}
