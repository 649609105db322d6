/**
 * Workflows read as small named steps (issue #11): no function under workflows/ runs past MAX_LINES lines. A function's
 * length counts every line from its first token to its closing brace, nested closures included, so a workflow that
 * grows a closure-heavy body fails here and is split into named methods instead.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const MAX_LINES = 120;
const root = join(__dirname, '..', '..', '..');
const workflowsDir = join(root, 'workflows');

interface Measured {
  name: string;
  lines: number;
}

/** Every function-like node in a source text, with its length in lines. */
export function measureFunctions(fileName: string, text: string): Measured[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: Measured[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const named = node.name && ts.isIdentifier(node.name) ? node.name.text : undefined;
      const holder =
        ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name) ? node.parent.name.text : undefined;
      found.push({ name: `${fileName}:${start + 1} ${named ?? holder ?? '(anonymous)'}`, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const workflowFiles = readdirSync(workflowsDir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(workflowsDir, f));

describe('functions under workflows/', () => {
  it('measures nested closures as part of their enclosing function', () => {
    const body = Array.from({ length: 130 }, (_, i) => `    const v${i} = ${i};`).join('\n');
    const text = `export function outer() {\n  const inner = () => {\n${body}\n  };\n  return inner;\n}\n`;
    const measured = measureFunctions('sample.ts', text);
    expect(measured.map((m) => m.lines)).toEqual([135, 132]);
    expect(measured[0].name).toBe('sample.ts:1 outer');
    expect(measured[1].name).toBe('sample.ts:2 inner');
  });

  it(`are each at most ${MAX_LINES} lines long`, () => {
    expect(workflowFiles.length).toBeGreaterThan(5);
    const all = workflowFiles.flatMap((file) => measureFunctions(relative(root, file), readFileSync(file, 'utf8')));
    expect(all.length).toBeGreaterThan(50);
    const tooLong = all.filter((m) => m.lines > MAX_LINES).map((m) => `${m.name}: ${m.lines} lines`);
    expect(tooLong).toEqual([]);
  });
});
