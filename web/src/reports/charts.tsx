// The report charts (recharts). Only the lazily loaded report pages import this module, so the
// portal's first load never carries the charting library. Each chart is an image for assistive
// technologies (role="img" with a worded summary); the pages show the same numbers as a table.
// recharts' own keyboard layer is off: the table next to the chart is the accessible way in.
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface Series {
  key: string;
  name: string;
  color: string;
}

/** Colours with at least 3:1 contrast on white (WCAG non-text contrast), told apart by the legend and the table. */
export const COLORS = { blue: '#0b4f8a', green: '#1d7a3a', red: '#a4161a', orange: '#9a4d00', grey: '#4d4d4d' };

type Row = Record<string, string | number | null>;

/** Long category names (agency names) shortened on the axis; the table next to the chart has them whole. */
function shortLabel(v: unknown): string {
  const s = String(v).replace(/^Ủy ban nhân dân /, 'UBND ');
  return s.length > 24 ? `${s.slice(0, 23)}…` : s;
}

export function TrendChart({ data, series, summary, height = 280 }: { data: Row[]; series: Series[]; summary: string; height?: number }) {
  return (
    <div className="chart" role="img" aria-label={summary}>
      <ResponsiveContainer width="100%" height={height}>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid stroke="#d9d9d9" strokeDasharray="3 3" />
          <XAxis dataKey="label" tick={{ fill: '#1b1b1b', fontSize: 12 }} />
          <YAxis allowDecimals={false} tick={{ fill: '#1b1b1b', fontSize: 12 }} width={40} />
          <Tooltip />
          <Legend />
          {series.map((s) => (
            // straight segments (no smoothing that would draw values that never were); no animation
            <Line key={s.key} type="linear" dataKey={s.key} name={s.name} stroke={s.color} strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

export function BarsChart({
  data,
  series,
  summary,
  stacked = false,
  horizontal = false,
  height,
  domainMax,
}: {
  data: Row[];
  series: Series[];
  summary: string;
  stacked?: boolean;
  /** bars along the x axis (long category names read better on the y axis) */
  horizontal?: boolean;
  height?: number;
  domainMax?: number;
}) {
  const h = height ?? (horizontal ? Math.max(160, 64 + data.length * 40) : 280);
  return (
    <div className="chart" role="img" aria-label={summary}>
      <ResponsiveContainer width="100%" height={h}>
        <BarChart data={data} layout={horizontal ? 'vertical' : 'horizontal'} margin={{ top: 8, right: 16, bottom: 8, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid stroke="#d9d9d9" strokeDasharray="3 3" />
          {horizontal ? (
            <>
              <XAxis type="number" allowDecimals={false} tick={{ fill: '#1b1b1b', fontSize: 12 }} domain={domainMax !== undefined ? [0, domainMax] : [0, 'auto']} />
              <YAxis type="category" dataKey="label" width={150} tick={{ fill: '#1b1b1b', fontSize: 12 }} tickFormatter={shortLabel} interval={0} />
            </>
          ) : (
            <>
              <XAxis dataKey="label" tick={{ fill: '#1b1b1b', fontSize: 12 }} />
              <YAxis allowDecimals={false} width={40} tick={{ fill: '#1b1b1b', fontSize: 12 }} domain={domainMax !== undefined ? [0, domainMax] : [0, 'auto']} />
            </>
          )}
          <Tooltip />
          <Legend />
          {series.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.color} {...(stacked ? { stackId: 'a' } : {})} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
