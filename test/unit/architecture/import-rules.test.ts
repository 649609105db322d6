/**
 * The layering rules of the code base (issue 11), checked on the import lines of the source files so they stay true:
 * the contract is pure and shared, models do not reach into the API, the API does not reach into the scripts, and the
 * web app takes its types from the contract only.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

function sourceFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(rel);
    return /\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [rel] : [];
  });
}

interface Import {
  file: string;
  specifier: string;
  /** Repository-relative path of a relative import ("models/user"), or the package name. */
  target: string;
  typeOnly: boolean;
}

/** Every `import … from '…'`, `export … from '…'`, side-effect import and require() of a file. */
export function importsOf(file: string, source = fs.readFileSync(path.join(ROOT, file), 'utf8')): Import[] {
  const found: Import[] = [];
  const patterns = [
    /^\s*(import|export)\s+(type\s+)?[^'";]*?\sfrom\s+['"]([^'"]+)['"]/gms,
    /^\s*import\s+['"]([^'"]+)['"]/gm,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  patterns.forEach((pattern, i) => {
    for (const match of source.matchAll(pattern)) {
      const specifier = i === 0 ? match[3] : match[1];
      const typeOnly = i === 0 && Boolean(match[2]);
      const target = specifier.startsWith('.')
        ? path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier))
        : specifier;
      found.push({ file, specifier, target, typeOnly });
    }
  });
  return found;
}

const importsUnder = (...dirs: string[]) => dirs.flatMap(sourceFiles).flatMap((file) => importsOf(file));
const show = (imports: Import[]) => imports.map((i) => `${i.file} imports '${i.specifier}'`);
const isUnder = (target: string, dir: string) => target === dir || target.startsWith(`${dir}/`);

describe('import rules', () => {
  it('the parser sees every kind of import line', () => {
    const source = [
      "import { a } from '../api/x';",
      "import type { B } from '../scripts/y';",
      "export { c } from './z';",
      "import {\n  d,\n  e,\n} from 'mongoose';",
      "import './side-effect';",
      "const f = require('../api/w');",
    ].join('\n');
    expect(importsOf('models/m.ts', source).map((i) => [i.target, i.typeOnly])).toEqual([
      ['api/x', false],
      ['scripts/y', true],
      ['models/z', false],
      ['mongoose', false],
      ['models/side-effect', false],
      ['api/w', false],
    ]);
  });

  it('models/ does not import from api/ or scripts/', () => {
    const bad = importsUnder('models').filter((i) => isUnder(i.target, 'api') || isUnder(i.target, 'scripts'));
    expect(show(bad)).toEqual([]);
  });

  it('api/ does not import from scripts/', () => {
    const bad = importsUnder('api').filter((i) => isUnder(i.target, 'scripts'));
    expect(show(bad)).toEqual([]);
  });

  it('contracts/ is pure: zod and the contract itself only, so the web app and the workflow sandbox can bundle it', () => {
    const imports = importsUnder('contracts');
    expect(imports.length).toBeGreaterThan(0);
    const bad = imports.filter((i) => i.target !== 'zod' && !isUnder(i.target, 'contracts'));
    expect(show(bad)).toEqual([]);
  });

  it('the web app imports server code only through the contract', () => {
    const imports = importsUnder('web/src');
    const bad = imports.filter(
      (i) => i.specifier.startsWith('.') && !isUnder(i.target, 'web') && !isUnder(i.target, 'contracts'),
    );
    expect(show(bad)).toEqual([]);
    expect(imports.some((i) => isUnder(i.target, 'contracts'))).toBe(true);
  });
});

describe('routes reach the records through repositories', () => {
  it('no route handler imports mongoose or a mongoose model (type-only imports of record shapes aside)', () => {
    const bad = importsUnder('api/routes').filter(
      (i) =>
        !i.typeOnly &&
        (i.target === 'mongoose' ||
          (isUnder(i.target, 'models') && !/(-repository|-directory|\/scope|\/notification)$/.test(i.target))),
    );
    expect(show(bad)).toEqual([]);
  });
});
