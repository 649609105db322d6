/**
 * School screening (FT 三(二)1, issue #18 item 2): a school or kindergarten downloads the template, uploads its file
 * (XLSX or CSV, from a phone as well), sees every problem by row and column when anything is wrong (nothing is
 * imported then), and otherwise follows the import's progress to its result table: each row put on the ledger,
 * updated, or reported with its case number.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { ScreeningImportDetail, ScreeningImportView, ScreeningProblem } from '../../../contracts/screening';
import { API_BASE, ApiError, api } from '../api/client';
import { ErrorNotice } from '../components/status';
import { useI18n } from '../i18n';

type Upload =
  | { status: 'idle' }
  | { status: 'uploading' }
  | { status: 'problems'; problems: ScreeningProblem[]; count: number }
  | { status: 'error'; error: unknown }
  | { status: 'started'; view: ScreeningImportView };

function problemsOf(err: unknown): { problems: ScreeningProblem[]; count: number } | undefined {
  if (!(err instanceof ApiError) || err.status !== 400) return undefined;
  const details = err.details as { problems?: ScreeningProblem[]; problemCount?: number } | undefined;
  if (!details?.problems) return undefined;
  return { problems: details.problems, count: details.problemCount ?? details.problems.length };
}

function Progress({ importId, first }: { importId: string; first: ScreeningImportView }) {
  const { t } = useI18n();
  const [detail, setDetail] = useState<ScreeningImportDetail | undefined>();
  const [error, setError] = useState<unknown>();
  const view = detail ?? first;
  const waitingForCases =
    detail?.status === 'completed' && detail.results.some((r) => r.outcome === 'reported' && !r.caseNumber);
  const done = detail?.status === 'completed' && !waitingForCases;
  useEffect(() => {
    if (done) return;
    let live = true;
    const timer = setInterval(() => {
      api
        .screeningImport(importId)
        .then((d) => live && setDetail(d))
        .catch((e: unknown) => live && setError(e));
    }, 1000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [importId, done]);
  const { processed, total, counts } = view;
  return (
    <section aria-labelledby="screening-progress">
      <h2 id="screening-progress">{t('screening.progressLabel')}</h2>
      {first.repeated ? (
        <p className="notice" role="status">
          {t('screening.repeated')}
        </p>
      ) : null}
      <progress
        className="progress"
        max={total || 1}
        value={processed}
        aria-label={t('screening.progressLabel')}
        style={{ width: '100%' }}
      />
      <p role="status" data-testid="screening-progress">
        {view.status === 'completed'
          ? t('screening.completed', { ...counts })
          : t('screening.progress', { processed, total })}
      </p>
      {error ? <ErrorNotice error={error} /> : null}
      {detail ? (
        <>
          <h2>{t('screening.results')}</h2>
          <div className="table-wrap">
            <table className="table" data-testid="screening-results">
              <thead>
                <tr>
                  <th scope="col">{t('screening.colRow')}</th>
                  <th scope="col">{t('screening.colName')}</th>
                  <th scope="col">{t('screening.colScore')}</th>
                  <th scope="col">{t('screening.colOutcome')}</th>
                </tr>
              </thead>
              <tbody>
                {detail.results.map((r) => (
                  <tr key={r.row} data-outcome={r.outcome}>
                    <td>{r.row}</td>
                    <td>{r.childName}</td>
                    <td>{r.score}</td>
                    <td>
                      {t(`screening.outcome.${r.outcome}`)}
                      {r.caseNumber ? ` · ${t('screening.caseNumber', { number: r.caseNumber })}` : null}
                      {r.receipt && !r.caseNumber ? ` · ${t('screening.receipt', { receipt: r.receipt })}` : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}

export function ScreeningPage() {
  const { t } = useI18n();
  const [file, setFile] = useState<File | undefined>();
  const [upload, setUpload] = useState<Upload>({ status: 'idle' });
  const [missing, setMissing] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) {
      setMissing(true);
      return;
    }
    setUpload({ status: 'uploading' });
    try {
      setUpload({ status: 'started', view: await api.uploadScreening(file) });
    } catch (err) {
      const found = problemsOf(err);
      setUpload(found ? { status: 'problems', ...found } : { status: 'error', error: err });
    }
  };

  return (
    <section className="page" aria-labelledby="screening-title">
      <h1 id="screening-title">{t('screening.title')}</h1>
      <p>{t('screening.intro')}</p>
      <p>
        <a href={`${API_BASE}/screening/template?format=xlsx`} download>
          {t('screening.templateXlsx')}
        </a>
        {' · '}
        <a href={`${API_BASE}/screening/template?format=csv`} download>
          {t('screening.templateCsv')}
        </a>
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor="screening-file">{t('screening.file')}</label>
          <input
            id="screening-file"
            type="file"
            accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            aria-invalid={missing || undefined}
            aria-describedby={missing ? 'screening-file-error' : undefined}
            onChange={(e) => {
              setFile(e.target.files?.[0]);
              setMissing(false);
              setUpload({ status: 'idle' });
            }}
          />
          {missing ? (
            <p id="screening-file-error" className="field-error">
              {t('screening.chooseFile')}
            </p>
          ) : null}
        </div>
        <button type="submit" disabled={upload.status === 'uploading'}>
          {upload.status === 'uploading' ? t('screening.uploading') : t('screening.upload')}
        </button>
      </form>
      {upload.status === 'error' ? <ErrorNotice error={upload.error} /> : null}
      {upload.status === 'problems' ? (
        <section aria-labelledby="screening-problems">
          <p id="screening-problems" className="notice notice--error" role="alert">
            {t('screening.problems', { n: upload.count })}
            {upload.count > upload.problems.length
              ? ` ${t('screening.problemsMore', { shown: upload.problems.length, n: upload.count })}`
              : null}
          </p>
          <div className="table-wrap">
            <table className="table" data-testid="screening-problems">
              <thead>
                <tr>
                  <th scope="col">{t('screening.colRow')}</th>
                  <th scope="col">{t('screening.colColumn')}</th>
                  <th scope="col">{t('screening.colProblem')}</th>
                </tr>
              </thead>
              <tbody>
                {upload.problems.map((p, i) => (
                  <tr key={i}>
                    <td>{p.row}</td>
                    <td>{p.column}</td>
                    <td>{p.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      {upload.status === 'started' ? (
        <Progress key={upload.view.importId} importId={upload.view.importId} first={upload.view} />
      ) : null}
    </section>
  );
}
