import type { AlertChange } from '../lifecycle/alert-store.js';

/**
 * Renders `{rule}`, `{device}`, `{key}`, `{severity}`, `{message}`, `{value}`, `{change}`, `{id}`,
 * `{at}` (ISO time), `{json}` (the whole change), and from the latest triggering point
 * `{point.metric}`, `{point.ts}` (epoch ms), `{point.value}`, `{point.unit}` and `{attr.<name>}`
 * (its transient attributes, `gateway.ingest.attributes`). Unknown names, and a point field or
 * attribute the point lacks, stay as written, so a typo shows in the output rather than vanishing.
 */
export function render(template: string, c: AlertChange): string {
  return template.replace(TEMPLATE_VARS, (m, k: string | undefined, field: string | undefined, attr: string | undefined) => {
    if (k === undefined) {
      const p = c.alert.points[c.alert.points.length - 1];
      const v = field !== undefined ? p?.[field as 'metric' | 'ts' | 'value' | 'unit'] : p?.attrs?.[attr!];
      return v === undefined || v === null ? m : String(v);
    }
    switch (k) {
      case 'change': return c.change;
      case 'at': return new Date(c.at).toISOString();
      case 'json': return JSON.stringify(changePayload(c));
      case 'value': return c.alert.value === null ? '' : String(c.alert.value);
      default: return String(c.alert[k as 'rule' | 'device' | 'key' | 'severity' | 'message' | 'id']);
    }
  });
}

const TEMPLATE_VARS = /\{(?:(rule|device|key|severity|message|value|change|id|at|json)|point\.(metric|ts|value|unit)|attr\.([A-Za-z_][A-Za-z0-9_]*))\}/g;

/** The JSON shape of a change for MQTT, webhooks and the hub outbox. */
export function changePayload(c: AlertChange): Record<string, unknown> {
  return { change: c.change, at: c.at, alert: c.alert };
}
