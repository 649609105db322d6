/**
 * Detention notice (CN 三(四), FT 三(一)4(2)): the police detaining an adult, and the executing organs (prison,
 * compulsory drug rehabilitation), list that person's minor children and say for each whether they need entrusted
 * care; for each who does, the street office gets a care-arrangement task. The adult is named only by the organ's own
 * record number. Filed once per Idempotency-Key: a retry after a lost answer is the same notice.
 */
import { useState, type FormEvent } from 'react';
import { ApiError, api, newIdempotencyKey } from '../api/client';
import { Field, FieldGroup, type FieldErrors } from '../components/form';
import { StreetPicker, useDirectory } from '../components/PlacePicker';
import { useI18n } from '../i18n';
import { useUser } from '../session';

const w = (zh: string, en: string) => ({ zh, en });
const WORDS = {
  title: w('被羁押人员子女情况登记', "Detained person's minor children"),
  hint: w(
    'CN 三(四)：办案机关及执行机关应询问被羁押人员是否有未成年子女需要委托临时生活照料，并提供帮助。每名需要照料的子女开立一项委托照料任务。',
    'CN 三(四): the detaining and executing organs ask whether the detained person has minor children needing entrusted care, and help arrange it; each child who needs it gets a care-arrangement task.',
  ),
  detainedAt: w('羁押时间', 'Detained at'),
  detainedPersonRef: w('被羁押人员案件编号', "Detained person's record number"),
  detainedPersonHint: w('只填本机关的案件或羁押编号，不填姓名。', "Your organ's record number only, not the name."),
  street: w('子女所在街道（乡镇）', "Children's street or township"),
  address: w('子女所在地址', "Children's address"),
  children: w('未成年子女', 'Minor children'),
  child: (n: number) => w(`子女 ${n}`, `Child ${n}`),
  name: w('姓名', 'Name'),
  sex: w('性别', 'Sex'),
  male: w('男', 'Male'),
  female: w('女', 'Female'),
  unknown: w('不清楚', 'Unknown'),
  idNumber: w('身份证号（如知道）', 'ID number (if known)'),
  needsCare: w('需要委托临时生活照料', 'Needs entrusted care'),
  addChild: w('再添加一名子女', 'Add another child'),
  remove: w('移除', 'Remove'),
  submit: w('提交登记', 'File the notice'),
  required: w('必填', 'Required'),
  filed: (n: number) =>
    w(
      `已登记。需要照料的子女 ${n} 名，已开立委托照料任务。`,
      `Filed. ${n} child(ren) need care; care-arrangement tasks are open.`,
    ),
  failed: w('未能提交，请检查后重试。', 'Not filed; check and try again.'),
  choose: w('请选择', 'Choose'),
};

interface ChildRow {
  name: string;
  sex: '' | 'male' | 'female' | 'unknown';
  idNumber: string;
  needsEntrustedCare: boolean;
}
const emptyChild = (): ChildRow => ({ name: '', sex: '', idNumber: '', needsEntrustedCare: true });

