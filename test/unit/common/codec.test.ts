import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec, METADATA_KEY_ID, METADATA_SCOPE, payloadScope } from '../../../common/codec';

const key = () => randomBytes(32).toString('base64');

describe('the payload encryption codec', () => {
  const child = { name: '张小明', idNumber: '310105201501011234' };
  const payload = defaultPayloadConverter.toPayload(child)!;

  it('hides the payload: no name or ID number in the encoded bytes, and the key id in the metadata', async () => {
    const codec = new EncryptionCodec({ k1: key() }, 'k1');
    const [encoded] = await codec.encode([payload]);
    const bytes = Buffer.from(encoded!.data!);
    expect(bytes.includes(Buffer.from('张小明'))).toBe(false);
    expect(bytes.includes(Buffer.from('310105201501011234'))).toBe(false);
    expect(Buffer.from(encoded!.metadata![METADATA_KEY_ID]!).toString()).toBe('k1');
  });

  it('round-trips payloads with their original encoding', async () => {
    const codec = new EncryptionCodec({ k1: key() }, 'k1');
    const [decoded] = await codec.decode(await codec.encode([payload]));
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(child);
  });

  it('decodes payloads written under an older key after the current key rotates', async () => {
    const oldKey = key();
    const before = new EncryptionCodec({ k1: oldKey }, 'k1');
    const encoded = await before.encode([payload]);
    const after = new EncryptionCodec({ k1: oldKey, k2: key() }, 'k2');
    const [decoded] = await after.decode(encoded);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(child);
    const [reencoded] = await after.encode([payload]);
    expect(Buffer.from(reencoded!.metadata![METADATA_KEY_ID]!).toString()).toBe('k2');
  });

  it('refuses a tampered payload', async () => {
    const codec = new EncryptionCodec({ k1: key() }, 'k1');
    const [encoded] = await codec.encode([payload]);
    const data = Buffer.from(encoded!.data!);
    data[20] = data[20]! ^ 0xff;
    await expect(codec.decode([{ ...encoded!, data }])).rejects.toThrow();
  });

  it('refuses a payload whose key id was relabelled to another key', async () => {
    const codec = new EncryptionCodec({ k1: key(), k2: key() }, 'k1');
    const [encoded] = await codec.encode([payload]);
    const relabelled = { ...encoded!, metadata: { ...encoded!.metadata, [METADATA_KEY_ID]: Buffer.from('k2') } };
    await expect(codec.decode([relabelled])).rejects.toThrow();
  });

  it('passes through payloads that were never encrypted', async () => {
    const codec = new EncryptionCodec({ k1: key() }, 'k1');
    const [decoded] = await codec.decode([payload]);
    expect(decoded).toBe(payload);
  });

  it('stamps the workflow it belongs to from the SDK serialization context, authenticated, and still decodes unscoped payloads', async () => {
    const codec = new EncryptionCodec({ k1: key() }, 'k1');
    const context = { type: 'activity' as const, namespace: 'default', workflowId: 'case-1/task-1-x', isLocal: false };
    const [scoped] = await codec.encode([payload], context);
    expect(payloadScope(scoped!)).toBe('case-1/task-1-x');
    expect(defaultPayloadConverter.fromPayload((await codec.decode([scoped!]))[0]!)).toEqual(child);
    const relabelled = { ...scoped!, metadata: { ...scoped!.metadata, [METADATA_SCOPE]: Buffer.from('case-2') } };
    await expect(codec.decode([relabelled])).rejects.toThrow();
    const stripped = { ...scoped!, metadata: { ...scoped!.metadata } };
    delete stripped.metadata[METADATA_SCOPE];
    await expect(codec.decode([stripped])).rejects.toThrow();
    const [unscoped] = await codec.encode([payload]);
    expect(payloadScope(unscoped!)).toBeUndefined();
    expect(defaultPayloadConverter.fromPayload((await codec.decode([unscoped!]))[0]!)).toEqual(child);
  });
});
