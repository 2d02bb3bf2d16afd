export { AlertEngine, type AlertEngineOptions } from './engine.js';
export { AlertStore, type AlertRecord, type AlertChange, type AlertQuery, type AlertState } from './lifecycle/alert-store.js';
export { compileRule, type CompiledRule, type RuleLimits } from './rules/rule.js';
export { RULE_KINDS } from './rules/registry.js';
export { signWebhook, type MqttPublish } from './actions/executors.js';
export { changePayload, render } from './actions/template.js';
export type { Transition, RuleEvaluator, Severity, RuleLocation } from './types.js';
export { pipelineAlertSink, type PipelineAlertEvent } from './pipeline-sink.js';
