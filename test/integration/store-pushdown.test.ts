/**
 * The embedded store's filter pushdown (tools/ferretdb/patches/sqlite-pushdown.patch) on the suite's real store.
 *
 * 1. It never changes an answer: every filter below is asked twice, as written (pushed down into SQLite where it can
 *    be) and wrapped in `$nor: [{ $nor: [filter] }]` (the same filter, which the store never pushes down, so FerretDB
 *    decides every document itself). find, countDocuments, an aggregation's $match, updateMany and deleteMany must
 *    agree, on documents shaped to catch a superset that is too small: arrays, arrays of sub-documents on the way to
 *    a field (FerretDB refuses arrays directly in arrays), strings with escapes, booleans, ObjectIds and missing fields.
 * 2. It uses the indexes: `explain` of an equality on an indexed field, a nested one and `_id` names the index
 *    (FerretDB: SQLite's plan; MongoDB, when MONGODB_URI names one: an IXSCAN).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { startFerretDb, type FerretDb } from '../../scripts/services/ferretdb';
import { connectTestDatabase } from '../helpers/mongo';

/** Documents whose `_id` is a string or an ObjectId (the driver's default type says ObjectId only). */
type Document = { _id: string | mongoose.mongo.ObjectId; [field: string]: unknown };
type Filter<T> = mongoose.mongo.Filter<T>;
type Collection<T extends mongoose.mongo.Document> = mongoose.mongo.Collection<T>;
const { ObjectId, Double, Long } = mongoose.mongo;

jest.setTimeout(60_000); // the real FerretDB: a few hundred round trips on a busy 2-core machine

const oid = new ObjectId('65a1b2c3d4e5f6a7b8c9d0e1');

/** Documents shaped to catch a pushdown that would drop a match (each `_id` names its shape). */
const documents: Document[] = [
  { _id: 'plain', k: 'v', street: 's1', n: 1 },
  { _id: 'plain-w', k: 'w', street: 's1', n: 2 },
  { _id: 'array', k: ['x', 'v'], street: 's2' },
  { _id: 'array-no', k: ['x'], street: 's2' },
  { _id: 'array-of-docs', k: [{ a: 'v' }] },
  { _id: 'missing' },
  { _id: 'null', k: null },
  { _id: 'object', k: { v: 1 } },
  { _id: 'quoted', k: 'say "v"' },
  { _id: 'backslash', k: 'v\\' },
  { _id: 'html', k: '<v>&' },
  { _id: 'chinese', k: '华阳路街道' },
  { _id: 'bool', k: true },
  { _id: 'bool-text', k: 'true' },
  { _id: 'nested', a: { b: 'v', c: { d: 'v' } } },
  { _id: 'nested-other', a: { b: 'w' } },
  { _id: 'nested-array-of-docs', a: [{ b: 'v' }, { b: 'x' }] },
  { _id: 'nested-array-in-doc', a: { b: ['x', 'v'] } },
  { _id: 'nested-array-deep', a: [{ c: [{ d: 'v' }] }] },
  { _id: 'nested-mixed-array', a: [1, { b: 'v' }] },
  { _id: 'nested-scalar', a: 'v' },
  { _id: 'num-int', num: 7 },
  { _id: 'num-double', num: new Double(7) },
  { _id: 'num-long', num: Long.fromNumber(7) },
  { _id: 'num-fraction', num: 7.5 },
  { _id: 'num-zero', num: 0 },
  { _id: 'num-negative-zero', num: new Double(-0) },
  { _id: 'num-array', num: [8, 17] },
  { _id: 'num-text', num: '7' },
  { _id: 'oid', o: oid },
  { _id: 'oid-hex', o: oid.toHexString() },
  { _id: 'oid-array', o: [oid] },
  { _id: oid, k: 'by-object-id' },
  { _id: 'ledger-1', ledger: { street: 's1', committee: 'c1', due: 5 }, status: 'open' },
  { _id: 'ledger-2', ledger: { street: 's1', committee: 'c2', due: 3 }, status: 'closed' },
  { _id: 'ledger-3', ledger: { street: 's2', committee: 'c1' }, status: 'open' },
];

/** Filters: what the read models ask, and the edges of each pushable form. */
const filters: Filter<Document>[] = [
  { k: 'v' },
  { k: { $eq: 'v' } },
  { k: { $in: ['v', 'w'] } },
  { k: { $in: ['v'], $eq: 'w' } },
  { k: { $in: ['v', 'w'], $eq: 'w' } },
  { k: { $in: ['v', 'w'], $ne: 'w' } },
  { k: { $in: ['v', null] } },
  { k: { $in: [] } },
  { _id: { $in: [] } },
  { k: true },
  { k: 'true' },
  { k: '华阳路街道' },
  { k: 'say "v"' },
  { k: 'v\\' },
  { k: '<v>&' },
  { k: { v: 1 } },
  { k: 'v', street: 's1' },
  { k: 'v', n: { $gt: 0 } },
  { 'a.b': 'v' },
  { 'a.b': { $in: ['v', 'w'] } },
  { 'a.c.d': 'v' },
  { 'a.0.b': 'v' },
  { $or: [{ k: 'v' }, { 'a.b': 'v' }] },
  { $or: [{ k: 'v' }, { n: { $gt: 1 } }] },
  { $and: [{ k: { $in: ['v', 'w'] } }, { street: 's1' }] },
  { _id: 'plain' },
  { _id: { $in: ['plain', 'array', 'nope'] } },
  { _id: oid },
  { o: oid },
  { o: oid.toHexString() },
  { 'ledger.street': 's1' },
  { 'ledger.street': 's1', 'ledger.committee': 'c1' },
  { 'ledger.street': { $in: ['s1', 's2'] }, status: 'open', 'ledger.due': { $lt: 4 } },
  { 'ledger.street': 's1', $or: [{ status: 'open' }, { 'ledger.committee': 'c2' }] },
  { nowhere: 'v' },
  { num: 7 },
  { num: new Double(7) },
  { num: Long.fromNumber(7) },
  { num: 0 },
  { num: 17 },
  { num: { $in: [0, 7, 8] } },
  { num: 7.5 },
  { num: '7' },
];

/** The same filter, in a form the store cannot push down: FerretDB filters every document itself. */
const unpushed = (filter: Filter<Document>): Filter<Document> => ({ $nor: [{ $nor: [filter] }] });

