/** A range of the text: [from, to). */
export interface Span { from: number; to: number }
/** Where a value sits in the text, and its key when it is an object member. */
export interface Located { key?: Span; value: Span }

/** A JSON pointer segment, escaped as ajv writes `instancePath`. */
export const pointerSegment = (s: string | number) => String(s).replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Text ranges of every value of *valid* JSON text, by JSON pointer ('' is the root), so a schema
 * error at `/ingest/maxFutureMs` can be drawn under that key in the editor. Call it only after
 * JSON.parse accepted the text: it does not re-check the syntax.
 */
export function locate(text: string): Map<string, Located> {
  const out = new Map<string, Located>();
  let i = 0;
  const ws = () => { while (i < text.length && /\s/.test(text[i]!)) i++; };
  const str = (): Span & { raw: string } => {
    const from = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return { from, to: i, raw: text.slice(from, i) };
  };
  const value = (ptr: string, key?: Span): void => {
    ws();
    const from = i;
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++; ws();
      let n = 0;
      while (i < text.length && text[i] !== close) {
        if (c === '{') {
          const k = str();
          ws(); i++; // the colon
          value(`${ptr}/${pointerSegment(JSON.parse(k.raw) as string)}`, { from: k.from, to: k.to });
        } else {
          value(`${ptr}/${n++}`);
        }
        ws();
        if (text[i] === ',') { i++; ws(); }
      }
      i++;
    } else if (c === '"') {
      str();
    } else {
      while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
    }
    out.set(ptr, { ...(key ? { key } : {}), value: { from, to: i } });
  };
  value('');
  return out;
}
