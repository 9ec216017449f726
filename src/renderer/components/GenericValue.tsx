/**
 * Any JSON value as nested key/value tables, for result fields Intake does not
 * know. Depth and row counts are capped so a huge answer cannot freeze the UI.
 */
import { isDict } from './resultsModel';

const MAX_DEPTH = 4;
const MAX_ROWS = 200;

function scalar(value: unknown): string {
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? String(value);
}

export function GenericValue({ value, depth = 0 }: { value: unknown; depth?: number }) {
  if (depth >= MAX_DEPTH || (!isDict(value) && !Array.isArray(value))) {
    return <span className="value">{scalar(value)}</span>;
  }
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((item, index) => [String(index + 1), item]) : Object.entries(value);
  if (entries.length === 0) return <span className="value muted">{Array.isArray(value) ? 'none' : 'empty'}</span>;
  return (
    <table className="kv">
      <tbody>
        {entries.slice(0, MAX_ROWS).map(([key, item]) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td>
              <GenericValue value={item} depth={depth + 1} />
            </td>
          </tr>
        ))}
        {entries.length > MAX_ROWS && (
          <tr>
            <td colSpan={2} className="muted">
              … {entries.length - MAX_ROWS} more (see raw JSON)
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
