import { PALETTE } from '../catalogue.js';

export const DRAG_TYPE = 'application/x-outpost-node-kind';

/** Every node kind of the engine, to drag onto the canvas (or add with a click). */
export function Palette({ onAdd, disabled }: { onAdd(kind: string): void; disabled: boolean }) {
  return (
    <aside className="palette" aria-label="Node kinds">
      <h3>Nodes</h3>
      {PALETTE.map((k) => (
        <div key={k.kind} className="palette-item" draggable={!disabled} title={k.description} data-kind={k.kind}
          onDragStart={(e) => { e.dataTransfer.setData(DRAG_TYPE, k.kind); e.dataTransfer.effectAllowed = 'move'; }}
          onDoubleClick={() => !disabled && onAdd(k.kind)}>
          <strong>{k.title.replace(/ \(v\d+\)$/, '')}</strong>
          <span className="muted small">{k.kind} v{k.typeVersion}</span>
        </div>
      ))}
      <p className="muted small">Drag onto the canvas (or double-click); connect an output handle to an input handle.</p>
    </aside>
  );
}
