/**
 * The directory and account caches (models/cache-stamps.ts) on the real FerretDB: the directory is read once and
 * kept; any write through the models is seen at once in the same process; another process (here: a second copy of
 * the modules, with its own mongoose and connection) refuses a deactivated account on its next look-up after the
 * deactivation returned, though it reads the stamp only every AUTH_STAMP_AGE_MS/2 or so, and sees a directory change
 * within a second; a sign-in failure count leaves the caches alone.
 */
import mongoose from 'mongoose';
import { createUserRepository, UserModel } from '../../models/user';
import { AgencyModel, ensureIndexes } from '../../models';
import { AUTH_STAMP_AGE_MS } from '../../models/cache-stamps';
import {
  committeeKnown,
  defaultCommittee,
  districtAgency,
  districtKnown,
  findAgency,
  responsibleAgencies,
  streetKnown,
} from '../../models/agency-directory';
import { cachedAccountLookup } from '../../models/user-cache';
import { seedDirectory } from '../../models/seed/directory';
import { testDatabaseUri } from '../helpers/mongo';
import { eventually } from '../helpers/eventually';

jest.setTimeout(60_000); // the real FerretDB: seeding and a second connection take seconds on a busy 2-core machine

const CN = '310105';

type Directory = typeof import('../../models/agency-directory');
type UserCache = typeof import('../../models/user-cache');
type Users = typeof import('../../models/user');
type Mongoose = typeof mongoose;

/** A second "process": its own module registry, so its own mongoose, connection and caches. */
let other: { directory: Directory; userCache: UserCache; users: Users; mongoose: Mongoose };
let drop: () => Promise<void>;
const commands: string[] = [];

beforeAll(async () => {
  const uri = testDatabaseUri('caches');
  await mongoose.connect(uri, { serverSelectionTimeoutMS: 10_000, monitorCommands: true });
  drop = async () => {
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
  };
  mongoose.connection.getClient().on('commandStarted', (e) => {
    const collection: unknown = e.command[e.commandName];
    commands.push(`${typeof collection === 'string' ? collection : '-'}.${e.commandName}`);
  });
  await ensureIndexes();
  await seedDirectory();
  await jest.isolateModulesAsync(async () => {
    other = {
      directory: await import('../../models/agency-directory'),
      userCache: await import('../../models/user-cache'),
      users: await import('../../models/user'),
      mongoose: (await import('mongoose')).default,
    };
  });
  await other.mongoose.connect(uri, { serverSelectionTimeoutMS: 10_000 });
});
afterAll(async () => {
  await other?.mongoose.disconnect();
  await drop();
});

const counted = (prefix: string) => commands.filter((c) => c.startsWith(prefix)).length;

describe('the directory cache', () => {
  it("answers a report's routing and place checks from one read of the directory", async () => {
    await findAgency('warm-up');
    commands.length = 0;
    const place = { districtCode: CN, streetCode: 'huayang' };
    const committee = await defaultCommittee(CN, 'huayang');
    const [agencies, police, bureau] = await Promise.all([
      responsibleAgencies({ ...place, ...(committee ? { committeeCode: committee } : {}) }),
      districtAgency(CN, 'police_substation'),
      districtAgency(CN, 'civil_affairs'),
    ]);
    expect(await districtKnown(CN)).toBe(true);
    expect(await streetKnown(CN, 'huayang')).toBe(true);
    expect(await streetKnown(CN, 'no-such-street')).toBe(false);
    expect(await committeeKnown(CN, 'huayang', committee!)).toBe(true);
    expect(agencies.police_station).toBeDefined();
    expect(police).toBeDefined();
    expect(bureau).toBeDefined();
    expect(counted('agencies.')).toBe(0);
    // The stamp is read (at most once a second for the directory), the agencies not at all.
    expect(counted('cachestamps.find')).toBeLessThanOrEqual(1);
  });

  it('answers exactly what the database holds, agency by agency', async () => {
    const stored = await AgencyModel.find({ 'jurisdiction.districtCode': CN, level: 'district' }).lean();
    for (const agency of stored) {
      expect(await findAgency(agency.code)).toMatchObject({ code: agency.code, type: agency.type, name: agency.name });
    }
    const firstCommittee = await AgencyModel.findOne({
      level: 'committee',
      'jurisdiction.districtCode': CN,
      'jurisdiction.streetCode': 'huayang',
    })
      .sort({ code: 1 })
      .lean();
    expect(await defaultCommittee(CN, 'huayang')).toBe(firstCommittee?.jurisdiction?.committeeCode);
  });

  it('sees an agency added, changed and removed through the model at once in the same process', async () => {
    const code = 'cn.test.cache-added';
    expect(await findAgency(code)).toBeNull();
    expect(await streetKnown(CN, 'cache-street')).toBe(false);
    await AgencyModel.create({
      code,
      name: { zh: '缓存测试街道办事处', en: 'Cache test street office' },
      type: 'street_office',
      level: 'street_township',
      jurisdiction: { districtCode: CN, streetCode: 'cache-street' },
    });
    expect(await streetKnown(CN, 'cache-street')).toBe(true);
    expect(await responsibleAgencies({ districtCode: CN, streetCode: 'cache-street' })).toMatchObject({
      street_office: code,
    });

    await AgencyModel.updateOne({ code }, { $set: { 'name.zh': '缓存测试街道（改名）' } });
    expect((await findAgency(code))?.name.zh).toBe('缓存测试街道（改名）');

    await AgencyModel.deleteOne({ code });
    expect(await findAgency(code)).toBeNull();
    expect(await streetKnown(CN, 'cache-street')).toBe(false);
  });

  it('gives every caller the same frozen record, so no caller can change what the next one reads', async () => {
    const bureau = await districtAgency(CN, 'civil_affairs');
    const agency = await findAgency(bureau!);
    expect(Object.isFrozen(agency)).toBe(true);
    expect(Object.isFrozen(agency!.jurisdiction)).toBe(true);
  });

  it('lets another process see a directory change within a second (its stamp is read at most once a second)', async () => {
    const code = 'cn.test.cache-elsewhere';
    expect(await other.directory.findAgency(code)).toBeNull();
    await AgencyModel.create({
      code,
      name: { zh: '另一进程测试', en: 'Other process test' },
      type: 'police_station',
      level: 'street_township',
      jurisdiction: { districtCode: CN, streetCode: 'elsewhere' },
    });
    await eventually(async () => expect(await other.directory.findAgency(code)).toMatchObject({ code }));
  });
});

