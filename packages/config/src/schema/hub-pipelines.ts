import { Int, Num, Optional, Section, Str } from './kinds.js';

const DAY_MS = 86_400_000;
const ClassTtl = (def: number, what: string) => Int({ minimum: 1000, default: def, description: `Time to live of ${what} items in the hub's pipeline outbox, ms; older ones are deleted unread (counted as expired).` });

/** `hub.pipelines`: where the `mqtt` and `outbox` output nodes of pipelines running on the hub go (docs/engine.md). */
export const HubPipelinesSection = Section({
  mqtt: Section({
    url: Optional(Str({ minLength: 1, pattern: '^(mqtts?|wss?|tcp|ssl)://', description: 'Broker that `mqtt` output nodes of hub pipelines publish to, e.g. `mqtt://broker:1883`. Unset: pipelines with an `mqtt` node are refused on the hub (ERR_PIPELINE_UNSUPPORTED names this key).' })),
    username: Optional(Str({ minLength: 1, description: 'Broker user name.' })),
    password: Optional(Str({ description: 'Broker password (with `username`).' })),
    clientId: Str({ minLength: 1, default: 'outpost-hub-pipelines', description: 'MQTT client id; a random suffix is added per hub process so two hubs never take over each other\'s session.' }),
    topicPrefix: Str({ default: 'outpost/{org}/', description: 'Put before every topic a hub pipeline publishes; `{org}` is the organisation id, so organisations cannot publish into each other\'s topics. Empty: topics as the pipeline writes them (single-organisation hubs only).' }),
    maxQueued: Int({ minimum: 1, default: 10_000, description: 'Messages waiting for the broker, over all pipelines. While it is unreachable the oldest past this are dropped and counted (`mqttDropped` in the node\'s stats); while it is up, pipelines wait for room instead.' }),
    maxInFlight: Int({ minimum: 1, default: 1000, description: 'QoS 1/2 publishes awaiting the broker\'s acknowledgement at once; more wait in the queue.' }),
    reconnectMs: Int({ minimum: 10, default: 1000, description: 'Delay between reconnection attempts, ms.' }),
  }, { description: 'MQTT broker for `mqtt` output nodes of pipelines running on the hub.' }),
  outbox: Section({
    maxSizeMb: Num({ exclusiveMinimum: 0, default: 64, description: 'Capacity of one organisation\'s pipeline outbox (item bytes); when full the oldest items of the least important class are deleted first (critical items are kept).' }),
    ttlMs: Section({
      critical: ClassTtl(30 * DAY_MS, 'critical'),
      high: ClassTtl(7 * DAY_MS, 'high'),
      normal: ClassTtl(7 * DAY_MS, 'normal'),
      bulk: ClassTtl(DAY_MS, 'bulk'),
    }, { description: 'Per-class time to live of outbox items.' }),
  }, { description: 'Pipeline outbox on the hub: `outbox` output nodes queue items here and consumers drain them with GET /v1/pipelines/outbox and POST /v1/pipelines/outbox/ack.' }),
}, { description: 'Outputs of pipelines running on the hub.' });
