export { createMqttBrokerSource, type MqttBrokerOptions, type MqttBrokerSource } from './broker.js';
export { createMqttClientSource, type MqttClientOptions, type MqttClientSource } from './client.js';
export { MqttMessageIngest, type MqttIngestOptions, type MqttIngestStats } from './message-ingest.js';
export { compileTopicTemplates, DEFAULT_TOPIC_TEMPLATES, type TopicTemplate, type TopicMatch, type TopicMatcher } from './topics.js';
