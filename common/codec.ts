/**
 * Payload codec: every payload ChildSafe hands to Temporal (workflow inputs, results, signals, updates, queries,
 * activity arguments) is encrypted with AES-256-GCM before it leaves the process, so the Temporal server and its
 * database never hold a child's data in clear. The key id travels in the payload's metadata, so keys can rotate:
 * new payloads use the current key, old ones still decrypt with the key they name.
 *
 * Scope. Every payload is also stamped with the workflow it belongs to (`childsafe-scope` metadata), taken from the
 * SerializationContext the TS SDK (1.24) passes to a PayloadCodec: the workflow's id for workflow inputs, results,
 * signals, updates and queries, the scheduling workflow's id for activity arguments and results, the child's id for a
 * child workflow. The scope is authenticated with the key id as GCM additional data, so it cannot be relabelled: the
 * codec endpoint for the Temporal UI (api/routes/codec.ts), which receives bare payloads and nothing else, reads the
 * scope, decides whether the signed-in user may see that workflow's case, and only then decrypts; a payload moved to
 * another scope fails to decrypt. Payloads written before scopes existed carry none: workers still decode them, the
 * endpoint refuses them.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { ApplicationFailure } from '@temporalio/common';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_ENCODING_KEY = 'encoding';
export const METADATA_KEY_ID = 'encryption-key-id';
/** The workflow id a payload belongs to; authenticated (GCM additional data) together with the key id. */
export const METADATA_SCOPE = 'childsafe-scope';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (s: string) => new TextEncoder().encode(s);
const fromUtf8 = (b: Uint8Array) => new TextDecoder().decode(b);

export class EncryptionCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;

  constructor(
    keys: Record<string, string>,
    private readonly currentKeyId: string,
  ) {
    this.keys = new Map(Object.entries(keys).map(([id, k]) => [id, Buffer.from(k, 'base64')]));
    for (const [id, key] of this.keys) {
      if (key.length !== 32) throw new Error(`payload key ${id} must be 32 bytes`);
    }
    if (!this.keys.has(currentKeyId)) throw new Error(`no payload key with id ${currentKeyId}`);
  }

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const key = this.keys.get(this.currentKeyId)!;
    const scope = context?.workflowId || undefined;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      // The key id and the scope are authenticated too: a payload cannot be re-labelled to another key or workflow.
      cipher.setAAD(additionalData(this.currentKeyId, scope));
      const plain = serializePayload(payload);
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING),
          [METADATA_KEY_ID]: utf8(this.currentKeyId),
          ...(scope ? { [METADATA_SCOPE]: utf8(scope) } : {}),
        },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || fromUtf8(encoding) !== ENCRYPTED_ENCODING) return payload;
      const keyIdBytes = payload.metadata?.[METADATA_KEY_ID];
      const keyId = keyIdBytes ? fromUtf8(keyIdBytes) : '';
      const key = this.keys.get(keyId);
      if (!key) throw ApplicationFailure.nonRetryable(`unknown payload key id "${keyId}"`, 'PayloadKeyUnknown');
      const data = Buffer.from(payload.data ?? new Uint8Array());
      const iv = data.subarray(0, IV_BYTES);
      const tag = data.subarray(data.length - TAG_BYTES);
      const body = data.subarray(IV_BYTES, data.length - TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(additionalData(keyId, payloadScope(payload)));
      decipher.setAuthTag(tag);
      return deserializePayload(Buffer.concat([decipher.update(body), decipher.final()]));
    });
  }
}

/** True for a payload this codec encrypted (others pass through decode unchanged). */
export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  return !!encoding && fromUtf8(encoding) === ENCRYPTED_ENCODING;
}

/** The workflow id an encrypted payload claims to belong to; only decryption proves the claim. */
export function payloadScope(payload: Payload): string | undefined {
  const scope = payload.metadata?.[METADATA_SCOPE];
  return scope && scope.length ? fromUtf8(scope) : undefined;
}

/** GCM additional data: the key id alone for payloads from before scopes (so they still decrypt), else id and scope. */
function additionalData(keyId: string, scope: string | undefined): Uint8Array {
  return utf8(scope === undefined ? keyId : `${keyId}\nscope:${scope}`);
}

/** A payload as bytes: metadata and data, length-prefixed, so the encrypted blob carries the original encoding. */
function serializePayload(payload: Payload): Buffer {
  const meta = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  );
  const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(metaBytes.length);
  return Buffer.concat([len, metaBytes, Buffer.from(payload.data ?? new Uint8Array())]);
}

function deserializePayload(bytes: Buffer): Payload {
  const metaLength = bytes.readUInt32BE(0);
  const meta = JSON.parse(bytes.subarray(4, 4 + metaLength).toString('utf8')) as Record<string, string>;
  return {
    metadata: Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
    data: new Uint8Array(bytes.subarray(4 + metaLength)),
  };
}

export function createEncryptionCodec(config: { PAYLOAD_KEYS: Record<string, string>; PAYLOAD_KEY_ID: string }) {
  return new EncryptionCodec(config.PAYLOAD_KEYS, config.PAYLOAD_KEY_ID);
}
