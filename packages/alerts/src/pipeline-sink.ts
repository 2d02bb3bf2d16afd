import type { Point } from '@outpost/contract';
import type { AlertEngine } from './engine.js';
import type { Severity } from './types.js';

/** The fields of the engine's AlertEvent this adapter reads (kept structural: no engine dependency). */
export interface PipelineAlertEvent { pipelineId: string; nodeId: string; rule: string; severity: Severity; message: string; ts: number; item: unknown }

const isPoint = (x: unknown): x is Point => typeof x === 'object' && x !== null && typeof (x as Point).device === 'string' && typeof (x as Point).metric === 'string';

/**
 * An AlertSink for pipeline `alert` nodes (`sinks.alert`) that feeds the gateway's alert
 * lifecycle: rule id `pipeline:<pipelineId>/<nodeId>/<rule>`, one open alert per device.
 */
export function pipelineAlertSink(engine: AlertEngine): { raise(events: readonly PipelineAlertEvent[]): void } {
  return {
    raise(events) {
      engine.raiseExternal(events.map((e) => {
        const device = isPoint(e.item) ? e.item.device : e.nodeId;
        return { rule: `pipeline:${e.pipelineId}/${e.nodeId}/${e.rule}`, key: device, device, severity: e.severity, message: e.message, points: isPoint(e.item) ? [e.item] : [] };
      }));
    },
  };
}
