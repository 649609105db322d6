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
import mongoose from 'mongoose';
import { connectTestDatabase } from '../helpers/mongo';

/** Documents whose `_id` is a string or an ObjectId (the driver's default type says ObjectId only). */
type Document = { _id: string | mongoose.mongo.ObjectId; [field: string]: unknown };
type Filter<T> = mongoose.mongo.Filter<T>;
type Collection<T extends mongoose.mongo.Document> = mongoose.mongo.Collection<T>;
const { ObjectId } = mongoose.mongo;

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
];

/** The same filter, in a form the store cannot push down: FerretDB filters every document itself. */
const unpushed = (filter: Filter<Document>): Filter<Document> => ({ $nor: [{ $nor: [filter] }] });

const ids = (docs: { _id?: unknown }[]) => docs.map((d) => String(d._id)).sort();

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
      expect(text).toMatch(new RegExp(`USING INDEX \\w+${indexSuffix.replace(/\./g, '\\.')}\\b`));
      expect(text).not.toMatch(/detail=SCAN/);
    } else {
      expect(text).toMatch(/IXSCAN|IDHACK|EXPRESS_IXSCAN/);
    }
  });

  it('a filter with nothing to push down still scans (the test above can tell the difference)', async () => {
    const text = await plan({ n: { $gt: 0 } });
    if (text.includes('detail=')) expect(text).toMatch(/detail=SCAN/);
    else expect(text).toMatch(/COLLSCAN/);
  });
});