describe('the account cache', () => {
  const users = createUserRepository();

  async function newAccount(email: string) {
    return users.create({
      email,
      displayName: 'Cache test',
      role: 'agency_staff',
      agencyCode: 'cn.police.huayang',
      jurisdiction: { districtCode: CN, streetCode: 'huayang' },
      passwordHash: 'unused',
    });
  }

  const stampOfUsers = async () =>
    (await mongoose.connection.collection('cachestamps').findOne({}, { projection: { users: 1 } }))?.users as
      | string
      | undefined;

  it('refuses an account deactivated in another process on the next look-up, in every process', async () => {
    const user = await newAccount('cache.deactivated@changning.demo.childsafe.local');
    const id = String(user._id);
    const here = cachedAccountLookup(users);
    const there = other.userCache.cachedAccountLookup(other.users.createUserRepository());
    expect(await here.findById(id)).toMatchObject({ active: true, tokenVersion: 0 });
    expect(await there.findById(id)).toMatchObject({ active: true, tokenVersion: 0 });

    // A direct write, as an operator's script would make it: the model's middleware stamps it all the same.
    await UserModel.updateOne({ _id: user._id }, { $set: { active: false } });
    expect(await here.findById(id)).toMatchObject({ active: false });
    expect(await there.findById(id)).toMatchObject({ active: false });

    await users.revokeTokens(id);
    expect(await there.findById(id)).toMatchObject({ tokenVersion: 1 });
  });

  it('reads the stamp for a stream of sign-ins no more than twice per AUTH_STAMP_AGE_MS, not once per request', async () => {
    const user = await newAccount('cache.stream@changning.demo.childsafe.local');
    const id = String(user._id);
    const lookup = cachedAccountLookup(users);
    await lookup.findById(id);
    commands.length = 0;
    const started = performance.now();
    for (let i = 0; i < 40; i += 1) expect(await lookup.findById(id)).toMatchObject({ active: true });
    const elapsed = performance.now() - started;
    // A kept read serves every look-up for AUTH_STAMP_AGE_MS and is renewed in the background once half as old.
    expect(counted('cachestamps.find')).toBeLessThanOrEqual(1 + Math.ceil(elapsed / (AUTH_STAMP_AGE_MS / 2)));
    expect(counted('cachestamps.find')).toBeLessThan(40);
    expect(counted('users.')).toBe(0);
  });

  it('returns from a change to an account only AUTH_STAMP_AGE_MS after stamping it', async () => {
    const user = await newAccount('cache.spread@changning.demo.childsafe.local');
    const changed = performance.now();
    await users.revokeTokens(String(user._id));
    // The wait is what lets every process keep a stamp read that long (the test above).
    expect(performance.now() - changed).toBeGreaterThanOrEqual(AUTH_STAMP_AGE_MS);
  });

  it('keeps no password hash in memory', async () => {
    const user = await newAccount('cache.hash@changning.demo.childsafe.local');
    const cached = await cachedAccountLookup(users).findById(String(user._id));
    expect(cached).not.toHaveProperty('passwordHash');
    expect(cached).not.toHaveProperty('passwordReset');
  });

  it('keeps the caches through a sign-in failure count and lock, which they do not hold', async () => {
    const user = await newAccount('cache.failures@changning.demo.childsafe.local');
    const before = await stampOfUsers();
    expect(before).toBeDefined();
    const now = new Date();
    await users.recordFailedLogin(user._id, { now, maxFailures: 5, lockUntil: new Date(now.getTime() + 60_000) });
    await users.recordSuccessfulLogin(user._id);
    expect(await stampOfUsers()).toBe(before);
    await users.update(String(user._id), { displayName: 'Renamed' });
    expect(await stampOfUsers()).not.toBe(before);
  });
});
