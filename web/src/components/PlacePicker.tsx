/**
 * Where the child is: the street/township and committee of the place of discovery, chosen from the directory
 * (CN 二 四是: the place of discovery decides who responds now). Searchable by name, so a phone user types two
 * characters instead of scrolling twenty streets; "not sure" is a real choice, and the district's duty desk then
 * takes the report (the pack's fallbacks).
 */
import { useMemo, useState } from 'react';
import { api, type DirectoryAgency } from '../api/client';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { Field } from './form';

export function useDirectory(districtCode: string) {
  return useLoad(() => api.agencies(districtCode), [districtCode]);
}

export function StreetPicker(props: {
  path: string;
  label: string;
  hint?: string;
  agencies: DirectoryAgency[];
  value?: string;
  onChange: (streetCode: string | undefined) => void;
  unknownLabel: string;
  error?: string;
}) {
  const { t, pick } = useI18n();
  const [search, setSearch] = useState('');
  const streets = useMemo(
    () =>
      props.agencies
        .filter((a) => a.type === 'street_office' && a.jurisdiction.streetCode)
        .sort((a, b) => a.name.zh.localeCompare(b.name.zh, 'zh-CN')),
    [props.agencies],
  );
  const needle = search.trim().toLowerCase();
  const shown = streets.filter(
    (s) =>
      !needle ||
      s.jurisdiction.streetCode === props.value ||
      s.name.zh.includes(search.trim()) ||
      s.name.en.toLowerCase().includes(needle),
  );
  return (
    <Field path={props.path} label={props.label} hint={props.hint} error={props.error}>
      {(p) => (
        <div className="picker">
          <input
            type="search"
            aria-label={`${props.label} ${t('place.search')}`}
            placeholder={t('place.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          <select {...p} value={props.value ?? ''} onChange={(e) => props.onChange(e.target.value || undefined)}>
            <option value="">{props.unknownLabel}</option>
            {shown.map((s) => (
              <option key={s.code} value={s.jurisdiction.streetCode}>
                {pick(s.name)}
              </option>
            ))}
          </select>
        </div>
      )}
    </Field>
  );
}

export function CommitteePicker(props: {
  path: string;
  label: string;
  agencies: DirectoryAgency[];
  streetCode?: string;
  value?: string;
  onChange: (committeeCode: string | undefined) => void;
}) {
  const { t, pick } = useI18n();
  // FT 三(二)2 居(村)委会: residents' and villagers' committees alike.
  const committees = props.agencies.filter(
    (a) => a.level === 'committee' && a.jurisdiction.streetCode === props.streetCode && a.jurisdiction.committeeCode,
  );
  if (!props.streetCode || committees.length === 0) return null;
  return (
    <Field path={props.path} label={props.label}>
      {(p) => (
        <select {...p} value={props.value ?? ''} onChange={(e) => props.onChange(e.target.value || undefined)}>
          <option value="">{t('place.committeeUnknown')}</option>
          {committees.map((c) => (
            <option key={c.code} value={c.jurisdiction.committeeCode}>
              {pick(c.name)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
