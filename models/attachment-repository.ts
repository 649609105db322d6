/**
 * Attachments of a case (issue 15 item 4): photos of an injury, a scanned 告诫书, a police certificate, a court
 * judgment. The bytes are stored in MongoDB GridFS (bucket `attachments`; it works on FerretDB v1 too, see
 * test/integration/attachments.test.ts), encrypted at rest like identity numbers (models/identity-crypto.ts):
 * AES-256-GCM with a key derived by HKDF from CHILD_DATA_KEY under its own label, a fresh IV per file; the file's
 * original name is sealed the same way. GridFS holds only ciphertext, and its `filename` is a random id.
 *
 * Only JPEG, PNG and PDF are taken, recognised by their first bytes (not by the name or the declared type).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import mongoose, { Types } from 'mongoose';

export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** The type the bytes are, by their magic number, or undefined for anything else. */
export function sniffAttachmentType(bytes: Uint8Array): AttachmentType | undefined {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'application/pdf'; // "%PDF-"
  return undefined;
}

export function deriveAttachmentKey(childDataKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', childDataKey, Buffer.alloc(0), 'childsafe attachment-encryption', 32));
}

interface Sealed {
  iv: Buffer;
  tag: Buffer;
  data: Buffer;
}

function seal(key: Buffer, plain: Buffer, aad: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), data };
}

function open(key: Buffer, sealed: Sealed, aad: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.tag);
  return Buffer.concat([decipher.update(sealed.data), decipher.final()]);
}

export interface AttachmentInfo {
  id: string;
  caseWorkflowId: string;
  name: string;
  contentType: AttachmentType;
  size: number;
  uploadedBy: string;
  uploaderAgencyCode: string;
  uploadedAt: Date;
}

interface StoredMetadata {
  caseWorkflowId: string;
  contentType: AttachmentType;
  size: number;
  uploadedBy: string;
  uploaderAgencyCode: string;
  uploadedAt: Date;
  iv: string;
  tag: string;
  name: { iv: string; tag: string; data: string };
}

export interface AttachmentStore {
  save(input: {
    caseWorkflowId: string;
    name: string;
    bytes: Buffer;
    contentType: AttachmentType;
    uploadedBy: string;
    uploaderAgencyCode: string;
  }): Promise<AttachmentInfo>;
  list(caseWorkflowId: string): Promise<AttachmentInfo[]>;
  /** The attachment with its decrypted bytes, if it belongs to the case. */
  read(caseWorkflowId: string, id: string): Promise<{ info: AttachmentInfo; bytes: Buffer } | undefined>;
  /** Whether an attachment of this id belongs to the case (for evidence references). */
  exists(caseWorkflowId: string, id: string): Promise<boolean>;
}

const BUCKET = 'attachments';

export function createAttachmentStore(options: { key: Buffer; connection?: mongoose.Connection }): AttachmentStore {
  if (options.key.length !== 32) throw new Error('attachment key must be 32 bytes');
  const { key } = options;
  const bucket = () => {
    const db = (options.connection ?? mongoose.connection).db;
    if (!db) throw new Error('database not connected');
    return new mongoose.mongo.GridFSBucket(db, { bucketName: BUCKET });
  };
  // The sealed bytes are bound to their case and file id: moved to another case, they do not open.
  const aadOf = (caseWorkflowId: string, id: string, part: string) => `${caseWorkflowId}|${id}|${part}`;

  const infoOf = (id: Types.ObjectId, m: StoredMetadata): AttachmentInfo => ({
    id: id.toHexString(),
    caseWorkflowId: m.caseWorkflowId,
    name: open(
      key,
      {
        iv: Buffer.from(m.name.iv, 'base64'),
        tag: Buffer.from(m.name.tag, 'base64'),
        data: Buffer.from(m.name.data, 'base64'),
      },
      aadOf(m.caseWorkflowId, id.toHexString(), 'name'),
    ).toString('utf8'),
    contentType: m.contentType,
    size: m.size,
    uploadedBy: m.uploadedBy,
    uploaderAgencyCode: m.uploaderAgencyCode,
    uploadedAt: new Date(m.uploadedAt),
  });

  const find = async (caseWorkflowId: string, id: string) => {
    if (!Types.ObjectId.isValid(id) || !/^[0-9a-f]{24}$/i.test(id)) return undefined;
    const [file] = await bucket()
      .find({ _id: new Types.ObjectId(id), 'metadata.caseWorkflowId': caseWorkflowId })
      .toArray();
    return file;
  };

  return {
    async save(input) {
      const id = new Types.ObjectId();
      const hex = id.toHexString();
      const body = seal(key, input.bytes, aadOf(input.caseWorkflowId, hex, 'bytes'));
      const name = seal(key, Buffer.from(input.name, 'utf8'), aadOf(input.caseWorkflowId, hex, 'name'));
      const metadata: StoredMetadata = {
        caseWorkflowId: input.caseWorkflowId,
        contentType: input.contentType,
        size: input.bytes.length,
        uploadedBy: input.uploadedBy,
        uploaderAgencyCode: input.uploaderAgencyCode,
        uploadedAt: new Date(),
        iv: body.iv.toString('base64'),
        tag: body.tag.toString('base64'),
        name: { iv: name.iv.toString('base64'), tag: name.tag.toString('base64'), data: name.data.toString('base64') },
      };
      await new Promise<void>((resolve, reject) => {
        const upload = bucket().openUploadStreamWithId(id, randomUUID(), { metadata });
        upload.on('error', reject).on('finish', () => resolve());
        upload.end(body.data);
      });
      return infoOf(id, metadata);
    },

    async list(caseWorkflowId) {
      const files = await bucket()
        .find({ 'metadata.caseWorkflowId': caseWorkflowId })
        .sort({ uploadDate: 1 })
        .toArray();
      return files.map((f) => infoOf(f._id as Types.ObjectId, f.metadata as StoredMetadata));
    },

    async read(caseWorkflowId, id) {
      const file = await find(caseWorkflowId, id);
      if (!file) return undefined;
      const m = file.metadata as StoredMetadata;
      const chunks: Buffer[] = [];
      await new Promise<void>((resolve, reject) => {
        bucket()
          .openDownloadStream(file._id)
          .on('data', (c: Buffer) => chunks.push(c))
          .on('error', reject)
          .on('end', () => resolve());
      });
      const bytes = open(
        key,
        { iv: Buffer.from(m.iv, 'base64'), tag: Buffer.from(m.tag, 'base64'), data: Buffer.concat(chunks) },
        aadOf(caseWorkflowId, id, 'bytes'),
      );
      return { info: infoOf(file._id as Types.ObjectId, m), bytes };
    },

    async exists(caseWorkflowId, id) {
      return (await find(caseWorkflowId, id)) !== undefined;
    },
  };
}
