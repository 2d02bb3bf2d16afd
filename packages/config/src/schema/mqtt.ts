import { Type } from '@sinclair/typebox';
import { Int, Optional, Port, Section, Str, StringEnum, Struct } from './kinds.js';

export const DEFAULT_TOPICS = ['site/{site}/scada/{asset}/telemetry', 'outpost/v1/{device}/telemetry'];

const TlsBlock = Struct({
  keyFile: Str({ minLength: 1, description: 'PEM private key file.' }),
  certFile: Str({ minLength: 1, description: 'PEM certificate file.' }),
  port: Port(8883, { description: 'Port of the TLS listener.' }),
}, { description: 'Embedded broker: an additional TLS listener. Unset: no TLS.' });

export const MqttSection = Section({
  mode: StringEnum(['embedded', 'client', 'off'] as const, {
    default: 'embedded',
    description: '`embedded`: run an MQTT broker (aedes) in the gateway; `client`: subscribe to an external broker at `url`; `off`: no MQTT.',
  }),
  host: Str({ minLength: 1, default: '127.0.0.1', description: 'Embedded broker: bind address.' }),
  port: Port(1883, { description: 'Embedded broker: port.' }),
  username: Optional(Str({ minLength: 1, description: 'Embedded broker: username clients must present; client mode: username sent to the broker.' })),
  password: Optional(Str({ description: 'Password matching `username`.' })),
  tls: Optional(TlsBlock),
  url: Str({ minLength: 1, pattern: '^(mqtts?|wss?|tcp|ssl)://', default: 'mqtt://127.0.0.1:1883', description: 'Client mode: broker URL.' }),
  clientId: Optional(Str({ minLength: 1, description: 'Client mode: MQTT client id. Default: `outpost-<gateway.id>`.' })),
  protocolVersion: Int({ minimum: 4, maximum: 5, default: 5, description: 'Client mode: MQTT 5 (default) or 4 (3.1.1). With 5 the gateway announces `receiveMaximum`; with 3.1.1 the broker\'s own in-flight limit applies (Mosquitto: `max_inflight_messages`, default 20), and since the PUBACK waits for the commit, 20 messages per group commit caps throughput (~1-4k messages/s measured on the 2-core test machine).' }),
  receiveMaximum: Int({ minimum: 1, maximum: 65535, default: 1000, description: 'Client mode, MQTT 5: un-acknowledged QoS 1 messages the broker may send at once (they share group commits).' }),
  topics: Type.Array(Type.String({ minLength: 1 }), {
    minItems: 1,
    default: DEFAULT_TOPICS,
    description: 'Topic templates to accept; `{site}`, `{asset}`, `{device}` name topic levels (other `{name}` levels become tags), a `+` level matches anything and is ignored. Env: JSON array or comma-separated.',
  }),
  maxPayloadBytes: Int({ minimum: 1, default: 1024 * 1024, description: 'Larger payloads are rejected (ERR_INGEST_TOO_LARGE) and dead-lettered.' }),
  maxPointsPerMessage: Int({ minimum: 1, default: 10_000, description: 'Messages with more points are rejected whole.' }),
}, { description: 'MQTT ingest: embedded broker or client of an external broker.' });
