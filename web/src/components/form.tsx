/**
 * Form building blocks: every control has a visible label, an optional hint, and its error message right below it,
 * tied to the control with aria-describedby and aria-invalid. Forms use noValidate: the app's own messages (not the
 * browser's bubbles) say what is wrong, in the user's language, next to the field, and in a summary that takes focus.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n';

export type FieldErrors = Record<string, string>;

/** The DOM id of the control for a dotted field path ("child.dateOfBirth" → "f-child-dateOfBirth"). */
export function fieldId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

interface ControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby'?: string;
  'aria-required'?: boolean;
}

export function Field(props: {
  path: string;
  label: string;
  required?: boolean;
  hint?: string;
  error?: string;
  children: (control: ControlProps) => ReactNode;
}) {
  const { t } = useI18n();
  const id = fieldId(props.path);
  const describedBy =
    [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${props.error ? ' field--invalid' : ''}`}>
      <label htmlFor={id}>
        {props.label}
        {props.required ? (
          <span className="req" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
        {props.required ? <span className="visually-hidden">（{t('form.required')}）</span> : null}
      </label>
      {props.hint ? (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.children({
        id,
        'aria-invalid': Boolean(props.error),
        'aria-describedby': describedBy,
        'aria-required': props.required || undefined,
      })}
      <FieldError id={`${id}-error`} message={props.error} />
    </div>
  );
}

export function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p className="field-error" id={id}>
      {message}
    </p>
  );
}

/** A group of checkboxes or radios with one legend and one error. */
export function FieldGroup(props: {
  path: string;
  legend: string;
  required?: boolean;
  hint?: string;
  error?: string;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const id = fieldId(props.path);
  const describedBy =
    [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset
      className={`field group${props.error ? ' field--invalid' : ''}`}
      id={id}
      aria-describedby={describedBy}
      tabIndex={-1}
    >
      <legend>
        {props.legend}
        {props.required ? (
          <span className="req" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
        {props.required ? <span className="visually-hidden">（{t('form.required')}）</span> : null}
      </legend>
      {props.hint ? (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.children}
      <FieldError id={`${id}-error`} message={props.error} />
    </fieldset>
  );
}

/**
 * The list of problems at the top of a form, announced and focused after a failed submit; each entry links to its
 * field. `version` changes on every failed attempt so focus moves again even when the errors are the same.
 */
export function ErrorSummary({
  errors,
  labels,
  version,
  formError,
}: {
  errors: FieldErrors;
  labels: Record<string, string>;
  version: number;
  formError?: string;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const entries = Object.entries(errors);
  useEffect(() => {
    if (version > 0 && (entries.length > 0 || formError)) ref.current?.focus();
    // Only a new attempt moves focus, not every re-render.
  }, [version]);
  if (entries.length === 0 && !formError) return null;
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={ref}>
      {formError ? <p>{formError}</p> : null}
      {entries.length > 0 ? (
        <>
          <p>{t('form.errorSummary', { n: entries.length })}</p>
          <ul>
            {entries.map(([path, message]) => (
              <li key={path}>
                <a
                  href={`#${fieldId(path)}`}
                  onClick={(e) => {
                    e.preventDefault();
                    const el = document.getElementById(fieldId(path));
                    el?.focus();
                    el?.scrollIntoView({ block: 'center' });
                  }}
                >
                  {labels[path] ? `${labels[path]}：` : ''}
                  {message}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
