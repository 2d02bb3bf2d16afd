/** What the hub's pipeline routes return (pipelines module; shapes of @outpost/engine's test result). */
export interface PipelineDoc {
  schemaVersion: 1;
  id: string;
  name?: string;
  description?: string;
  nodes: DocNode[];
  edges: DocEdge[];
}
export interface DocNode { id: string; kind: string; typeVersion: number; name?: string; config?: Record<string, unknown> }
export interface DocEdge { from: string; fromPort?: string; to: string; toPort?: string }

export interface SavedPipeline { id: string; latestVersion?: number; activeVersion?: number | null; updatedAt?: number; [k: string]: unknown }
export interface PipelineVersion { pipelineId: string; version: number; hash: string; doc: PipelineDoc; note: string | null; createdAt: number; createdBy?: string | null }
export interface VersionsResponse { pipelineId: string; activeVersion: number | null; versions: PipelineVersion[]; activations: Array<{ version: number | null; at: number; reason?: string; actor?: string }> }
export interface SaveResponse { pipelineId: string; version: number; hash: string; created: boolean }

export interface CompileIssue { nodeId?: string; code: string; message: string; path?: string; position?: number }
export interface EngineError { nodeId: string; code: string; message: string; item?: unknown }
export interface TracePort { count: number; items: unknown[] }
export interface NodeTrace { id: string; kind: string; typeVersion: number; calls: number; durationMs: number; in: Record<string, TracePort>; out: Record<string, TracePort>; errors: EngineError[]; errorCount: number }
export interface PipelineTrace { pipelineId: string; points: number; durationMs: number; truncated: boolean; nodes: NodeTrace[] }
export interface RecordedOutput { kind: string; targets: string[]; items: unknown[] }
export interface TestResult { ok: boolean; issues: CompileIssue[]; outputs: Record<string, RecordedOutput>; errors: EngineError[]; trace: PipelineTrace | null }
export interface OutputDiff { nodeId: string; status: 'changed' | 'only-in-a' | 'only-in-b'; onlyInA: unknown[]; onlyInB: unknown[]; countA: number; countB: number }
export interface TestResponse { mode: 'test'; points: number; result: TestResult }
export interface DiffResponse { mode: 'diff'; points: number; diff: { equal: boolean; outputs: OutputDiff[]; a: TestResult; b: TestResult } }

/** Where the test points come from: pasted samples or a replayed device time range. */
export type TestSource =
  | { points: unknown[] }
  | { replay: { device: string; metric: string; from: string; to: string } };

/** Compile issues of a 400 from the hub (`details.issues`), by node id ('' = the whole document). */
export function issuesByNode(details: unknown): Map<string, CompileIssue[]> {
  const out = new Map<string, CompileIssue[]>();
  const issues = (details as { issues?: CompileIssue[] } | undefined)?.issues ?? [];
  for (const i of issues) {
    const k = i.nodeId ?? '';
    out.set(k, [...(out.get(k) ?? []), i]);
  }
  return out;
}
