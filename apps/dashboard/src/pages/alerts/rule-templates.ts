/** A starting rule per kind (docs/alerts.md); the hub validates the rule set on save. */
export const RULE_TEMPLATES: Record<string, Record<string, unknown>> = {
  threshold: { kind: 'threshold', metric: 'temperature', op: '>', raise: 80, clear: 75, forSeconds: 0 },
  rate: { kind: 'rate', metric: 'pressure', perSecond: 0.5, direction: 'fall' },
  missing: { kind: 'missing', metric: 'active_power', afterSeconds: 120 },
  pattern: { kind: 'pattern', mode: 'nOfM', metric: 'vibration', n: 3, m: 10, op: '>', value: 7.1 },
  geofence: { kind: 'geofence', on: ['enter', 'exit'], circle: { center: [10.2, 50.1], radiusMeters: 250 } },
  anomaly: { kind: 'anomaly', metric: 'anomaly_score', threshold: 0.8, clear: 0.6 },
  'performance-ratio': { kind: 'performance-ratio', ratedPowerKw: 110, below: 0.75, clearAbove: 0.8 },
  'string-imbalance': { kind: 'string-imbalance', strings: 12, deviation: 0.2 },
};
export const RULE_KINDS = Object.keys(RULE_TEMPLATES);
export const SHAPE_KEYS = ['polygon', 'circle', 'geojson'] as const;
