import { OutpostError } from '@outpost/contract';

/**
 * Topic templates: which MQTT topics carry telemetry and what their levels mean. A template is a
 * topic whose whole levels may be `{name}` variables. The variable named by `device` (default
 * `device`) becomes the points' default device; every other variable becomes a tag. A `+` level
 * matches any value and is ignored (e.g. `telemetry/{device}/+` when the payload names the metric).
 *
 *   'outpost/v1/{device}/telemetry'                                   Outpost-native
 *   { topic: 'site/{site}/scada/{asset}/telemetry', device: 'asset' } the seed's SCADA layout
 */
export type TopicTemplate = string | { topic: string; device?: string };

export const DEFAULT_TOPIC_TEMPLATES: readonly TopicTemplate[] = Object.freeze([
  'outpost/v1/{device}/telemetry',
  { topic: 'site/{site}/scada/{asset}/telemetry', device: 'asset' },
]);

/** What a matching topic says about its points (shared between messages: do not mutate). */
export interface TopicMatch {
  template: string;
  defaults: { device?: string; tags?: Record<string, string> };
}

interface Compiled {
  template: string;
  levels: Array<{ literal: string } | { variable: string } | { any: true }>;
  deviceVar: string;
}

export interface TopicMatcher {
  /** The match for a topic, or undefined when no template matches. */
  match(topic: string): TopicMatch | undefined;
  /** MQTT subscription filters covering every template (variables become `+`). */
  readonly filters: readonly string[];
}

/** Cached topics: devices repeat their topics, so matching is a map lookup after the first message. */
const CACHE_LIMIT = 10_000;

export function compileTopicTemplates(templates: readonly TopicTemplate[] = DEFAULT_TOPIC_TEMPLATES): TopicMatcher {
  if (templates.length === 0) {
    throw new OutpostError('ERR_CONFIG_INVALID', 'mqtt topic templates are empty; expected at least one template such as "outpost/v1/{device}/telemetry"');
  }
  const compiled = templates.map(compileOne);
  const cache = new Map<string, TopicMatch | null>();
  return {
    filters: compiled.map((c) => c.levels.map((l) => ('literal' in l ? l.literal : '+')).join('/')),
    match(topic) {
      let m = cache.get(topic);
      if (m === undefined) {
        m = matchCompiled(compiled, topic) ?? null;
        if (cache.size >= CACHE_LIMIT) cache.clear(); // unbounded topic churn must not grow memory
        cache.set(topic, m);
      }
      return m ?? undefined;
    },
  };
}

function compileOne(t: TopicTemplate): Compiled {
  const template = typeof t === 'string' ? t : t.topic;
  const deviceVar = (typeof t === 'string' ? undefined : t.device) ?? 'device';
  const levels = template.split('/').map((level) => {
    const v = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(level);
    if (v) return { variable: v[1]! };
    if (level === '+') return { any: true as const };
    if (/[{}+#]/.test(level)) {
      throw new OutpostError('ERR_CONFIG_INVALID', `mqtt topic template "${template}" has level "${level}"; expected a literal without + # { }, a whole-level variable like {device}, or + (any value, ignored)`, { template });
    }
    return { literal: level };
  });
  if (!levels.some((l) => 'variable' in l && l.variable === deviceVar) && typeof t !== 'string' && t.device !== undefined) {
    throw new OutpostError('ERR_CONFIG_INVALID', `mqtt topic template "${template}" names device variable "${deviceVar}" but has no {${deviceVar}} level`, { template });
  }
  return { template, levels, deviceVar };
}

function matchCompiled(compiled: readonly Compiled[], topic: string): TopicMatch | undefined {
  const parts = topic.split('/');
  outer: for (const c of compiled) {
    if (c.levels.length !== parts.length) continue;
    let device: string | undefined;
    let tags: Record<string, string> | undefined;
    for (let i = 0; i < parts.length; i++) {
      const level = c.levels[i]!;
      const part = parts[i]!;
      if ('literal' in level) {
        if (level.literal !== part) continue outer;
      } else {
        if (part.length === 0) continue outer; // "site//scada" names no site
        if ('any' in level) continue;
        if (level.variable === c.deviceVar) device = part;
        else (tags ??= {})[level.variable] = part;
      }
    }
    const defaults: TopicMatch['defaults'] = {};
    if (device !== undefined) defaults.device = device;
    if (tags !== undefined) defaults.tags = tags;
    return { template: c.template, defaults };
  }
  return undefined;
}
