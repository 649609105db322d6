/**
 * The type check of one TypeScript project (`tsx scripts/typecheck.ts <tsconfig> <build-info file>`), as `tsc
 * --noEmit --incremental` does it, plus the floating-promise rule (scripts/services/floating-promises.ts) on the same
 * type checker, so the programs are built once for both. Incremental: only the files a change affects are checked
 * again; a run that finds anything leaves no build info, so the next run checks everything again.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { floatingPromisesIn, type FloatingPromise } from './services/floating-promises';

const [configPath, buildInfo] = process.argv.slice(2);
if (!configPath || !buildInfo) throw new Error('usage: tsx scripts/typecheck.ts <tsconfig> <build-info file>');

const host: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => process.cwd(),
  getNewLine: () => '\n',
};
const parsed = ts.getParsedCommandLineOfConfigFile(
  configPath,
  { incremental: true, tsBuildInfoFile: buildInfo },
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.formatDiagnostic(d, host));
    },
  },
);
if (!parsed) throw new Error(`cannot read ${configPath}`);
fs.mkdirSync(path.dirname(buildInfo), { recursive: true });

const builder = ts.createIncrementalProgram({
  rootNames: parsed.fileNames,
  options: parsed.options,
  configFileParsingDiagnostics: parsed.errors,
  projectReferences: parsed.projectReferences,
});
const checker = builder.getProgram().getTypeChecker();
const diagnostics: ts.Diagnostic[] = [
  ...builder.getConfigFileParsingDiagnostics(),
  ...builder.getOptionsDiagnostics(),
  ...builder.getGlobalDiagnostics(),
  ...builder.getSyntacticDiagnostics(),
];
const floating: FloatingPromise[] = [];
// Each file a change affects (every file on a first run): its semantic diagnostics, then its floating promises.
for (let next = builder.getSemanticDiagnosticsOfNextAffectedFile(); next; ) {
  diagnostics.push(...next.result);
  const file = next.affected as ts.SourceFile | ts.Program;
  if ('fileName' in file && !file.isDeclarationFile && !file.fileName.includes('/node_modules/'))
    floating.push(...floatingPromisesIn(checker, file));
  next = builder.getSemanticDiagnosticsOfNextAffectedFile();
}
// Errors of files no change affected are kept in the build info and reported again.
diagnostics.push(...builder.getSemanticDiagnostics());

const unique = [...new Map(diagnostics.map((d) => [ts.formatDiagnostic(d, host), d])).values()];
if (unique.length > 0) process.stdout.write(ts.formatDiagnosticsWithColorAndContext(unique, host));
for (const f of floating) {
  const where = path.relative(process.cwd(), f.file);
  process.stdout.write(
    `${where}:${f.line}:${f.column} floating promise: await it, return it, handle it with .catch, or mark it void\n  ${f.text}\n`,
  );
}
if (floating.length > 0) fs.rmSync(buildInfo, { force: true });
else builder.emit();
process.exitCode = unique.some((d) => d.category === ts.DiagnosticCategory.Error) || floating.length > 0 ? 1 : 0;
