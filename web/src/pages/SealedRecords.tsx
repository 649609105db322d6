/**
 * Sealed juvenile records (FT 三(三)2(5)): the court and the procuratorate look a child's file up by identity number
 * (matched by its keyed hash on the server) or by part of the name. A sealed file opens to them alone, for their own
 * district; everyone else is answered as if it did not exist. Every file listed is an audited read.
 */
import { useState, type FormEvent } from 'react';
import { ApiError, api } from '../api/client';
import { ChildFile } from '../components/ChildFile';
import { Field } from '../components/form';
import { useI18n } from '../i18n';

const WORDS = {
  title: { zh: '封存记录查阅', en: 'Sealed records' },
  hint: {
    zh: 'FT 三(三)2(5)：未成年人犯罪记录依法封存，仅法院、检察院可依法查阅。每次查阅均留痕。',
    en: 'FT 三(三)2(5): juvenile criminal records are sealed; only the court and the procuratorate may consult them. Every read is recorded.',
  },
  query: { zh: '身份证号或姓名', en: 'ID number or name' },
  search: { zh: '查询', en: 'Search' },
  required: { zh: '请填写身份证号或姓名', en: 'Enter an ID number or a name' },
  none: { zh: '未找到可查阅的档案。', en: 'No file you may read was found.' },
  sealed: { zh: '记录已封存', en: 'Record sealed' },
  failed: { zh: '查询失败，请稍后重试。', en: 'The search failed; try again.' },
};

type ChildView = Record<string, unknown> & { id: string; flags?: { recordSealed?: boolean } };

export function SealedRecords() {
  const { pick } = useI18n();
  const [q, setQ] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [failed, setFailed] = useState(false);
  const [items, setItems] = useState<ChildView[] | undefined>();
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setFailed(false);
    if (!q.trim()) {
      setError(pick(WORDS.required));
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      setItems((await api.children(q.trim())).items as ChildView[]);
    } catch (err) {
      if (err instanceof ApiError && err.fields.q) setError(err.fields.q);
      else setFailed(true);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="page" aria-labelledby="records-title">
      <h1 id="records-title">{pick(WORDS.title)}</h1>
      <p className="hint">{pick(WORDS.hint)}</p>
      <form noValidate onSubmit={onSubmit} role="search">
        <Field path="records.q" label={pick(WORDS.query)} required error={error}>
          {(c) => <input {...c} type="search" value={q} onChange={(e) => setQ(e.target.value)} />}
        </Field>
        <button type="submit" className="primary" disabled={busy}>
          {pick(WORDS.search)}
        </button>
      </form>
      {failed ? (
        <p className="notice notice--error" role="alert">
          {pick(WORDS.failed)}
        </p>
      ) : null}
      {items !== undefined ? (
        items.length === 0 ? (
          <p className="muted" data-testid="records-none">
            {pick(WORDS.none)}
          </p>
        ) : (
          <ul className="plain" data-testid="records">
            {items.map((child) => (
              <li key={child.id} className="panel">
                {child.flags?.recordSealed ? <p className="badge">{pick(WORDS.sealed)}</p> : null}
                <ChildFile child={child} />
              </li>
            ))}
          </ul>
        )
      ) : null}
    </section>
  );
}
