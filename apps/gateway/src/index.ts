export { startGateway, type StartGatewayOptions, type RunningGateway, type GatewayStatus } from './gateway.js';
export { buildGatewayHttp, type GatewayHttpDeps } from './http/server.js';
