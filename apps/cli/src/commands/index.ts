import type { CliCommand } from './types.js';
import { gatewayCommand } from './gateway.js';
import { hubCommand } from './hub.js';
import { devCommand } from './dev.js';
import { configCommand } from './config.js';
import { pipelineCommand } from './pipeline.js';
import { trainCommand } from './train.js';
import { deployCommand } from './deploy.js';

/** Every `outpost` verb, in help order. A new verb adds a file in this folder and one line here. */
export const COMMANDS: readonly CliCommand[] = [devCommand, gatewayCommand, hubCommand, configCommand, pipelineCommand, trainCommand, deployCommand];

export type { CliCommand } from './types.js';
