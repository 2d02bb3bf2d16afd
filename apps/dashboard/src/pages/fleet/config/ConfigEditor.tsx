import { useEffect, useRef } from 'react';
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { javascript } from '@codemirror/lang-javascript';
import { forceLinting, linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import type { ConfigProblem } from './config-lint.js';

/**
 * CodeMirror for a config draft, with the draft's problems (JSON syntax, schema violations) drawn
 * as lint diagnostics at the offending key while typing. `check` is the same function the tab uses
 * to block saving, so what is underlined and what blocks Save never disagree.
 */
export function ConfigEditor({ value, onChange, check, readOnly, label }: { value: string; onChange(v: string): void; check(text: string): ConfigProblem[]; readOnly: boolean; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const ro = useRef(new Compartment());
  const latest = useRef({ onChange, check });
  latest.current = { onChange, check };

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(), history(), bracketMatching(), syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          // JSON is a JavaScript expression: its highlighter is good enough and already bundled.
          javascript(), lintGutter(),
          linter((vw) => latest.current.check(vw.state.doc.toString()).map((p): Diagnostic => ({ from: p.from, to: Math.min(p.to, vw.state.doc.length), severity: 'error', source: p.path, message: `${p.path}: ${p.message}` })), { delay: 250 }),
          ro.current.of(EditorState.readOnly.of(readOnly)),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((u) => { if (u.docChanged) latest.current.onChange(u.state.doc.toString()); }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => { view.current?.dispatch({ effects: ro.current.reconfigure(EditorState.readOnly.of(readOnly)) }); }, [readOnly]);
  // A value set from outside (a saved version reloaded) replaces the text; typing does not come back here.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);
  // The schema arrived (or changed): lint again without waiting for a keystroke.
  useEffect(() => { if (view.current) forceLinting(view.current); }, [check]);

  return <div className="config-editor" ref={host} />;
}
