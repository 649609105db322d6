/**
 * Benchmark of the school screening import (issue #18 item 2, "Performance"): a file of 1k and of 10k rows uploaded
 * through the API and imported by the workflow over chunks, on the same stack `npm run bench` starts (in-memory
 * Temporal dev server, FerretDB on SQLite, the API and a worker with the real activities). For each size: the upload
 * (read, validate, stage, start) and the import to its last row, in rows per second; and the same rows inserted by
 * plain mongoose `insertMany` into a scratch collection in the same run, for the ratio. 1% of the rows are at the
 * report threshold (each starts an intake, a case and a police task, which run on after the import counts as done).
 *
 *   npx tsx bench/screening-import.ts                 # 1k and 10k
 *   SCREENING_BENCH_SIZES=1000,3000 npx tsx bench/screening-import.ts
 *
 * Method and results: bench/README.md.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import mongoose, { Schema } from 'mongoose';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { DEMO_PASSWORD } from '../api/auth/demo-users';
import { ScreeningImportModel } from '../models/screening';
import { screeningFile, screeningRows } from '../test/fixtures/screening';
import { BenchStack } from './stack';
import { PoliceTaskTap } from './police-task-tap';
import { Profile, printProfile } from './profile';

const SIZES = (process.env.SCREENING_BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const SCHOOL = 'school@changning.demo.childsafe.local';
/** BENCH_PROFILE=1: every activity and every MongoDB command timed, printed after each size (bench/profile.ts). */
const profile = process.env.BENCH_PROFILE ? new Profile() : undefined;

const PlainRow = mongoose.model(
  'BenchScreeningPlainRow',
  new Schema({}, { strict: false, collection: 'bench_screening_plain' }),
);

async function json(res: Response): Promise<Record<string, unknown>> {
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
  return body;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const stack = await BenchStack.start();
  try {
    const side = await stack.startChildSafe(new PoliceTaskTap(600_000), profile);
    const login = await json(
      await fetch(`${side.baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: SCHOOL, password: DEMO_PASSWORD }),
      }),
    );
    const token = login.token as string;
    const results: string[] = [];
    let base = 0;
    for (const size of SIZES) {
      // Distinct children in every run (no run updates another's), 1% at the report threshold.
      const rows = screeningRows(size, {
        base,
        tag: `b${size}`,
        reporting: Array.from({ length: Math.max(1, Math.round(size / 100)) }, (_, i) => i * 100 + 7),
      });
      base += Math.ceil(size / 1000) + 1;
      const file = await screeningFile(rows);

      const t0 = performance.now();
      const started = await json(
        await fetch(`${side.baseUrl}/api/v1/screening/imports?name=bench-${size}.xlsx`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
          body: file,
        }),
      );
      const tUploaded = performance.now();
      const loadAtStart = os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join('/');
      const importId = started.importId as string;
      for (;;) {
        const record = await ScreeningImportModel.findById(importId).lean();
        if (record?.stage === 'completed') break;
        // A look-up by _id a second: the import's own store is the one measured (at most a second added to minutes).
        await new Promise((r) => setTimeout(r, 1_000));
      }
      const tDone = performance.now();

      const documents = rows.map((r, i) => ({ ...r, row: i + 2, importId }));
      const p0 = performance.now();
      await PlainRow.insertMany(documents, { ordered: false });
      const pDone = performance.now();
      await PlainRow.deleteMany({}).exec();

      const seconds = (tDone - t0) / 1000;
      const plainSeconds = (pDone - p0) / 1000;
      const line =
        `${size} rows: upload (read, validate, stage, start) ${((tUploaded - t0) / 1000).toFixed(1)} s, ` +
        `import done ${seconds.toFixed(1)} s → ${(size / seconds).toFixed(1)} rows/s, ` +
        `${((seconds * 1000) / size).toFixed(1)} ms/row; plain insertMany ${plainSeconds.toFixed(2)} s → ` +
        `${(size / plainSeconds).toFixed(0)} rows/s; ratio ${(seconds / plainSeconds).toFixed(0)}×; ` +
        `load average ${loadAtStart} at the start, ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join('/')} at the end`;
      process.stdout.write(`${line}\n`);
      results.push(line);
      if (profile) {
        printProfile((l = '') => process.stdout.write(`${l}\n`), profile);
        for (const samples of [profile.activities, profile.mongo, profile.workflow]) samples.clear();
      }
    }
    if (results.length >= 2) {
      const perRow = results.map((l) => Number(/([\d.]+) ms\/row/.exec(l)![1]));
      process.stdout.write(
        `cost per row ${SIZES.at(-1)} vs ${SIZES[0]}: ${(perRow.at(-1)! / perRow[0]!).toFixed(2)}× (goal ≤ 1.2×)\n`,
      );
    }
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
