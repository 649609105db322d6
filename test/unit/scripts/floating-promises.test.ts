/**
 * The floating-promise rule of the type check (scripts/services/floating-promises.ts): which statements leave a
 * promise's failure unseen, on a real TypeScript program.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { floatingPromisesIn } from '../../../scripts/services/floating-promises';

function floatingLines(source: string): number[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-floating-'));
  try {
    const file = path.join(dir, 'sample.ts');
    fs.writeFileSync(file, source);
    const program = ts.createProgram([file], {
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      strict: true,
    });
    return floatingPromisesIn(program.getTypeChecker(), program.getSourceFile(file)!).map((f) => f.line);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const PRELUDE = `declare function send(): Promise<void>;
declare function count(): number;
declare const ready: boolean;
declare let pending: Promise<void> | undefined;
`;
const lines = (body: string[]) => floatingLines(PRELUDE + body.join('\n'));
const first = PRELUDE.split('\n').length; // the line number of body[0]

describe('floating promises', () => {
  it('reports a promise left as a statement, in a branch, in a sequence, or as an array', () => {
    const found = lines([
      'send();',
      'ready ? send() : count();',
      'ready && send();',
      'count(), send();',
      '[send(), send()];',
      'send().finally(() => undefined);',
      'send().then(() => undefined);',
      'async function later() { send(); }',
      '(send() as Promise<void>);',
    ]);
    expect(found).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => first + i));
  });

  it('accepts a promise awaited, returned, voided, assigned or handled', () => {
    expect(
      lines([
        'async function now() { await send(); }',
        'function passOn() { return send(); }',
        'void send();',
        'pending = send();',
        'send().catch(() => undefined);',
        'send().then(() => undefined, () => undefined);',
        'send().catch(() => undefined).finally(() => undefined);',
        'count();',
        'const kept = send(); kept.catch(() => undefined);',
      ]),
    ).toEqual([]);
  });
});
