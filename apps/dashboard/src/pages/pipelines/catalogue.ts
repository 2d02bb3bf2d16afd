import kinds from 'virtual:outpost-operators';

/** One node kind of the engine, as the operator registry declares it (see build/operator-catalogue.ts). */
export interface NodeKind {
  kind: string;
  typeVersion: number;
  title: string;
  description: string;
  configSchema: JsonSchema;
  inputs: string[];
  outputs: string[];
}

export type JsonSchema = {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  [k: string]: unknown;
};

/** Every node kind, newest typeVersion last for each kind. */
export const NODE_KINDS: readonly NodeKind[] = kinds as NodeKind[];

/** The newest version of each kind: what the palette offers. */
export const PALETTE: readonly NodeKind[] = [...new Map(NODE_KINDS.map((k) => [k.kind, k])).values()];

export function nodeKind(kind: string, typeVersion: number): NodeKind | undefined {
  return NODE_KINDS.find((k) => k.kind === kind && k.typeVersion === typeVersion);
}