const ids = (docs: { _id?: unknown }[]) => docs.map((d) => String(d._id)).sort();

/**
 * A page of a find against the same page from the store's own aggregate. With `unique` (the sort ends in a unique
 * field) the documents must be the same; otherwise neither store promises an order among ties, so the page must hold
 * the same sort values in the same order.
 */
function expectSamePage(
  page: { filter: Filter<Document>; sort: Record<string, 1 | -1>; skip: number; limit: number },
  got: Document[],
  expected: Document[],
  unique: boolean,
) {
  const shown = (docs: Document[]) =>
    docs.map((d) => (unique ? String(d._id) : JSON.stringify(Object.keys(page.sort).map((k) => d[k] ?? null))));
  expect({ ...page, got: shown(got) }).toEqual({ ...page, got: shown(expected) });
}

let disconnect: () => Promise<void>;
let collection: Collection<Document>;

beforeAll(async () => {
  disconnect = await connectTestDatabase('pushdown');
  collection = mongoose.connection.db!.collection<Document>('shapes');
  await collection.createIndex({ k: 1 });
  await collection.createIndex({ 'a.b': 1 });
  await collection.createIndex({ 'ledger.street': 1, 'ledger.due': 1 });
  await collection.insertMany(documents);
});
afterAll(async () => disconnect());

describe('the pushdown never changes an answer', () => {
  it.each(filters.map((f) => [JSON.stringify(f), f] as const))('find and count: %s', async (_name, filter) => {
    const expected = ids(await collection.find(unpushed(filter)).toArray());
    expect(ids(await collection.find(filter).toArray())).toEqual(expected);
    expect(await collection.countDocuments(filter)).toBe(expected.length);
    // a count that stops at a limit ($match, $limit, $group: the case list's capped total)
    for (const limit of [1, 2]) {
      expect({ limit, n: await collection.countDocuments(filter, { limit }) }).toEqual({
        limit,
        n: Math.min(expected.length, limit),
      });
    }
    expect(ids(await collection.aggregate([{ $match: filter }, { $sort: { _id: 1 } }]).toArray())).toEqual(expected);
  });

  it('the filters above are not all empty: most of them match something, some nothing', async () => {
    const counts = await Promise.all(filters.map((f) => collection.countDocuments(unpushed(f))));
    expect(counts.filter((c) => c > 0).length).toBeGreaterThan(filters.length / 2);
    expect(counts).toContain(0);
  });

  it('updateMany and deleteMany touch exactly the documents the unpushed filter names', async () => {
    for (const [i, filter] of [{ k: 'v' }, { 'a.b': 'v' }, { k: { $in: ['v', 'w'] } }, { o: oid }].entries()) {
      const expected = ids(await collection.find(unpushed(filter)).toArray());
      const res = await collection.updateMany(filter, { $set: { [`mark${i}`]: true } });
      expect(res.matchedCount).toBe(expected.length);
      expect(ids(await collection.find({ [`mark${i}`]: true }).toArray())).toEqual(expected);
    }

    const scratch = mongoose.connection.db!.collection<Document>('scratch');
    await scratch.insertMany(documents);
    const expected = ids(await scratch.find(unpushed({ k: 'v' })).toArray());
    const res = await scratch.deleteMany({ k: 'v' });
    expect(res.deletedCount).toBe(expected.length);
    expect(await scratch.countDocuments(unpushed({ k: 'v' }))).toBe(0);
    expect(await scratch.countDocuments({})).toBe(documents.length - expected.length);
  });
});

/**
 * Sorted pages and counts: `find` with a sort, skip and limit (which the store may sort in SQLite and stop early)
 * against the same `$match`/`$sort`/`$skip`/`$limit` pipeline (which it always sorts itself), and `countDocuments`
 * (which it may count in SQLite) against a `$count` stage (which it never does), on documents with dates, numbers
 * (int and double), strings, booleans, nulls and missing fields, and a second collection whose fields mix types or
 * hold arrays, where SQLite must not be trusted and the store must notice.
 */
