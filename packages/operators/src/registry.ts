/**
 * The built-in operators, one line each. Adding an operator = one folder + one line here. Old
 * typeVersions stay in this list when a new one is added, so deployed pipelines keep their behaviour.
 */
import { createRegistry, type OperatorDefinition } from '@outpost/engine';
import { input } from './input/index.js';
import { filter } from './filter/index.js';
import { transform } from './transform/index.js';
import { aggregate } from './aggregate/index.js';
import { deduplicate } from './deduplicate/index.js';
import { interpolate } from './interpolate/index.js';
import { script } from './script/index.js';
import { model } from './model/index.js';
import { alert } from './alert/index.js';
import { store, outbox, mqtt, webhook } from './outputs/index.js';

export const BUILTIN_OPERATORS: readonly OperatorDefinition[] = [
  input, filter, transform, aggregate, deduplicate, interpolate, script, model, alert, store, outbox, mqtt, webhook,
];

export const builtinOperators = createRegistry(BUILTIN_OPERATORS);
