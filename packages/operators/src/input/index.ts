/**
 * input: where points enter a pipeline. Matches by device type, device, metric, tags and quality;
 * every condition given must hold. With no conditions the whole batch passes without a copy.
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
    const matches = (p: Point): boolean => {
      if (metric && !metric(p.metric)) return false;
      if (device && !device(p.device)) return false;
      if (quality && !quality.has(p.quality ?? 'good')) return false;
      for (const [k, v] of tags) if (p.tags?.[k] !== v) return false;
      if (type) {
        const t = p.tags?.deviceType ?? typeOf?.(p.device);
        if (t === undefined || !type(t)) return false;
      }
      return true;
    };
    let seen = 0;
    return {
      process(_port, items, io) {
        seen += items.length;
        if (all) { io.emitAll('out', items); return; }
        const out = io.out('out');
        for (const p of items as readonly Point[]) if (matches(p)) out.push(p);
      },
      stats: () => ({ seen }),
    };
  },
};
