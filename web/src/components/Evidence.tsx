/**
 * Evidence that is a file of the case (issue 15 item 4): an evidence field (a legal step, the police certificate, a
 * court outcome…) holds a document number or `attachment:<id>`, a photo or scan attached to the same case. The picker
 * under such a field chooses one of the case's attachments or uploads a new one and fills the field in; the server
 * checks the reference. On the case page a reference to an attachment is a link that downloads the file (the read is
 * audited), named by the file's name, never by its id.
 */
import { useState, type ReactNode } from 'react';
import { ATTACHMENT_MAX_MB, attachmentIdOfRef, type AttachmentView } from '../../../contracts/case-records';
import { ApiError } from '../api/client';
import { caseRecords } from '../api/case-records';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';

const WORDS = {
  choose: { zh: '选择本个案已上传的附件', en: 'Choose an attached file' },
  none: { zh: '（不用附件）', en: '(no attachment)' },
  attach: { zh: '或上传文件作为证据', en: 'Or attach a file as the evidence' },
  hint: {
    zh: `JPEG、PNG 或 PDF，不超过 ${ATTACHMENT_MAX_MB} MB；上传后即填入上面的证据栏。`,
    en: `JPEG, PNG or PDF, at most ${ATTACHMENT_MAX_MB} MB; once uploaded it fills in the evidence above.`,
  },
  uploading: { zh: '正在上传…', en: 'Uploading…' },
  tooLarge: { zh: `文件超过 ${ATTACHMENT_MAX_MB} MB，不能上传。`, en: `The file is over ${ATTACHMENT_MAX_MB} MB.` },
  failed: { zh: '附件未能上传，请重试。', en: 'The file could not be uploaded; try again.' },
  attachment: { zh: '附件', en: 'Attachment' },
};

/** The case's attachments, loaded once per component. */
function useAttachments(caseId: string) {
  return useLoad(() => caseRecords.attachments(caseId), [caseId]);
}

/** Under an evidence field: choose an attachment of the case, or upload one; either fills the field with its ref. */
export function EvidencePicker(props: { caseId: string; id: string; value: string; onPick(ref: string): void }) {
  const { pick } = useI18n();
  const list = useAttachments(props.caseId);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [inputKey, setInputKey] = useState(0);
  const items: AttachmentView[] = list.status === 'ready' ? list.data.items : [];
  const chosen = items.some((a) => a.ref === props.value) ? props.value : '';

  const upload = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > ATTACHMENT_MAX_MB * 1024 * 1024) return setError(pick(WORDS.tooLarge));
    setBusy(true);
    setError(null);
    try {
      const saved = await caseRecords.upload(props.caseId, file);
      list.reload();
      props.onPick(saved.ref);
      setInputKey((k) => k + 1);
    } catch (err) {
      setError(err instanceof ApiError ? (Object.values(err.fields)[0] ?? err.message) : pick(WORDS.failed));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="evidence-picker" data-testid={`evidence-${props.id}`}>
      <label htmlFor={`${props.id}-choose`} className="small">
        {pick(WORDS.choose)}
      </label>
      <select id={`${props.id}-choose`} value={chosen} onChange={(e) => props.onPick(e.target.value)}>
        <option value="">{pick(WORDS.none)}</option>
        {items.map((a) => (
          <option key={a.id} value={a.ref}>
            {a.name}
          </option>
        ))}
      </select>
      <label htmlFor={`${props.id}-file`} className="small">
        {pick(WORDS.attach)}
      </label>
      <input
        key={inputKey}
        id={`${props.id}-file`}
        type="file"
        accept="image/jpeg,image/png,application/pdf"
        disabled={busy}
        aria-describedby={`${props.id}-hint`}
        onChange={(e) => void upload(e.target.files?.[0])}
      />
      <p className="hint" id={`${props.id}-hint`}>
        {busy ? pick(WORDS.uploading) : pick(WORDS.hint)}
      </p>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** An evidence value as shown: a download link named by the file when it is an attachment, else the text itself. */
export function EvidenceRef({ caseId, value }: { caseId: string; value: string | null | undefined }) {
  const id = value ? attachmentIdOfRef(value) : undefined;
  if (!value) return <>—</>;
  if (!id) return <>{value}</>;
  return <AttachmentLink caseId={caseId} id={id} />;
}

function AttachmentLink({ caseId, id }: { caseId: string; id: string }) {
  const { pick } = useI18n();
  const list = useAttachments(caseId);
  const name = list.status === 'ready' ? list.data.items.find((a) => a.id === id)?.name : undefined;
  return (
    <a href={caseRecords.fileUrl(caseId, id)} download={name ?? true} data-testid="evidence-link">
      {name ?? pick(WORDS.attachment)}
    </a>
  );
}

/**
 * A translated line with the evidence in it as a node: `line` was made with the evidence replaced by `MARK`, which is
 * swapped for `node` wherever the words put it.
 */
export const MARK = '\u0001';
export function withEvidence(line: string, node: ReactNode): ReactNode {
  const parts = line.split(MARK);
  return parts.flatMap((part, i) => (i === 0 ? [part] : [<span key={i}>{node}</span>, part]));
}
