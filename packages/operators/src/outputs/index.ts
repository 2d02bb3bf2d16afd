/**
 * Output nodes: local store table, outbox (uplink) with a priority class, MQTT publish, webhook.
 * Each hands items to a sink the host provides; the engine does no I/O. A pipeline using an
 * output the host does not offer is rejected at compile time.
 */
import type { Point } from '@outpost/contract';
import { PRIORITY_CLASSES, type OperatorContext, type OperatorDefinition, type OutputItem, type PriorityClass, type Sinks } from '@outpost/engine';
import { handOff } from '../shared/hand-off.js';

const inputs = [{ name: 'in', accepts: ['point', 'rollup'] as const }];

function missing(ctx: OperatorContext, what: string, sink: keyof Sinks): void {
  const hint = ctx.host.missingSinkHints?.[sink];
  ctx.report({ code: 'ERR_PIPELINE_UNSUPPORTED', path: '/config', message: `this host provides no ${what} sink${hint ? ` (${hint})` : ''}` });
}

export const store: OperatorDefinition = {
  kind: 'store',
  typeVersion: 1,
  title: 'Store',
  description: 'Writes points or rollup rows to a table of the local store.',
  configSchema: {
    type: 'object', required: ['table'], additionalProperties: false,
    properties: { table: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$', description: 'Table name, e.g. derived or rollups.' } },
  },
  inputs, outputs: [],
  create(config, ctx) {
    const sink = ctx.host.sinks?.store;
    if (!sink) missing(ctx, 'store', 'store');
    const table = config.table as string;
    const meta = { pipelineId: ctx.pipelineId, nodeId: ctx.nodeId };
    return {
      process: (_port, items, io) => (sink && items.length > 0 ? handOff(io, ctx.nodeId, `store table ${table}`, items, () => sink.write(table, items as readonly OutputItem[], meta)) : undefined),
    };
  },
};

export const outbox: OperatorDefinition = {
  kind: 'outbox',
  typeVersion: 1,
  title: 'Outbox',
  description: 'Queues points or rollup rows for uplink to the hub with a priority class (critical drains first).',
  configSchema: {
    type: 'object', additionalProperties: false,
    properties: { priority: { enum: [...PRIORITY_CLASSES], description: 'Default normal.' } },
  },
  inputs, outputs: [],
  create(config, ctx) {
    const sink = ctx.host.sinks?.outbox;
    if (!sink) missing(ctx, 'outbox', 'outbox');
    const priority = (config.priority as PriorityClass | undefined) ?? 'normal';
    const meta = { pipelineId: ctx.pipelineId, nodeId: ctx.nodeId };
    return {
      process: (_port, items, io) => (sink && items.length > 0 ? handOff(io, ctx.nodeId, 'outbox', items, () => sink.enqueue(priority, items as readonly OutputItem[], meta)) : undefined),
    };
  },
};

export const mqtt: OperatorDefinition = {
  kind: 'mqtt',
  typeVersion: 1,
  title: 'MQTT publish',
  description: 'Publishes each point or rollup row as JSON to a topic; {device} and {metric} in the topic are filled in.',
  configSchema: {
    type: 'object', required: ['topic'], additionalProperties: false,
    properties: {
      topic: { type: 'string', minLength: 1, maxLength: 1024, pattern: '^[^#+\\u0000]+$', description: 'Topic template without wildcards, e.g. plant/{device}/{metric}.' },
      qos: { enum: [0, 1, 2], description: 'Default 1.' },
      retain: { type: 'boolean' },
    },
  },
  inputs, outputs: [],
  create(config, ctx) {
    const sink = ctx.host.sinks?.mqtt;
    if (!sink) missing(ctx, 'MQTT', 'mqtt');
    const topic = config.topic as string;
    const qos = (config.qos as 0 | 1 | 2 | undefined) ?? 1;
    const retain = (config.retain as boolean | undefined) ?? false;
    const meta = { pipelineId: ctx.pipelineId, nodeId: ctx.nodeId };
    // Topic levels come from device and metric names: strip characters that would change the topic's shape.
    const level = (s: string) => s.replace(/[/#+\u0000]/g, '_');
    return {
      process(_port, items, io) {
        if (!sink || items.length === 0) return;
        const messages = (items as readonly (Point | OutputItem)[]).map((it) => ({
          topic: topic.replace(/\{(device|metric)\}/g, (_m, k: 'device' | 'metric') => level(it[k])), payload: it, qos, retain,
        }));
        return handOff(io, ctx.nodeId, 'MQTT publish', items, () => sink.publish(messages, meta));
      },
    };
  },
};

export const webhook: OperatorDefinition = {
  kind: 'webhook',
  typeVersion: 1,
  title: 'Webhook',
  description: 'Posts points or rollup rows in batches to an HTTP(S) URL (the host signs and retries).',
  configSchema: {
    type: 'object', required: ['url'], additionalProperties: false,
    properties: {
      url: { type: 'string', pattern: '^https?://[^\\s]+$', maxLength: 2048 },
      headers: { type: 'object', additionalProperties: { type: 'string' }, maxProperties: 20 },
    },
  },
  inputs, outputs: [],
  create(config, ctx) {
    const sink = ctx.host.sinks?.webhook;
    if (!sink) missing(ctx, 'webhook', 'webhook');
    const url = config.url as string;
    const meta = { pipelineId: ctx.pipelineId, nodeId: ctx.nodeId, headers: (config.headers as Record<string, string> | undefined) ?? {} };
    return {
      process: (_port, items, io) => (sink && items.length > 0 ? handOff(io, ctx.nodeId, `webhook ${url}`, items, () => sink.post(url, items as readonly OutputItem[], meta)) : undefined),
    };
  },
};
