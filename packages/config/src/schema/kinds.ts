import { Type, type TSchema, type TProperties, type ObjectOptions } from '@sinclair/typebox';

/**
 * Small builders for config settings, so each setting reads as one line: type, default and the
 * doc comment that becomes its row in docs/reference/config.md. TypeBox gives JSON Schema and the
 * TypeScript type from the same declaration, so the schema is defined once.
 */
interface Doc { description: string }

/** A TCP port. 0 lets the OS pick a free one (useful in tests). */
export const Port = (def: number, o: Doc) => Type.Integer({ minimum: 0, maximum: 65535, default: def, ...o });

export const Int = (o: Doc & { default?: number; minimum?: number; maximum?: number }) => Type.Integer(o);
export const Num = (o: Doc & { default?: number; minimum?: number; maximum?: number; exclusiveMinimum?: number }) => Type.Number(o);
export const Str = (o: Doc & { default?: string; minLength?: number; pattern?: string }) => Type.String(o);
export const Bool = (o: Doc & { default?: boolean }) => Type.Boolean(o);

/** A closed set of strings as a plain JSON Schema `enum` (clearer errors than a union of literals). */
export function StringEnum<const T extends readonly string[]>(values: T, o: Doc & { default?: T[number] }) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...o });
}

/** A config section: unknown keys are errors, and a missing section takes all its defaults. */
export function Section<P extends TProperties>(props: P, o: Doc & ObjectOptions) {
  return Type.Object(props, { additionalProperties: false, default: {}, ...o });
}

/** An object without a default (optional blocks such as `tls`, array items, map values). */
export function Struct<P extends TProperties>(props: P, o: Doc & ObjectOptions) {
  return Type.Object(props, { additionalProperties: false, ...o });
}

export const Optional = <T extends TSchema>(s: T) => Type.Optional(s);
