/**
 * The court's designation written to the child's file on the real FerretDB (issue #17 item 3, CN 四(四)3): the old
 * guardians become revoked, the designated guardian is added, a history entry names the judgment, and a retry of the
 * same judgment writes nothing twice. A child id that is no file (a workflow test's id) is skipped.
 */
import mongoose from 'mongoose';
import { ensureIndexes } from '../../models';
import { ChildModel } from '../../models/child';
import { recordCourtDesignatedGuardian } from '../../models/child-repository';
import { connectTestDatabase } from '../helpers/mongo';

jest.setTimeout(60_000); // the real FerretDB: index builds and writes take seconds on a busy 2-core machine

let disconnect: () => Promise<void>;
beforeAll(async () => {
  disconnect = await connectTestDatabase('court-designation');
  await ensureIndexes();
});
afterAll(() => disconnect());

describe('a court designation on the child file', () => {
  it('revokes the old guardians, adds the designated one with a history entry, once per judgment', async () => {
    const child = await ChildModel.create({
      identityKey: `test-${new mongoose.Types.ObjectId().toHexString()}`,
      name: '王小红',
      districtCode: '310105',
      guardians: [
        { name: '王父', relation: 'father', status: 'able' },
        { name: '王母', relation: 'mother', status: 'working_away' },
      ],
    });
    const designation = {
      childId: child._id.toHexString(),
      caseId: 'case-x',
      guardian: { name: '李阿姨', relation: '姨母' },
      civilAffairs: false,
      judgmentRef: '(2026)沪0105民特1号',
      designatedAt: '2026-12-01T02:00:00.000Z',
    };
    await recordCourtDesignatedGuardian(designation);
    await recordCourtDesignatedGuardian(designation);
    const file = await ChildModel.findById(child._id).lean();
    expect(file?.guardians.map((g) => [g.name, g.relation, g.status])).toEqual([
      ['王父', 'father', 'guardianship_revoked'],
      ['王母', 'mother', 'guardianship_revoked'],
      ['李阿姨', 'relative', 'able'],
    ]);
    const entries = file?.history.filter((h) => h.event === 'guardian_designated') ?? [];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ caseWorkflowId: 'case-x', note: 'court_designation:(2026)沪0105民特1号' });

    // Civil affairs designated by the court is recorded as an institution.
    await recordCourtDesignatedGuardian({
      ...designation,
      guardian: { name: '长宁区民政局', relation: '民政部门' },
      civilAffairs: true,
      judgmentRef: '(2027)沪0105民特2号',
    });
    const later = await ChildModel.findById(child._id).lean();
    expect(later?.guardians.at(-1)).toMatchObject({ name: '长宁区民政局', relation: 'institution', status: 'able' });
    expect(later?.guardians.filter((g) => g.status === 'able')).toHaveLength(1);
  });

  it('skips a child id that is no file', async () => {
    await expect(
      recordCourtDesignatedGuardian({
        childId: 'child-not-a-file',
        caseId: 'case-y',
        guardian: { name: 'x', relation: 'y' },
        civilAffairs: false,
        judgmentRef: 'j',
        designatedAt: '2026-12-01T02:00:00.000Z',
      }),
    ).resolves.toBeUndefined();
  });
});