describe('sorted pages and counts equal what the store computes itself', () => {
  const day = 86_400_000;
  const base = Date.UTC(2026, 10, 1);
  const names = ['华阳', 'Anna', 'anna', 'Ölga', 'bob', '长宁', 'zed', ''];
  const rows: Document[] = Array.from({ length: 120 }, (_, i) => ({
    _id: `r${String(i).padStart(3, '0')}`,
    street: ['s1', 's2', 's3'][i % 3],
    due: i % 11 === 0 ? null : new Date(base + ((i * 37) % 90) * day),
    n: i % 4 === 0 ? i / 2 + 0.5 : (i * 7) % 50,
    name: i % 13 === 0 ? undefined : names[i % names.length],
    flag: i % 5 === 0,
    ledger: { committee: `c${i % 4}`, visits: i % 6, next: i % 9 === 0 ? undefined : new Date(base + (i % 30) * day) },
    tags: i % 7 === 0 ? [] : i % 2 ? ['a', 'b'] : ['c'],
    ...(i % 17 === 0 ? { sealed: true } : {}),
  }));
  const mixed: Document[] = [
    ...rows.slice(0, 40).map((r) => ({ ...r, _id: `m-${String(r._id)}` })),
    { _id: 'm-string-due', street: 's1', due: 'tomorrow', n: 'five', name: 7, ledger: { committee: 'c1' } },
    {
      _id: 'm-array',
      street: 's1',
      due: [new Date(base)],
      n: [1, 99],
      name: ['a', 'z'],
      ledger: [{ committee: 'c1' }],
    },
  ];
  let sorted: Collection<Document>;
  let messy: Collection<Document>;

  beforeAll(async () => {
    sorted = mongoose.connection.db!.collection<Document>('sorted');
    messy = mongoose.connection.db!.collection<Document>('messy');
    await sorted.createIndex({ street: 1, due: 1 });
    await sorted.insertMany(rows);
    await messy.insertMany(mixed);
  });

  const sorts: Record<string, 1 | -1>[] = [
    { due: 1, _id: 1 },
    { due: -1, _id: 1 },
    { n: 1, _id: -1 },
    { name: 1, _id: 1 },
    { name: -1, due: 1, _id: 1 },
    { flag: -1, n: 1, _id: 1 },
    { 'ledger.next': 1, _id: 1 },
    { 'ledger.visits': -1, 'ledger.committee': 1, _id: 1 },
  ];
  const pageFilters: Filter<Document>[] = [
    {},
    { street: 's1' },
    { street: { $in: ['s1', 's3'] }, flag: false },
    { street: 's2', due: { $lt: new Date(base + 45 * day) } },
    { 'ledger.committee': 'c1', sealed: { $ne: true } },
  ];
  const pages = [
    { skip: 0, limit: 10 },
    { skip: 10, limit: 7 },
    { skip: 0, limit: 0 },
  ];

  it.each(['sorted', 'messy'] as const)('every sort, filter and page on the %s collection', async (which) => {
    const c = which === 'sorted' ? sorted : messy;
    for (const sort of sorts) {
      for (const filter of pageFilters) {
        for (const { skip, limit } of pages) {
          const pipeline: mongoose.mongo.Document[] = [{ $match: filter }, { $sort: sort }, { $skip: skip }];
          if (limit) pipeline.push({ $limit: limit });
          const expected = (await c.aggregate(pipeline).toArray()).map((d) => String(d._id));
          const got = (await c.find(filter).sort(sort).skip(skip).limit(limit).toArray()).map((d) => String(d._id));
          expect({ sort, filter, skip, limit, ids: got }).toEqual({ sort, filter, skip, limit, ids: expected });
        }
      }
    }
  });

  it('the store sorts in SQLite where the values allow it, and not where they do not (explain)', async () => {
    const sortPushdown = async (c: Collection<Document>, sort: Record<string, 1 | -1>) => {
      const explained = (await c.find({ street: 's1' }).sort(sort).limit(5).explain()) as Document;
      return explained.sortPushdown;
    };
    const onFerretDb = (await sortPushdown(sorted, { due: 1 })) !== undefined;
    if (!onFerretDb) return; // MongoDB sorts with its indexes; the extension field is FerretDB's
    expect(await sortPushdown(sorted, { due: 1, _id: 1 })).toBe(true);
    expect(await sortPushdown(sorted, { 'ledger.next': -1, name: 1 })).toBe(true);
    expect(await sortPushdown(messy, { due: 1, _id: 1 })).toBe(false); // a string among the dates
    expect(await sortPushdown(messy, { 'ledger.committee': 1 })).toBe(false); // an array on the way
    expect(await sortPushdown(messy, { _id: 1 })).toBe(true);
  });

  const countFilters: Filter<Document>[] = [
    ...pageFilters,
    { due: null },
    { due: { $ne: null } },
    { name: { $exists: false } },
    { name: { $exists: true }, flag: true },
    { n: { $gte: 10, $lt: 30 } },
    { n: 12 },
    { n: { $in: [12, 12.5, 99] } },
    { name: { $nin: ['Anna', 'bob'] } },
    { name: { $gt: 'Anna', $lte: 'zed' } },
    { $or: [{ street: 's1' }, { 'ledger.visits': { $gte: 4 } }] },
    { $nor: [{ street: 's1' }, { flag: true }] },
    { sealed: { $ne: true }, 'ledger.next': { $lt: new Date(base + 10 * day) } },
    { 'ledger.committee': { $in: ['c1', 'c2'] }, street: { $ne: 's3' } },
    { _id: { $in: ['r001', 'r002', 'm-array', 'nope'] } },
    { name: { $regex: '^a' } },
    { tags: 'a' },
    { tags: { $ne: 'a' }, street: 's1' },
    { tags: { $in: ['c', 'x'] }, flag: false },
    { tags: { $nin: ['a'] } },
    { tags: { $exists: true } },
    { tags: { $gt: 'b' } },
  ];

  it.each(['sorted', 'messy'] as const)('every count on the %s collection', async (which) => {
    const c = which === 'sorted' ? sorted : messy;
    for (const filter of countFilters) {
      const [counted] = await c.aggregate<{ n: number }>([{ $match: filter }, { $count: 'n' }]).toArray();
      expect({ filter, n: await c.countDocuments(filter) }).toEqual({ filter, n: counted?.n ?? 0 });
    }
  });
});

/**
 * Counts per value of a field (the dashboards' `$match` + `$group` by a field with `$sum: 1`, then a `$sort`), which
 * the store may count in SQLite, against the same pipeline with an empty `$match` between the two (which it never
 * does), on the collections above: strings, nulls and missing values; dates and mixed types, where it must not.
 */
describe('counts per value equal what the store computes itself', () => {
  const byFields = ['street', 'name', 'ledger.committee', 'due', 'flag', 'sealed'];
  const filters: Filter<Document>[] = [
    {},
    { street: 's1' },
    { flag: false, due: { $ne: null } },
    { 'ledger.committee': { $in: ['c1', 'c2'] } },
    { name: { $regex: '^a' } },
  ];

  it.each(['sorted', 'messy'] as const)('every field and filter on the %s collection', async (which) => {
    const c = mongoose.connection.db!.collection<Document>(which);
    for (const by of byFields) {
      for (const filter of filters) {
        const group = { $group: { _id: `$${by}`, n: { $sum: 1 } } };
        const sort = { $sort: { n: -1, _id: 1 } };
        const expected = await c.aggregate([{ $match: filter }, { $match: {} }, group, sort]).toArray();
        const got = await c.aggregate([{ $match: filter }, group, sort]).toArray();
        expect({ by, filter, got }).toEqual({ by, filter, got: expected });
      }
    }
  });
});

