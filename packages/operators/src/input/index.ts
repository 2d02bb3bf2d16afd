/**
 * input: where points enter a pipeline. Matches by device type, device, metric, tags and quality;
 * every condition given must hold. A batch that matches whole (or with no conditions) passes without a copy.
 */
import type { Point } from '@outpost/contract';
import type { OperatorDefinition } from '@outpost/engine';
import { nameMatcher } from '../shared/patterns.js';

const names = { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true } as const;

export const input: OperatorDefinition = {
  kind: 'input',
  typeVersion: 1,
  title: 'Input',
  description: 'Selects the points a pipeline takes, by device type, device, metric, tags and quality. Names may use * wildcards.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      deviceTypes: { ...names, description: "Device types (from the host's registry, or the point's deviceType tag)." },
      devices: { ...names, description: 'Device ids or patterns like line3-*.' },
      metrics: { ...names, description: 'Metric names or patterns like *_temp.' },
      tags: { type: 'object', additionalProperties: { type: 'string' }, description: 'Tags that must be present with these values.' },
      quality: { type: 'array', items: { enum: ['good', 'uncertain', 'bad'] }, uniqueItems: true, minItems: 1 },
    },
  },
  inputs: [],
  outputs: [{ name: 'out', type: 'point' }],
  create(config, ctx) {
    const c = config as { deviceTypes?: string[]; devices?: string[]; metrics?: string[]; tags?: Record<string, string>; quality?: string[] };
    const device = nameMatcher(c.devices);
    const metric = nameMatcher(c.metrics);
    const type = nameMatcher(c.deviceTypes);
    const tags = c.tags ? Object.entries(c.tags) : [];
    const quality = c.quality ? new Set(c.quality) : undefined;
    const typeOf = ctx.host.deviceTypeOf;
    const all = !device && !metric && !type && tags.length === 0 && !quality;
    // Only the conditions given are checked: this runs for every point of every batch.
    const checks: ((p: Point) => boolean)[] = [];
    if (metric) checks.push((p) => metric(p.metric));
    if (device) checks.push((p) => device(p.device));
    if (quality) checks.push((p) => quality.has(p.quality ?? 'good'));
    if (tags.length > 0) checks.push((p) => tags.every(([k, v]) => p.tags?.[k] === v));
    if (type) {
      checks.push((p) => {
        const t = p.tags?.deviceType ?? typeOf?.(p.device);
        return t !== undefined && type(t);
      });
    }
    const matches = checks.length === 1 ? checks[0]! : (p: Point) => { for (const check of checks) if (!check(p)) return false; return true; };
    let seen = 0;
    return {
      process(_port, items, io) {
        seen += items.length;
        if (all) { io.emitAll('out', items); return; }
        // A batch that matches whole is handed on without a copy; the copy starts at the first miss.
        const points = items as readonly Point[];
        let i = 0;
        while (i < points.length && matches(points[i]!)) i++;
        if (i === points.length) { io.emitAll('out', points); return; }
        const out = io.out('out');
        for (let k = 0; k < i; k++) out.push(points[k]);
        for (i++; i < points.length; i++) if (matches(points[i]!)) out.push(points[i]);
      },
      stats: () => ({ seen }),
    };
  },
};
