/** Previous/next through a list the hub pages with limit and offset. */
export function Pager({ total, limit, offset, onOffset }: { total: number; limit: number; offset: number; onOffset(o: number): void }) {
  if (total <= limit && offset === 0) return null;
  const last = Math.min(offset + limit, total);
  return (
    <div className="pager">
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))}>Previous</button>
      <span className="muted">{total === 0 ? 0 : offset + 1}–{last} of {total}</span>
      <button type="button" disabled={last >= total} onClick={() => onOffset(offset + limit)}>Next</button>
    </div>
  );
}
