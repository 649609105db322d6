/**
 * One command on the case page: a form folded under its title (phones show many of them), validated here first with
 * each message beside its field, then sent; the server's field messages land beside the same fields, and the
 * workflow's refusal is shown in words with its clause right under the form (./refusal.ts). On success the case
 * page reloads, so the section above shows what the workflow recorded.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../../../api/client';
import { EvidencePicker } from '../../../components/Evidence';
import { Field, type FieldErrors } from '../../../components/form';
import { useI18n } from '../../../i18n';
import { useCase } from '../context';
import { refusalOf } from './refusal';
import { W, type Words } from './words';

export type Values = Record<string, string | boolean | string[]>;

export interface FieldsProps {
  /** The form's id; every field path is `<id>.<name>` so two forms on one page never share a control id. */
  form: string;
  values: Values;
  set(name: string, value: string | boolean | string[]): void;
  errors: FieldErrors;
}

export function CommandForm(props: {
  id: string;
  title: Words;
  hint?: Words;
  submit: Words;
  initial?: Values;
  /** Bilingual messages by field name; empty when the values may be sent. */
  validate(values: Values): Record<string, Words>;
  send(values: Values): Promise<unknown>;
  children(fields: FieldsProps): ReactNode;
}) {
  const { pick } = useI18n();
  const { reload } = useCase();
  const [values, setValues] = useState<Values>(props.initial ?? {});
  const [errors, setErrors] = useState<Record<string, Words>>({});
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [refusal, setRefusal] = useState<ReturnType<typeof refusalOf> | undefined>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const set = (name: string, value: string | boolean | string[]) => {
    setValues((v) => ({ ...v, [name]: value }));
    setDone(false);
  };
  const shown: FieldErrors = { ...serverErrors };
  for (const [name, words] of Object.entries(errors)) shown[`${props.id}.${name}`] = pick(words);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setRefusal(undefined);
    setServerErrors({});
    setDone(false);
    const problems = props.validate(values);
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    try {
      await props.send(values);
      setDone(true);
      reload();
    } catch (err) {
      if (err instanceof ApiError && err.status === 400 && Object.keys(err.fields).length > 0) {
        const fields: FieldErrors = {};
        for (const [path, message] of Object.entries(err.fields)) fields[`${props.id}.${path}`] = message;
        setServerErrors(fields);
      } else {
        setRefusal(refusalOf(err));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <details className="command" data-testid={`command-${props.id}`}>
      <summary>{pick(props.title)}</summary>
      <form noValidate onSubmit={onSubmit}>
        {props.hint ? <p className="hint">{pick(props.hint)}</p> : null}
        {props.children({ form: props.id, values, set, errors: shown })}
        <button type="submit" className="primary" disabled={busy}>
          {pick(props.submit)}
        </button>
        {refusal ? (
          <div className="notice notice--error" role="alert" data-testid="refusal">
            <p>
              {refusal.clause ? <strong className="clause">{refusal.clause}：</strong> : null}
              {pick(refusal.words)}
            </p>
            {refusal.detail ? <p className="small muted">{refusal.detail}</p> : null}
          </div>
        ) : null}
        {done ? (
          <p className="notice notice--ok" role="status" data-testid="command-done">
            {pick(W.recorded)}
          </p>
        ) : null}
      </form>
    </details>
  );
}

// ── Controls (a label, the control, its message beside it) ────────────────────────────────────────────────────────

interface ControlProps extends FieldsProps {
  name: string;
  label: Words;
  hint?: Words;
  required?: boolean;
}

const str = (v: Values[string] | undefined) => (typeof v === 'string' ? v : '');

/** The labelled field of one control: its path in the form, its words, and its message beside it. */
function ControlField(p: ControlProps & { children: Parameters<typeof Field>[0]['children'] }) {
  const { pick } = useI18n();
  const path = `${p.form}.${p.name}`;
  return (
    <Field
      path={path}
      label={pick(p.label)}
      required={p.required}
      hint={p.hint ? pick(p.hint) : undefined}
      error={p.errors[path]}
    >
      {p.children}
    </Field>
  );
}

export function TextControl(p: ControlProps & { multiline?: boolean }) {
  return (
    <ControlField {...p}>
      {(c) =>
        p.multiline ? (
          <textarea {...c} rows={3} value={str(p.values[p.name])} onChange={(e) => p.set(p.name, e.target.value)} />
        ) : (
          <input {...c} type="text" value={str(p.values[p.name])} onChange={(e) => p.set(p.name, e.target.value)} />
        )
      }
    </ControlField>
  );
}

/** An evidence field: a document number, or a file of the case chosen or uploaded below it (`attachment:<id>`). */
export function EvidenceControl(p: ControlProps) {
  const { view } = useCase();
  return (
    <>
      <TextControl {...p} />
      <EvidencePicker
        caseId={view.case.caseId}
        id={`ev-${p.form}-${p.name}`.replace(/[^A-Za-z0-9_-]/g, '-')}
        value={str(p.values[p.name])}
        onPick={(ref) => p.set(p.name, ref)}
      />
    </>
  );
}

export function DateTimeControl(p: ControlProps) {
  return (
    <ControlField {...p}>
      {(c) => (
        <input
          {...c}
          type="datetime-local"
          value={str(p.values[p.name])}
          onChange={(e) => p.set(p.name, e.target.value)}
        />
      )}
    </ControlField>
  );
}

export function SelectControl(p: ControlProps & { options: ReadonlyArray<readonly [string, Words]> }) {
  const { pick } = useI18n();
  return (
    <ControlField {...p}>
      {(c) => (
        <select {...c} value={str(p.values[p.name])} onChange={(e) => p.set(p.name, e.target.value)}>
          <option value="">{pick(W.choose)}</option>
          {p.options.map(([value, words]) => (
            <option key={value} value={value}>
              {pick(words)}
            </option>
          ))}
        </select>
      )}
    </ControlField>
  );
}

export function CheckControl(p: ControlProps) {
  const { pick } = useI18n();
  const path = `${p.form}.${p.name}`;
  return (
    <div className={`field${p.errors[path] ? ' field--invalid' : ''}`}>
      <label className="choice">
        <input
          type="checkbox"
          id={`f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`}
          checked={p.values[p.name] === true}
          onChange={(e) => p.set(p.name, e.target.checked)}
        />
        <span>{pick(p.label)}</span>
      </label>
      {p.errors[path] ? <p className="field-error">{p.errors[path]}</p> : null}
    </div>
  );
}

export function ChecksControl(p: ControlProps & { options: ReadonlyArray<readonly [string, Words]> }) {
  const { pick } = useI18n();
  const path = `${p.form}.${p.name}`;
  const chosen = Array.isArray(p.values[p.name]) ? (p.values[p.name] as string[]) : [];
  return (
    <fieldset
      className={`field group${p.errors[path] ? ' field--invalid' : ''}`}
      id={`f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`}
    >
      <legend>{pick(p.label)}</legend>
      {p.options.map(([value, words]) => (
        <label className="choice" key={value}>
          <input
            type="checkbox"
            checked={chosen.includes(value)}
            onChange={(e) => p.set(p.name, e.target.checked ? [...chosen, value] : chosen.filter((v) => v !== value))}
          />
          <span>{pick(words)}</span>
        </label>
      ))}
      {p.errors[path] ? <p className="field-error">{p.errors[path]}</p> : null}
    </fieldset>
  );
}

// ── Checks shared by the forms ───────────────────────────────────────────────────────────────────────────────────

/** A datetime-local value (China time, as the browser shows it) as an ISO instant, or undefined when not one. */
export function instantOf(value: Values[string] | undefined): string | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

export function needText(values: Values, name: string, out: Record<string, Words>, min = 1): void {
  const v = str(values[name]).trim();
  if (!v) out[name] = W.required;
  else if (v.length < min) out[name] = W.tooShort(min);
}

export function needPastInstant(values: Values, name: string, out: Record<string, Words>): void {
  const at = instantOf(values[name]);
  if (!str(values[name])) out[name] = W.required;
  else if (!at) out[name] = W.notAnInstant;
  else if (Date.parse(at) > Date.now()) out[name] = W.notInFuture;
}

export const text = str;
