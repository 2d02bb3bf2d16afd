import * as jsonc from 'jsonc-parser';

/**
 * Where and why a JSON text is invalid. Only called after `JSON.parse` has already failed, so the
 * fast path pays nothing. V8's own messages (Node 20) often name the bad token but not its offset
 * ("Unexpected token 'N', "{"v": NaN}" is not valid JSON"); jsonc-parser's scanner, run in strict
 * mode (no comments, no trailing commas), reports the offset of the first error.
 */
export interface JsonErrorLocation {
  /** Byte-independent character offset of the first error in the text. */
  position: number;
  /** jsonc-parser's error name, e.g. `InvalidSymbol`, `ValueExpected`, `CloseBraceExpected`. */
  problem: string;
  /** Up to 40 characters of the text around the error, for the message. */
  near: string;
}

export function locateJsonError(text: string): JsonErrorLocation {
  const errors: jsonc.ParseError[] = [];
  jsonc.parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  // jsonc-parser accepts a few texts JSON.parse refuses (e.g. lone surrogates are fine in both,
  // but control characters in strings are not): fall back to "somewhere" rather than lying.
  const position = first ? first.offset : 0;
  const problem = first ? jsonc.printParseErrorCode(first.error) : 'InvalidJson';
  const near = text.slice(Math.max(0, position - 20), position + 20);
  return { position, problem, near };
}