function nowLocal(): string {
  const d = new Date();
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function DetentionNoticePage() {
  const { pick } = useI18n();
  const user = useUser();
  const [detainedAt, setDetainedAt] = useState(nowLocal);
  const [ref, setRef] = useState('');
  const [street, setStreet] = useState(user.jurisdiction.streetCode ?? '');
  const [address, setAddress] = useState('');
  const [children, setChildren] = useState<ChildRow[]>([emptyChild()]);
  const directory = useDirectory(user.jurisdiction.districtCode);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failed, setFailed] = useState<string | undefined>();
  const [filed, setFiled] = useState<number | undefined>();
  const [busy, setBusy] = useState(false);
  const [key] = useState(newIdempotencyKey);

  const setChild = (i: number, patch: Partial<ChildRow>) =>
    setChildren((rows) => rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setFailed(undefined);
    const problems: FieldErrors = {};
    if (!detainedAt) problems.detainedAt = pick(WORDS.required);
    if (!ref.trim()) problems.detainedPersonRef = pick(WORDS.required);
    if (!street.trim()) problems['place.streetCode'] = pick(WORDS.required);
    children.forEach((c, i) => {
      if (!c.name.trim()) problems[`children.${i}.name`] = pick(WORDS.required);
    });
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    try {
      const districtCode = user.jurisdiction.districtCode;
      const policyPackId = districtCode === '110106' ? 'ft-fengtai' : 'cn-changning';
      const receipt = await api.fileDetentionNotice(
        {
          policyPackId,
          detainedAt: new Date(detainedAt).toISOString(),
          detainedPersonRef: ref.trim(),
          place: { streetCode: street.trim(), ...(address.trim() ? { address: address.trim() } : {}) },
          children: children.map((c) => ({
            name: c.name.trim(),
            ...(c.sex ? { sex: c.sex } : {}),
            ...(c.idNumber.trim() ? { idNumber: c.idNumber.trim() } : {}),
            needsEntrustedCare: c.needsEntrustedCare,
          })),
        },
        key,
      );
      setFiled(receipt.childrenNeedingCare);
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length > 0) setErrors({ ...err.fields });
      else setFailed(err instanceof ApiError ? err.message : pick(WORDS.failed));
    } finally {
      setBusy(false);
    }
  }

  if (filed !== undefined)
    return (
      <section className="page" aria-labelledby="detention-title">
        <h1 id="detention-title">{pick(WORDS.title)}</h1>
        <p className="notice notice--ok" role="status" data-testid="detention-filed">
          {pick(WORDS.filed(filed))}
        </p>
        <ul className="plain" data-testid="detention-children">
          {children.map((c, i) => (
            <li key={i}>
              {c.name} — {c.needsEntrustedCare ? pick(WORDS.needsCare) : '—'}
            </li>
          ))}
        </ul>
      </section>
    );

  return (
    <section className="page" aria-labelledby="detention-title">
      <h1 id="detention-title">{pick(WORDS.title)}</h1>
      <p className="hint">{pick(WORDS.hint)}</p>
      <form noValidate onSubmit={onSubmit}>
        <Field path="detainedAt" label={pick(WORDS.detainedAt)} required error={errors.detainedAt}>
          {(c) => (
            <input {...c} type="datetime-local" value={detainedAt} onChange={(e) => setDetainedAt(e.target.value)} />
          )}
        </Field>
        <Field
          path="detainedPersonRef"
          label={pick(WORDS.detainedPersonRef)}
          hint={pick(WORDS.detainedPersonHint)}
          required
          error={errors.detainedPersonRef}
        >
          {(c) => <input {...c} type="text" value={ref} onChange={(e) => setRef(e.target.value)} />}
        </Field>
        <StreetPicker
          path="place.streetCode"
          label={pick(WORDS.street)}
          agencies={directory.status === 'ready' ? directory.data.items : []}
          value={street || undefined}
          onChange={(code) => setStreet(code ?? '')}
          unknownLabel={pick(WORDS.choose)}
          error={errors['place.streetCode']}
        />
        <Field path="place.address" label={pick(WORDS.address)} error={errors['place.address']}>
          {(c) => <input {...c} type="text" value={address} onChange={(e) => setAddress(e.target.value)} />}
        </Field>
        <FieldGroup path="children" legend={pick(WORDS.children)} required error={errors.children}>
          <ol className="plain" data-testid="detention-children">
            {children.map((child, i) => (
              <li key={i} className="section section--nested">
                <p>
                  <strong>{pick(WORDS.child(i + 1))}</strong>
                </p>
                <Field
                  path={`children.${i}.name`}
                  label={pick(WORDS.name)}
                  required
                  error={errors[`children.${i}.name`]}
                >
                  {(c) => (
                    <input
                      {...c}
                      type="text"
                      value={child.name}
                      onChange={(e) => setChild(i, { name: e.target.value })}
                    />
                  )}
                </Field>
                <Field path={`children.${i}.sex`} label={pick(WORDS.sex)} error={errors[`children.${i}.sex`]}>
                  {(c) => (
                    <select
                      {...c}
                      value={child.sex}
                      onChange={(e) => setChild(i, { sex: e.target.value as ChildRow['sex'] })}
                    >
                      <option value="">{pick(WORDS.choose)}</option>
                      <option value="male">{pick(WORDS.male)}</option>
                      <option value="female">{pick(WORDS.female)}</option>
                      <option value="unknown">{pick(WORDS.unknown)}</option>
                    </select>
                  )}
                </Field>
                <Field
                  path={`children.${i}.idNumber`}
                  label={pick(WORDS.idNumber)}
                  error={errors[`children.${i}.idNumber`]}
                >
                  {(c) => (
                    <input
                      {...c}
                      type="text"
                      value={child.idNumber}
                      onChange={(e) => setChild(i, { idNumber: e.target.value })}
                    />
                  )}
                </Field>
                <label className="choice">
                  <input
                    type="checkbox"
                    checked={child.needsEntrustedCare}
                    onChange={(e) => setChild(i, { needsEntrustedCare: e.target.checked })}
                  />
                  <span>{pick(WORDS.needsCare)}</span>
                </label>
                {children.length > 1 ? (
                  <button type="button" onClick={() => setChildren((rows) => rows.filter((_, j) => j !== i))}>
                    {pick(WORDS.remove)}
                  </button>
                ) : null}
              </li>
            ))}
          </ol>
          {children.length < 12 ? (
            <button type="button" onClick={() => setChildren((rows) => [...rows, emptyChild()])}>
              {pick(WORDS.addChild)}
            </button>
          ) : null}
        </FieldGroup>
        {failed ? (
          <p className="notice notice--error" role="alert">
            {failed}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {pick(WORDS.submit)}
        </button>
      </form>
    </section>
  );
}
