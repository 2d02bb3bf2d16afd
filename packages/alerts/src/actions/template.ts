import type { AlertChange } from '../lifecycle/alert-store.js';

/**
 * Renders `{rule}`, `{device}`, `{key}`, `{severity}`, `{message}`, `{value}`, `{change}`, `{id}`,
 * `{at}` (ISO time) and `{json}` (the whole change). Unknown names stay as written, so a typo
 * shows in the output rather than vanishing.
 */
export function render(template: string, c: AlertChange): string {
  return template.replace(/\{(rule|device|key|severity|message|value|change|id|at|json)\}/g, (_m, k: string) => {
    switch (k) {
      case 'change': return c.change;
      case 'at': return new Date(c.at).toISOString();
      case 'json': return JSON.stringify(changePayload(c));
      case 'value': return c.alert.value === null ? '' : String(c.alert.value);
      default: return String(c.alert[k as 'rule' | 'device' | 'key' | 'severity' | 'message' | 'id']);
    }
  });
}

/** The JSON shape of a change for MQTT, webhooks and the hub outbox. */
export function changePayload(c: AlertChange): Record<string, unknown> {
  return { change: c.change, at: c.at, alert: c.alert };
}