describe('the pushdown uses the indexes', () => {
  /** The plan `explain` gives, flattened to text: SQLite's plan lines on FerretDB, the winning plan on MongoDB. */
  async function plan(filter: Filter<Document>): Promise<string> {
    const explained = (await collection.find(filter).explain()) as Document;
    return JSON.stringify(explained.queryPlanner);
  }

  it.each([
    ['an indexed field', { k: 'v' }, '_k_1'],
    ['an indexed nested field', { 'a.b': 'v' }, '_a.b_1'],
    ['the first field of a compound index', { 'ledger.street': 's1' }, '_ledger.street_1_ledger.due_1'],
    ['_id', { _id: 'plain' }, '__id_'],
  ])('%s', async (_name, filter, indexSuffix) => {
    const text = await plan(filter);
    const onFerretDb = text.includes('detail=');
    if (onFerretDb) {
      // FerretDB's index on the fields' JSON text, or ours on their values next to it (`…_cs_values`, used when the
      // store's record shows one kind of value and no array on the path)
      expect(text).toMatch(
        new RegExp(
          `USING (COVERING )?INDEX \\w+${indexSuffix.replace(/\./g, '\\.')}(_cs_values|_cs_elements_keys)?\\b`,
        ),
      );
      expect(text).not.toMatch(/detail=SCAN shapes_/); // never the collection's table (json_each's rows may be)
    } else {
      expect(text).toMatch(/IXSCAN|IDHACK|EXPRESS_IXSCAN/);
    }
  });

  it('a filter with nothing to push down still scans (the test above can tell the difference)', async () => {
    const text = await plan({ n: { $gt: 0 } });
    if (text.includes('detail=')) expect(text).toMatch(/detail=SCAN shapes_/);
    else expect(text).toMatch(/COLLSCAN/);
  });
});

/**
 * The store's record of the kinds of value at indexed paths (sqlite-pushdown.patch, metadata/kinds.go): with it a
 * sorted page walks an index on the values and a count of equalities reads only that index, with no look at the
 * documents; every write that brings a new kind (a string into a date field, an array into a scalar field) must turn
 * that off for the path, and every answer must stay the store's own.
 */
describe('the record of kinds: index walks, and what a write changes', () => {
  const day = 86_400_000;
  const base = Date.UTC(2026, 10, 1);
  const rows: Document[] = Array.from({ length: 150 }, (_, i) => ({
    _id: `w${String(i).padStart(3, '0')}`,
    district: i % 5 === 0 ? 'd2' : 'd1',
    street: ['s1', 's2', 's3'][i % 3],
    ...(i % 3 === 2 ? {} : { md: i % 3 === 0 }),
    due: i % 7 === 0 ? null : new Date(base + ((i * 37) % 40) * day), // many ties
    wf: `wf-${String((i * 53) % 150).padStart(3, '0')}`,
    closed: null,
    sealed: i % 9 === 0, // booleans only (until a write below leaves it out): `$ne` is then an equality
    ...(i % 4 === 0 ? {} : { place: i % 4 === 1 ? null : { street: i % 2 ? 's2' : 's1' } }),
  }));
  const listSort = { md: -1, due: 1, wf: 1 } as const;
  let walk: Collection<Document>;

  /** FerretDB's explain: whether it sorts in SQLite, and SQLite's plan as text. */
  async function explained(filter: Filter<Document>, sort: Record<string, 1 | -1>) {
    const e = (await walk.find(filter).sort(sort).limit(10).explain()) as Document;
    const planner = e.queryPlanner as { kinds?: Record<string, string> };
    return { sortPushdown: e.sortPushdown as boolean | undefined, plan: JSON.stringify(planner), kinds: planner.kinds };
  }

  /** Pages of a sorted find against the store's own $sort, and countDocuments against $count. */
  async function expectSamePages(filter: Filter<Document>, sort: Record<string, 1 | -1>) {
    // with ties (a sort not ending in a unique field) neither store promises an order among them: a page must then
    // hold the same sort values in the same order, and the whole list the same documents
    const unique = ['wf', '_id'].includes(Object.keys(sort).at(-1)!);
    for (const { skip, limit } of [
      { skip: 20, limit: 15 },
      { skip: 0, limit: 0 },
    ]) {
      const pipeline: mongoose.mongo.Document[] = [{ $match: filter }, { $sort: sort }, { $skip: skip }];
      if (limit) pipeline.push({ $limit: limit });
      const expected = await walk.aggregate<Document>(pipeline).toArray();
      const got = await walk.find(filter).sort(sort).skip(skip).limit(limit).toArray();
      expectSamePage({ filter, sort, skip, limit }, got, expected, unique);
      if (!unique && limit === 0) expect({ filter, sort, all: ids(got) }).toEqual({ filter, sort, all: ids(expected) });
    }
  }

  async function expectSameMatches(filter: Filter<Document>) {
    const [counted] = await walk.aggregate<{ n: number }>([{ $match: filter }, { $count: 'n' }]).toArray();
    expect({ filter, n: await walk.countDocuments(filter) }).toEqual({ filter, n: counted?.n ?? 0 });
    // the count that stops at a limit (counted from the value index with a LIMIT where the filter allows it)
    for (const limit of [1, 10]) {
      expect({ filter, limit, n: await walk.countDocuments(filter, { limit }) }).toEqual({
        filter,
        limit,
        n: Math.min(counted?.n ?? 0, limit),
      });
    }
    const unpushedIds = ids(await walk.find(unpushed(filter)).toArray());
    expect({ filter, ids: ids(await walk.find(filter).toArray()) }).toEqual({ filter, ids: unpushedIds });
  }

  const filtersToCheck: Filter<Document>[] = [
    {},
    { district: 'd1' },
    { district: 'd1', street: 's2' },
    { district: { $in: ['d1', 'd2'] }, street: { $eq: 's3' } },
    { district: 'd1', md: true },
    { district: 'd1', due: null },
    { district: 'd1', due: { $lt: new Date(base + 10 * day) } },
    { $and: [{ district: 'd2' }, { street: { $in: ['s1', 'nowhere', null] } }] },
    // what the ledger's counts ask: $ne, null, ranges, and an $exists the equality below it implies
    { district: 'd1', md: { $ne: true } },
    { district: 'd1', due: { $gte: new Date(base + 5 * day), $lte: new Date(base + 20 * day) } },
    { district: 'd1', due: { $ne: null }, closed: null },
    { place: { $exists: true }, 'place.street': 's1' },
    { place: { $exists: true }, 'place.street': { $ne: 's1' } },
    { 'place.street': { $gt: 's1' } },
    { due: { $lt: 5 } }, // a number against dates: nothing
    { district: 'd1', sealed: { $ne: true } },
    { district: 'd1', sealed: { $ne: false }, due: { $lt: new Date(base + 30 * day) } },
  ];
  const sortsToCheck: Record<string, 1 | -1>[] = [
    listSort,
    { md: 1, due: -1, wf: -1 },
    { due: 1 }, // ties (22 nulls, repeated dates)
    { md: -1 }, // ties (three values)
    { closed: 1, wf: 1 },
    { _id: -1 },
  ];
  async function expectAllSame() {
    for (const filter of filtersToCheck) {
      await expectSameMatches(filter);
      for (const sort of sortsToCheck) await expectSamePages(filter, sort);
    }
  }

  let onFerretDb = false;
  beforeAll(async () => {
    walk = mongoose.connection.db!.collection<Document>('walk');
    await walk.createIndex({ district: 1, md: -1, due: 1, wf: 1 });
    await walk.createIndex({ district: 1, street: 1, md: -1, due: 1, wf: 1 });
    await walk.createIndex({ district: 1, closed: 1, wf: 1 });
    await walk.createIndex({ 'place.street': 1, district: 1, md: 1, due: 1 });
    await walk.createIndex({ district: 1, sealed: 1, due: 1 });
    await walk.insertMany(rows);
    onFerretDb = (await explained({}, { due: 1 })).sortPushdown !== undefined;
  });

  it('a page in an index order walks the value index (no temporary sort), for a district and for a street', async () => {
    if (!onFerretDb) return; // MongoDB walks its own indexes; the plan text below is SQLite's
    const district = await explained({ district: 'd1' }, listSort);
    expect(district.sortPushdown).toBe(true);
    expect(district.plan).toMatch(/USING INDEX walk_\w+_district_1_md_-1_due_1_wf_1_cs_values \(<expr>=\?\)/);
    expect(district.plan).not.toMatch(/TEMP B-TREE/);
    const street = await explained({ district: 'd1', street: 's2' }, listSort);
    expect(street.plan).toMatch(
      /USING INDEX walk_\w+_district_1_street_1_md_-1_due_1_wf_1_cs_values \(<expr>=\? AND <expr>=\?\)/,
    );
    expect(street.plan).not.toMatch(/TEMP B-TREE/);
    // the opposite direction of every key walks the same index backwards; only ties are sorted (by natural order)
    const reverse = await explained({ district: 'd1' }, { md: 1, due: -1, wf: -1 });
    expect(reverse.sortPushdown).toBe(true);
    expect(reverse.plan).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
  });

  it('sorted pages and counts equal the store’s own, before and after writes that bring new kinds', async () => {
    await expectAllSame();

    // a string into a date field: that sort is the store's own again, every answer unchanged
    await walk.insertOne({ _id: 'x-string-due', district: 'd1', street: 's1', md: true, due: 'tomorrow', wf: 'wf-x1' });
    if (onFerretDb) {
      expect((await explained({ district: 'd1' }, listSort)).sortPushdown).toBe(false);
      expect((await explained({ district: 'd1' }, { md: -1, wf: 1 })).sortPushdown).toBe(true);
      expect((await explained({}, listSort)).kinds).toMatchObject({ due: 'null,string,date', md: 'null,bool' });
    }
    await expectAllSame();

    // an array into a scalar field that filters (the district): equalities on it keep the array's documents
    await walk.insertOne({ _id: 'x-array-district', district: ['d1', 'd2'], street: 's2', md: false, wf: 'wf-x2' });
    await expectAllSame();
    expect(ids(await walk.find({ district: 'd2', street: 's2' }).toArray())).toContain('x-array-district');

    // an update that makes a sort key an array
    await walk.updateOne({ _id: 'w004' }, { $set: { md: [true, false] } });
    if (onFerretDb) expect((await explained({ district: 'd1' }, { md: -1, wf: 1 })).sortPushdown).toBe(false);
    await expectAllSame();

    // a date next to nulls: still one kind (and null), still sorted in SQLite, in MongoDB's order
    await walk.updateMany({ street: 's3' }, { $set: { closed: new Date(base) } });
    await walk.updateOne({ _id: 'w006' }, { $set: { closed: new Date(base - day) } });
    if (onFerretDb) expect((await explained({ district: 'd1' }, { closed: 1, wf: 1 })).sortPushdown).toBe(true);
    await expectAllSame();

    // the record never shrinks: with the string gone it still names it (the sort falls back to checking the
    // documents the filter keeps, as before the record existed: slower, never wrong)
    await walk.deleteOne({ _id: 'x-string-due' });
    if (onFerretDb) {
      expect((await explained({}, listSort)).kinds).toMatchObject({
        district: 'string,array',
        due: 'null,string,date',
      });
    }
    await expectAllSame();
  }, 240_000); // six rounds of ~500 queries each against the real store, on a loaded 2-core machine
});

