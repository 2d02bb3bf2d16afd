import { useEffect, useState } from 'react';
import type { JsonSchema } from '../catalogue.js';

/**
 * A form generated from a node kind's (or a processor manifest's) JSON Schema: text, number,
 * checkbox/select and enum fields for scalars, comma-separated lists for arrays of scalars, a
 * fieldset for nested objects, and a JSON box for shapes a field cannot express (e.g. the
 * transform operator's list of ops). Empty fields are left out, so the operator's default applies;
 * the hub's compiler is what judges the result.
 */
export function SchemaForm({ schema, value, onChange, idPrefix }: { schema: JsonSchema; value: Record<string, unknown>; onChange(v: Record<string, unknown>): void; idPrefix: string }) {
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const names = Object.keys(props);
  if (names.length === 0) return <p className="muted small">This node kind has no settings.</p>;
  const set = (k: string, v: unknown) => {
    const next = { ...value };
    if (v === undefined) delete next[k]; else next[k] = v;
    onChange(next);
  };
  return (
    <div className="schema-form">
      {names.map((k) => (
        <Field key={k} name={k} schema={props[k]!} required={required.has(k)} value={value[k]} onChange={(v) => set(k, v)} id={`${idPrefix}-${k}`} />
      ))}
    </div>
  );
}

type Kind = 'enum' | 'boolean' | 'number' | 'string' | 'duration' | 'list' | 'object' | 'json';

const isDuration = (s: JsonSchema) => (s.oneOf ?? []).some((o) => o.type === 'string') && (s.oneOf ?? []).some((o) => o.type === 'integer' || o.type === 'number');
const scalarItems = (s: JsonSchema | undefined) => !!s && (s.type === 'string' || s.type === 'number' || s.type === 'integer' || Array.isArray(s.enum) || (s.anyOf ?? []).every((o) => o.type === 'string' || Array.isArray(o.enum)));

export function fieldKind(s: JsonSchema): Kind {
  if (Array.isArray(s.enum)) return 'enum';
  if (isDuration(s)) return 'duration';
  if (s.type === 'boolean') return 'boolean';
  if (s.type === 'integer' || s.type === 'number') return 'number';
  if (s.type === 'string') return 'string';
  if (s.type === 'array' && scalarItems(s.items)) return 'list';
  if (s.type === 'object' && s.properties && !s.additionalProperties) return 'object';
  return 'json';
}

function Field({ name, schema, required, value, onChange, id }: { name: string; schema: JsonSchema; required: boolean; value: unknown; onChange(v: unknown): void; id: string }) {
  const kind = fieldKind(schema);
  const label = <span>{name}{required && <abbr title="required"> *</abbr>}</span>;
  const hint = schema.description ? <span className="muted small">{schema.description}</span> : null;
  if (kind === 'object') {
    return (
      <fieldset>
        <legend>{label}</legend>
        {hint}
        <SchemaForm schema={schema} value={(value as Record<string, unknown>) ?? {}} idPrefix={id}
          onChange={(v) => onChange(Object.keys(v).length === 0 ? undefined : v)} />
      </fieldset>
    );
  }
  return (
    <label htmlFor={id}>
      {label}
      <Input kind={kind} schema={schema} required={required} value={value} onChange={onChange} id={id} />
      {hint}
    </label>
  );
}

function Input({ kind, schema, required, value, onChange, id }: { kind: Kind; schema: JsonSchema; required: boolean; value: unknown; onChange(v: unknown): void; id: string }) {
  switch (kind) {
    case 'enum': {
      const options = schema.enum!;
      const at = options.findIndex((o) => o === value);
      return (
        <select id={id} value={at < 0 ? '' : String(at)} onChange={(e) => onChange(e.target.value === '' ? undefined : options[Number(e.target.value)])}>
          <option value="">{required ? 'choose…' : '(default)'}</option>
          {options.map((o, i) => <option key={i} value={String(i)}>{String(o)}</option>)}
        </select>
      );
    }
    case 'boolean':
      return (
        <select id={id} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value === 'true')}>
          <option value="">(default)</option><option value="true">true</option><option value="false">false</option>
        </select>
      );
    case 'number':
      return <input id={id} type="number" min={schema.minimum} max={schema.maximum} step={schema.type === 'integer' ? 1 : 'any'} value={value === undefined ? '' : String(value)}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))} />;
    case 'duration':
      return <input id={id} placeholder="e.g. 1m, 30s or milliseconds" value={value === undefined ? '' : String(value)}
        onChange={(e) => { const t = e.target.value.trim(); onChange(t === '' ? undefined : /^\d+$/.test(t) ? Number(t) : t); }} />;
    case 'string': {
      const long = (typeof schema.maxLength === 'number' && schema.maxLength > 2000) || /expression|when|source|message/.test(id);
      const common = { id, value: typeof value === 'string' ? value : '', onChange: (e: { target: { value: string } }) => onChange(e.target.value === '' ? undefined : e.target.value) };
      return long ? <textarea className="code" rows={3} {...common} /> : <input {...common} />;
    }
    case 'list': {
      const numeric = schema.items?.type === 'number' || schema.items?.type === 'integer' || (schema.items?.enum ?? []).every((x) => typeof x === 'number') && !!schema.items?.enum;
      return <input id={id} placeholder="comma-separated" value={Array.isArray(value) ? value.join(', ') : ''}
        onChange={(e) => {
          const parts = e.target.value.split(',').map((s) => s.trim()).filter((s) => s !== '');
          onChange(parts.length === 0 ? undefined : numeric ? parts.map(Number) : parts);
        }} />;
    }
    default:
      return <JsonInput id={id} value={value} onChange={onChange} />;
  }
}

/** Free JSON for shapes a field cannot express; a parse error is shown and nothing changes until it parses. */
function JsonInput({ id, value, onChange }: { id: string; value: unknown; onChange(v: unknown): void }) {
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { setText(value === undefined ? '' : JSON.stringify(value, null, 2)); }, [id]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <>
      <textarea id={id} className="code" rows={5} value={text} onChange={(e) => {
        setText(e.target.value);
        if (e.target.value.trim() === '') { setError(null); onChange(undefined); return; }
        try { onChange(JSON.parse(e.target.value)); setError(null); } catch (err) { setError((err as Error).message); }
      }} />
      {error && <span className="error small">not JSON yet: {error}</span>}
    </>
  );
}
