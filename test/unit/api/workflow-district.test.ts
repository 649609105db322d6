import { getPolicyPack } from '../../../policies';
import { districtOfPack } from '../../../api/read-models/workflow-district';

describe('the district of a workflow input’s pinned pack (codec scope)', () => {
  const pack = getPolicyPack('ft-fengtai', '1.0.0');

  it('reads a reference from the bundled pack file', () => {
    expect(districtOfPack({ id: 'ft-fengtai', version: '1.0.0' })).toBe(pack.district.code);
  });

  it('reads a whole pack as inputs recorded before references carry it', () => {
    expect(districtOfPack(JSON.parse(JSON.stringify(pack)) as typeof pack)).toBe(pack.district.code);
  });

  it('proves nothing for an unknown pack or an input without one', () => {
    expect(districtOfPack({ id: 'ft-fengtai', version: '9.9.9' })).toBeNull();
    expect(districtOfPack({ id: 42, version: '1.0.0' })).toBeNull();
    expect(districtOfPack(undefined)).toBeNull();
  });
});