/**
 * The multikey index on an array's strings (sqlite-pushdown.patch, metadata/elements.go and pushdown_elements.go): an
 * index holding a top-level field that holds arrays (the ledger's `categories`) gets a side table of one row per
 * string element per document, kept by SQLite triggers; a sorted page with an equality on one string walks it in
 * index order, and a count of exact conditions counts its entries. Every answer must stay the store's own through the
 * shapes that could fool it (a string field, mixed elements, an ObjectId next to its hex string, escapes, missing
 * fields) and through every write that changes the array, deletes, index and collection drops.
 */
describe('the multikey index on an array of strings', () => {
  const day = 86_400_000;
  const base = Date.UTC(2026, 10, 1);
  const oidTag = new ObjectId('65a1b2c3d4e5f6a7b8c9d0e2');
  const tagSets: unknown[] = [
    ['a', 'b'],
    ['a'],
    ['b', 'c', 'a'],
    [],
    'a', // a string, not an array: {tags: 'a'} matches it
    ['c'],
    [1, 'a', { x: 'a' }, null], // mixed kinds: only the string counts
    [oidTag], // an ObjectId: its hex string must not match
    [oidTag.toHexString(), 'say "v"', '华阳', 'a\\b'],
    ['a', 'a'], // a string twice: one match, counted once
    undefined, // missing
    null,
    [new Date(base), 'd'],
    { a: 'a' }, // a document
  ];
  const rows: Document[] = Array.from({ length: 140 }, (_, i) => ({
    _id: `e${String(i).padStart(3, '0')}`,
    district: i % 5 === 0 ? 'd2' : 'd1',
    ...(tagSets[i % tagSets.length] === undefined ? {} : { tags: tagSets[i % tagSets.length] }),
    lb: i % 3 !== 0,
    merged: i % 23 === 0 ? oidTag : null,
    sealed: i % 19 === 0,
    due: i % 8 === 0 ? null : new Date(base + ((i * 37) % 30) * day), // ties
    wf: `wf-${String((i * 53) % 140).padStart(3, '0')}`,
    risk: ['low', 'high'][i % 2],
  }));
  const listSort = { due: 1, wf: 1 } as const;
  const index = { district: 1, tags: 1, lb: 1, merged: 1, sealed: 1, due: 1, wf: 1 } as const;
  let tagged: Collection<Document>;
  let onFerretDb = false;

  /** FerretDB's explain of a sorted page: whether it sorts in SQLite, and SQLite's plan as text. */
  async function explained(filter: Filter<Document>, sort: Record<string, 1 | -1> = listSort) {
    const e = (await tagged.find(filter).sort(sort).limit(10).explain()) as Document;
    return { sortPushdown: e.sortPushdown as boolean | undefined, plan: JSON.stringify(e.queryPlanner) };
  }

  const listOf = (tag: unknown, more: Filter<Document> = {}): Filter<Document> => ({
    district: 'd1',
    tags: tag,
    lb: true,
    merged: null,
    sealed: { $ne: true },
    ...more,
  });
  /** The list without the left-behind filter: the category alone. */
  const aloneOf = (tag: unknown, more: Filter<Document> = {}): Filter<Document> => ({
    district: 'd1',
    tags: tag,
    merged: null,
    sealed: { $ne: true },
    ...more,
  });
  const filtersToCheck: Filter<Document>[] = [
    listOf('a'),
    aloneOf('a'),
    aloneOf('b', { due: { $lt: new Date(base + 12 * day) } }),
    listOf('b'),
    listOf('a', { due: { $lt: new Date(base + 12 * day) } }),
    listOf({ $eq: 'c' }),
    listOf('a', { lb: false }),
    listOf('a', { risk: 'high' }), // a field the index does not hold: the store checks it on the documents
    { district: 'd1', tags: 'a' },
    { tags: 'a' },
    { tags: 'a', due: null },
    { district: 'd2', tags: 'b', sealed: { $ne: true }, merged: null },
    { tags: oidTag.toHexString() },
    { tags: oidTag },
    { tags: 'say "v"' },
    { tags: '华阳' },
    { tags: 'a\\b' },
    { tags: 'd' },
    { tags: 'nowhere' },
    { tags: 'a', $and: [{ tags: 'b' }] },
    { tags: { $in: ['a', 'c'] }, district: 'd1' },
    { tags: null },
    { 'tags.x': 'a' },
  ];
  const sortsToCheck: Record<string, 1 | -1>[] = [listSort, { due: -1, wf: -1 }, { wf: 1 }, { due: 1 }, {}];

  async function expectAllSame(c: Collection<Document> = tagged) {
    for (const filter of filtersToCheck) {
      const [counted] = await c.aggregate<{ n: number }>([{ $match: filter }, { $count: 'n' }]).toArray();
      const n = counted?.n ?? 0;
      expect({ filter, n: await c.countDocuments(filter) }).toEqual({ filter, n });
      expect({ filter, n: await c.countDocuments(filter, { limit: 3 }) }).toEqual({ filter, n: Math.min(n, 3) });
      const all = ids(await c.find(unpushed(filter)).toArray());
      expect({ filter, ids: ids(await c.find(filter).toArray()) }).toEqual({ filter, ids: all });
      for (const sort of sortsToCheck) {
        // ties (a sort not ending in wf) have no promised order: compare the sort values, and the whole set
        const unique = Object.keys(sort).at(-1) === 'wf';
        for (const { skip, limit } of [
          { skip: 3, limit: 5 },
          { skip: 0, limit: 0 },
        ]) {
          const pipeline: mongoose.mongo.Document[] = [{ $match: filter }];
          if (Object.keys(sort).length) pipeline.push({ $sort: sort });
          pipeline.push({ $skip: skip });
          if (limit) pipeline.push({ $limit: limit });
          const expected = await c.aggregate<Document>(pipeline).toArray();
          const got = await c.find(filter).sort(sort).skip(skip).limit(limit).toArray();
          if (!Object.keys(sort).length) {
            if (!limit) expect({ filter, all: ids(got) }).toEqual({ filter, all: ids(expected) });
            continue; // no sort: no promised order, and a page of it is any page
          }
          expectSamePage({ filter, sort, skip, limit }, got, expected, unique);
        }
      }
    }
  }

  /** Whether the list's page walks the side table's index with no temporary sort. */
  async function walksElements(filter: Filter<Document> = listOf('a')) {
    const { sortPushdown, plan } = await explained(filter);
    return sortPushdown === true && /_cs_elements_keys/.test(plan) && !/TEMP B-TREE/.test(plan);
  }

  beforeAll(async () => {
    tagged = mongoose.connection.db!.collection<Document>('tagged');
    await tagged.createIndex(index);
    await tagged.insertMany(rows);
    onFerretDb = (await explained({}, { due: 1 })).sortPushdown !== undefined;
  });

  it('a page with an equality on one string walks the side table in index order, and the list’s fields seek it', async () => {
    if (!onFerretDb) return; // MongoDB walks its own multikey index; the plan text below is SQLite's
    const list = await explained(listOf('a'));
    expect(list.sortPushdown).toBe(true);
    // the district, the string, left-behind, merged, sealed: five equalities, then the sort's order
    expect(list.plan).toMatch(
      /SEARCH s USING (COVERING )?INDEX tagged_\w+_cs_elements_keys \(k0=\? AND k1=\? AND k2=\? AND k3=\? AND k4=\?\)/,
    );
    expect(list.plan).not.toMatch(/TEMP B-TREE/);
    expect(list.plan).toMatch(/SEARCH c USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    // a sort the record does not allow on a field outside the index: the plan without the side table
    expect((await explained(listOf('a'), { risk: 1 })).plan).not.toMatch(/_cs_elements/);
  });

  it('of two side tables on the field, a page walks the one its filter fixes every other column of', async () => {
    // the ledger's two indexes: the list by category alone and by category and left-behind (models/child.ts); the one
    // without left-behind made first, so that the choice is by the filter and not by the order of the indexes
    const two = mongoose.connection.db!.collection<Document>('tagged_two');
    await two.createIndex({ district: 1, tags: 1, merged: 1, sealed: 1, due: 1, wf: 1 });
    await two.createIndex(index);
    await two.insertMany(rows);
    await expectAllSame(two);
    if (!onFerretDb) return; // the plan text below is SQLite's
    const plan = async (c: Collection<Document>, filter: Filter<Document>) =>
      JSON.stringify(((await c.find(filter).sort(listSort).limit(10).explain()) as Document).queryPlanner);
    // the category alone: district, string, merged, sealed sought in the index without left-behind, no sort
    const alone = await plan(two, aloneOf('a'));
    expect(alone).toMatch(
      /SEARCH s USING (COVERING )?INDEX tagged_two_\w+_cs_elements_keys \(k0=\? AND k1=\? AND k2=\? AND k3=\?\)/,
    );
    expect(alone).not.toMatch(/TEMP B-TREE/);
    // with left-behind both walk; the index holding it seeks five columns and leaves the handler nothing to drop
    const withLb = await plan(two, listOf('a'));
    expect(withLb).toMatch(/\(k0=\? AND k1=\? AND k2=\? AND k3=\? AND k4=\?\)/);
    expect(withLb).not.toMatch(/TEMP B-TREE/);
    // the collection with the left-behind index only: the category alone seeks two columns and sorts the range
    // (what the second index is for; and what tells this test's plans apart)
    const one = await plan(tagged, aloneOf('a'));
    expect(one).toMatch(/\(k0=\? AND k1=\?\)/);
    expect(one).toMatch(/TEMP B-TREE/);
    await two.drop();
  }, 120_000);

  it('pages and counts equal the store’s own, through writes that change the array, deletes and drops', async () => {
    await expectAllSame();

    // writes that change the array: an element added, removed, the array replaced by a string, by nothing, by mixed
    await tagged.updateOne({ _id: 'e001' }, { $push: { tags: 'z' } as never });
    await tagged.updateOne({ _id: 'e002' }, { $pull: { tags: 'a' } as never });
    await tagged.updateOne({ _id: 'e003' }, { $set: { tags: 'b' } });
    await tagged.updateOne({ _id: 'e004' }, { $unset: { tags: '' } });
    await tagged.updateOne({ _id: 'e006' }, { $set: { tags: [2, 'z', { y: 'a' }] } });
    await tagged.updateMany({ district: 'd2' }, { $addToSet: { tags: 'a' } as never }).catch(() => undefined);
    // a change of the other indexed fields moves the document within the index
    await tagged.updateMany({ tags: 'c' }, { $set: { lb: true, due: new Date(base + 3 * day) } });
    expect(ids(await tagged.find({ tags: 'z' }).toArray())).toEqual(['e001', 'e006']);
    expect(ids(await tagged.find({ _id: { $in: ['e002', 'e004'] }, tags: 'a' }).toArray())).toEqual([]);
    if (onFerretDb) expect(await walksElements()).toBe(true);
    await expectAllSame();

    // deletes and inserts
    await tagged.deleteOne({ _id: 'e000' });
    await tagged.deleteMany({ tags: 'b', district: 'd1' });
    await tagged.insertOne({
      _id: 'x-new',
      district: 'd1',
      tags: ['a', 'q'],
      lb: true,
      merged: null,
      sealed: false,
      wf: 'wf-x',
    });
    expect(ids(await tagged.find({ tags: 'q' }).toArray())).toEqual(['x-new']);
    await expectAllSame();

    // the index dropped: its side table with it (the plan without it), answers unchanged; created again: rebuilt
    // from the documents as they are now
    await tagged.dropIndex('district_1_tags_1_lb_1_merged_1_sealed_1_due_1_wf_1');
    if (onFerretDb) expect((await explained(listOf('a'))).plan).not.toMatch(/_cs_elements/);
    await expectAllSame();
    await tagged.createIndex(index);
    if (onFerretDb) expect(await walksElements()).toBe(true);
    await expectAllSame();

    // the collection dropped and made again under the same name, with other documents: nothing of the old side table
    await tagged.drop();
    await tagged.createIndex(index);
    await tagged.insertMany(rows.filter((_, i) => i % 2 === 1).map((r) => ({ ...r, tags: ['b', 'e'] })));
    expect(await tagged.countDocuments(listOf('a'))).toBe(0);
    expect(await tagged.find(listOf('a')).sort(listSort).toArray()).toEqual([]);
    if (onFerretDb) expect(await walksElements(listOf('b'))).toBe(true);
    await expectAllSame();
  }, 240_000); // four rounds of a few hundred queries against the real store, on a loaded 2-core machine

  it('a collection whose field first holds strings gets its side table with the first array, filled', async () => {
    const later = mongoose.connection.db!.collection<Document>('tagged_later');
    await later.createIndex({ district: 1, tags: 1, due: 1 });
    await later.insertMany([
      { _id: 's1', district: 'd1', tags: 'a', due: new Date(base + day) },
      { _id: 's2', district: 'd1', tags: 'b', due: new Date(base) },
    ]);
    const page = async () =>
      (await later.find({ district: 'd1', tags: 'a' }).sort({ due: 1 }).toArray()).map((d) => d._id);
    const plan = async () =>
      JSON.stringify(
        ((await later.find({ district: 'd1', tags: 'a' }).sort({ due: 1 }).explain()) as Document).queryPlanner,
      );
    if (onFerretDb) expect(await plan()).not.toMatch(/_cs_elements/); // strings only: the value index serves it
    expect(await page()).toEqual(['s1']);
    await later.insertOne({ _id: 's3', district: 'd1', tags: ['c', 'a'], due: new Date(base - day) });
    if (onFerretDb) expect(await plan()).toMatch(/_cs_elements_keys/);
    expect(await page()).toEqual(['s3', 's1']); // the string written before the array is in the side table
    expect(await later.countDocuments({ district: 'd1', tags: 'a' })).toBe(2);
  });
});

/**
 * The record on a FerretDB of this test's own, stopped and started on the same files: it survives a restart (it
 * never shrinks, so a kind that is gone is still remembered), and a store written before the record existed (here:
 * its table emptied and the value indexes dropped with the sqlite3 command-line tool while FerretDB is stopped) gets
 * both back when FerretDB starts, from one scan of the documents.
 */
describe('the record survives a restart, and a store written before it gets one', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinds-'));
  const dbName = 'kinds';
  let ferret: FerretDb | undefined;
  let client: mongoose.mongo.MongoClient | undefined;

  async function start() {
    ferret = await startFerretDb({ dataDir: path.join(dir, 'data'), logDir: dir });
    client = await mongoose.mongo.MongoClient.connect(ferret.uri, { serverSelectionTimeoutMS: 10_000 });
    return client.db(dbName).collection<Document>('cases');
  }
  async function stop() {
    await client?.close();
    await ferret?.stop();
    client = undefined;
    ferret = undefined;
  }
  afterAll(async () => {
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const sort = { due: 1, _id: 1 } as const;
  async function check(c: Collection<Document>) {
    const e = (await c.find({ district: 'd1' }).sort(sort).limit(5).explain()) as Document;
    const expected = (await c.aggregate([{ $match: { district: 'd1' } }, { $sort: sort }]).toArray()).map((d) => d._id);
    const got = (await c.find({ district: 'd1' }).sort(sort).toArray()).map((d) => d._id);
    expect(got).toEqual(expected);
    expect(await c.countDocuments({ district: 'd1' })).toBe(expected.length);
    const planner = e.queryPlanner as { kinds?: Record<string, string> };
    return { sortPushdown: e.sortPushdown, plan: JSON.stringify(planner), due: planner.kinds?.due };
  }

  it('remembers a kind across a restart, and rebuilds a missing record and value index at start', async () => {
    let c = await start();
    await c.createIndex({ district: 1, due: 1, _id: 1 });
    await c.insertMany(
      Array.from({ length: 40 }, (_, i) => ({
        _id: `c${String(i).padStart(2, '0')}`,
        district: i % 4 ? 'd1' : 'd2',
        due: i % 5 ? new Date(Date.UTC(2026, 0, 1 + ((i * 7) % 20))) : null,
      })),
    );
    expect(await check(c)).toMatchObject({ sortPushdown: true, due: 'null,date' });
    await c.insertOne({ _id: 'string-due', district: 'd1', due: 'soon' });
    await c.deleteOne({ _id: 'string-due' });
    // the record keeps the string (the sort falls back to the check of the documents, which finds none left)
    expect(await check(c)).toMatchObject({ sortPushdown: true, due: 'null,string,date' });

    await stop();
    c = await start();
    expect((await check(c)).due).toBe('null,string,date'); // remembered across the restart

    await stop();
    const file = path.join(dir, 'data', `${dbName}.sqlite`);
    const sql = (q: string) => execFileSync('sqlite3', [file, q], { encoding: 'utf8' });
    const valueIndexes = sql(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%_cs_values'`)
      .split('\n')
      .filter(Boolean);
    expect(valueIndexes.length).toBeGreaterThanOrEqual(2); // _id's and the compound one's
    sql(`DELETE FROM _ferretdb_childsafe_kinds; ${valueIndexes.map((n) => `DROP INDEX "${n}";`).join(' ')}`);
    expect(sql(`SELECT count(*) FROM sqlite_master WHERE name LIKE '%_cs_values'`).trim()).toBe('0');

    c = await start();
    const rebuilt = await check(c); // the record from the documents as they are now: dates and nulls only
    expect(rebuilt).toMatchObject({ sortPushdown: true, due: 'null,date' });
    expect(rebuilt.plan).toMatch(/_district_1_due_1__id_1_cs_values/);
    expect(rebuilt.plan).not.toMatch(/TEMP B-TREE/);
  });

  it('a store written before the multikey side tables gets them at start, filled and kept', async () => {
    await stop(); // the test above leaves its last FerretDB running on these files
    await start();
    const tagged = client!.db(dbName).collection<Document>('tagged');
    await tagged.createIndex({ district: 1, tags: 1, due: 1, _id: 1 });
    await tagged.insertMany(
      Array.from({ length: 30 }, (_, i) => ({
        _id: `t${String(i).padStart(2, '0')}`,
        district: i % 3 ? 'd1' : 'd2',
        tags: i % 4 ? ['a', `b${i % 2}`] : 'a',
        due: new Date(Date.UTC(2026, 0, 1 + ((i * 7) % 20))),
      })),
    );
    const filter = { district: 'd1', tags: 'b1' };
    const tagSort = { due: 1, _id: 1 } as const;
    const answers = async (t: Collection<Document>) => {
      const expected = (await t.aggregate([{ $match: filter }, { $sort: tagSort }]).toArray()).map((d) => d._id);
      expect((await t.find(filter).sort(tagSort).toArray()).map((d) => d._id)).toEqual(expected);
      expect(await t.countDocuments(filter)).toBe(expected.length);
      const e = (await t.find(filter).sort(tagSort).limit(5).explain()) as Document;
      return { n: expected.length, plan: JSON.stringify(e.queryPlanner) };
    };
    const before = await answers(tagged);
    expect(before.plan).toMatch(/_cs_elements_keys/);
    expect(before.n).toBeGreaterThan(3);

    await stop();
    const file = path.join(dir, 'data', `${dbName}.sqlite`);
    const sql = (q: string) => execFileSync('sqlite3', [file, q], { encoding: 'utf8' });
    const names = (type: string) =>
      sql(`SELECT name FROM sqlite_master WHERE type = '${type}' AND name LIKE '%_cs_elements%'`)
        .split('\n')
        .filter(Boolean);
    expect(names('trigger')).toHaveLength(3); // after insert, update, delete
    sql(
      [...names('trigger').map((n) => `DROP TRIGGER "${n}";`), ...names('table').map((n) => `DROP TABLE "${n}";`)].join(
        ' ',
      ),
    );
    expect(names('table')).toEqual([]);

    await start();
    const again = client!.db(dbName).collection<Document>('tagged');
    const rebuilt = await answers(again);
    expect(rebuilt).toEqual(before); // the side table back, filled from the documents, and walked
    // and kept by the triggers made again with it
    await again.updateOne({ _id: 't02' }, { $set: { tags: ['b1'] } }); // joins the list
    await again.updateOne({ _id: 't07' }, { $set: { tags: ['c'] } }); // leaves it
    await again.deleteOne({ _id: 't05' }); // leaves it
    const after = await answers(again);
    expect(after.n).toBe(before.n - 1);
    expect(after.plan).toMatch(/_cs_elements_keys/);
  });
});
