/**
 * Charts as plain SVG (no chart library, nothing from a CDN). Each chart is an image with a text alternative, and
 * its numbers are also available as a table for screen readers and for copying.
 */
import { useI18n } from '../i18n';

export interface Datum {
  label: string;
  value: number;
  /** A second series (e.g. overdue beside cases), drawn as a darker bar under the first. */
  secondary?: number;
}

const ROW = 30;
const LABEL_W = 150;
const WIDTH = 360;
const FONT_PX = 12;

/** Rough rendered width at FONT_PX: CJK characters are square, Latin ones about half as wide. */
function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u2E80-\uFFEF]/.test(ch) ? FONT_PX : FONT_PX * 0.58;
  return w;
}

/** Shortens a label to fit beside its bar; the full label stays in the SVG <title> and the data table. */
function fit(label: string, max: number): string {
  if (textWidth(label) <= max) return label;
  let out = '';
  for (const ch of label) {
    if (textWidth(`${out}${ch}…`) > max) break;
    out += ch;
  }
  return `${out}…`;
}

/** Horizontal bars: labels can be long Chinese names, which fit better beside a bar than under it. */
export function BarChart({
  title,
  data,
  valueLabel,
  secondaryLabel,
}: {
  title: string;
  data: Datum[];
  valueLabel: string;
  secondaryLabel?: string;
}) {
  const { t } = useI18n();
  if (data.length === 0) return <p className="muted">{t('dash.noData')}</p>;
  const max = Math.max(1, ...data.map((d) => Math.max(d.value, d.secondary ?? 0)));
  const barW = WIDTH - LABEL_W - 40;
  const height = data.length * ROW + 4;
  const summary = data
    .map((d) => `${d.label} ${d.value}${d.secondary !== undefined ? ` / ${d.secondary}` : ''}`)
    .join('；');
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        role="img"
        aria-label={`${title}：${summary}`}
        preserveAspectRatio="xMinYMin meet"
      >
        {data.map((d, i) => {
          const y = i * ROW + 2;
          const w = (d.value / max) * barW;
          const w2 = d.secondary !== undefined ? (d.secondary / max) * barW : 0;
          return (
            <g key={d.label} transform={`translate(0 ${y})`}>
              <title>{`${d.label}: ${d.value}${d.secondary !== undefined ? ` / ${d.secondary}` : ''}`}</title>
              <text x={LABEL_W - 6} y={ROW / 2 + 1} textAnchor="end" dominantBaseline="middle" className="chart__label">
                {fit(d.label, LABEL_W - 10)}
              </text>
              <rect
                x={LABEL_W}
                y={5}
                width={Math.max(w, d.value > 0 ? 2 : 0)}
                height={d.secondary !== undefined ? 10 : 18}
                className="chart__bar"
                rx={2}
              />
              {d.secondary !== undefined ? (
                <rect
                  x={LABEL_W}
                  y={15}
                  width={Math.max(w2, d.secondary > 0 ? 2 : 0)}
                  height={8}
                  className="chart__bar chart__bar--secondary"
                  rx={2}
                />
              ) : null}
              <text
                x={LABEL_W + Math.max(w, w2) + 4}
                y={ROW / 2 + 1}
                dominantBaseline="middle"
                className="chart__value"
              >
                {d.value}
                {d.secondary !== undefined ? ` / ${d.secondary}` : ''}
              </text>
            </g>
          );
        })}
      </svg>
      {secondaryLabel ? (
        <figcaption className="legend small">
          <span className="swatch" /> {valueLabel} <span className="swatch swatch--secondary" /> {secondaryLabel}
        </figcaption>
      ) : null}
      <details className="small">
        <summary>{t('dash.chartTable')}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{title}</th>
              <th scope="col">{valueLabel}</th>
              {secondaryLabel ? <th scope="col">{secondaryLabel}</th> : null}
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.label}>
                <th scope="row">{d.label}</th>
                <td>{d.value}</td>
                {secondaryLabel ? <td>{d.secondary ?? 0}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/** One headline number with its unit, e.g. the median minutes from report to police acknowledgement. */
export function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="stat">
      <div className="stat__value">{value}</div>
      <div className="stat__label">{label}</div>
    </div>
  );
}
