// A list as a table on wide screens that stacks into labelled cards on phones (each cell carries
// its column's label in data-label), with a caption for screen readers.
import type { ReactNode } from 'react';

export interface ListColumn<R> {
  label: string;
  cell: (row: R) => ReactNode;
  className?: string;
}

export function ListTable<R>({ caption, className, columns, rows, rowKey }: { caption: string; className?: string; columns: ListColumn<R>[]; rows: R[]; rowKey: (row: R) => string | number }) {
  return (
    <div className="table-wrap">
      <table className={['table-stack', className].filter(Boolean).join(' ')}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)}>
              {columns.map((c) => (
                <td key={c.label} data-label={c.label} className={c.className}>
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
