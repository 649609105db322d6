/**
 * The case's notes and attachments (issue 15 item 4), for everyone working the case. A note is never edited: "更正"
 * writes a new note that amends it, and the amended note says so. Attachments are photos and scans (JPEG, PNG, PDF,
 * at most 10 MB); on a phone the file picker offers the camera.
 */
import { useState, type FormEvent } from 'react';
import { ATTACHMENT_MAX_MB, type NoteView } from '../../../../contracts/case-records';
import { ApiError } from '../../api/client';
import { caseRecords } from '../../api/case-records';
import { Loaded } from '../../components/status';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n';
import { useCase } from './context';

const errorText = (err: unknown, fallback: string) =>
  err instanceof ApiError ? (Object.values(err.fields)[0] ?? err.message) : fallback;

export function Notes() {
  const { t, pick, formatDateTime } = useI18n();
  const { view, reload } = useCase();
  const caseId = view.case.caseId;
  const notes = useLoad(() => caseRecords.notes(caseId), [caseId]);
  const [text, setText] = useState('');
  const [amends, setAmends] = useState<NoteView | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return setError(t('notes.empty'));
    setBusy(true);
    setError(null);
    try {
      await caseRecords.addNote(caseId, text.trim(), amends?.id);
      setText('');
      setAmends(null);
      notes.reload();
      reload();
    } catch (err) {
      setError(errorText(err, t('notes.failed')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="notes-h" data-section="notes">
      <h2 id="notes-h">{t('notes.title')}</h2>
      <Loaded state={notes}>
        {({ items }) =>
          items.length === 0 ? (
            <p className="muted">{t('notes.none')}</p>
          ) : (
            <ol className="plain notes" data-testid="notes">
              {items.map((n, i) => (
                <li key={n.id} id={`note-${n.id}`} className={n.amendedBy.length ? 'note note--amended' : 'note'}>
                  <p className="small muted">
                    {t('notes.number', { n: i + 1 })} · {formatDateTime(n.at)} · {n.author.name}
                    {n.author.agency ? ` · ${pick(n.author.agency)}` : ''}
                  </p>
                  {n.amends ? (
                    <p className="small">{t('notes.amends', { n: items.findIndex((m) => m.id === n.amends) + 1 })}</p>
                  ) : null}
                  <p className="note-text">{n.text}</p>
                  {n.amendedBy.length ? (
                    <p className="small muted">
                      {t('notes.amendedBy', {
                        list: n.amendedBy.map((id) => items.findIndex((m) => m.id === id) + 1).join('、'),
                      })}
                    </p>
                  ) : null}
                  <button type="button" className="link-button" onClick={() => setAmends(n)}>
                    {t('notes.amend')}
                  </button>
                </li>
              ))}
            </ol>
          )
        }
      </Loaded>
      <form onSubmit={submit} noValidate>
        <div className={`field${error ? ' field--invalid' : ''}`}>
          <label htmlFor="note-text">
            {amends
              ? t('notes.amendLabel', {
                  n: (notes.status === 'ready' ? notes.data.items.findIndex((m) => m.id === amends.id) : -1) + 1,
                })
              : t('notes.add')}
          </label>
          <textarea
            id="note-text"
            rows={3}
            maxLength={4000}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={Boolean(error)}
            aria-describedby={error ? 'note-error' : undefined}
          />
          {error ? (
            <p className="field-error" id="note-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
        <p className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {amends ? t('notes.saveAmendment') : t('notes.save')}
          </button>
          {amends ? (
            <button type="button" onClick={() => setAmends(null)}>
              {t('notes.cancelAmend')}
            </button>
          ) : null}
        </p>
      </form>
    </section>
  );
}

const sizeText = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;

export function Attachments() {
  const { t, pick, formatDateTime } = useI18n();
  const { view, reload } = useCase();
  const caseId = view.case.caseId;
  // Again whenever the case reloads: a form may have attached a file as evidence.
  const list = useLoad(() => caseRecords.attachments(caseId), [caseId, view]);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [inputKey, setInputKey] = useState(0);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return setError(t('attachments.pick'));
    if (file.size > ATTACHMENT_MAX_MB * 1024 * 1024)
      return setError(t('attachments.tooLarge', { mb: ATTACHMENT_MAX_MB }));
    setBusy(true);
    setError(null);
    try {
      await caseRecords.upload(caseId, file);
      setFile(null);
      setInputKey((k) => k + 1);
      list.reload();
      reload();
    } catch (err) {
      setError(errorText(err, t('attachments.failed')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="attachments-h" data-section="attachments">
      <h2 id="attachments-h">{t('attachments.title')}</h2>
      <Loaded state={list}>
        {({ items }) =>
          items.length === 0 ? (
            <p className="muted">{t('attachments.none')}</p>
          ) : (
            <ul className="plain" data-testid="attachments">
              {items.map((a) => (
                <li key={a.id}>
                  <a href={caseRecords.fileUrl(caseId, a.id)} target="_blank" rel="noopener">
                    {a.name}
                  </a>{' '}
                  <span className="small muted">
                    {sizeText(a.size)} · {formatDateTime(a.uploadedAt)} · {a.uploadedBy.name}
                    {a.uploadedBy.agency ? ` · ${pick(a.uploadedBy.agency)}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <form onSubmit={submit} noValidate>
        <div className={`field${error ? ' field--invalid' : ''}`}>
          <label htmlFor="attachment-file">{t('attachments.add')}</label>
          <p className="hint" id="attachment-hint">
            {t('attachments.hint', { mb: ATTACHMENT_MAX_MB })}
          </p>
          <input
            key={inputKey}
            id="attachment-file"
            type="file"
            accept="image/jpeg,image/png,application/pdf"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setError(null);
            }}
            aria-invalid={Boolean(error)}
            aria-describedby={error ? 'attachment-hint attachment-error' : 'attachment-hint'}
          />
          {error ? (
            <p className="field-error" id="attachment-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
        <p className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t('attachments.upload')}
          </button>
        </p>
      </form>
    </section>
  );
}
