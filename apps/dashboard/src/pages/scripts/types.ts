/** The hub's processor registry API (docs/sandbox.md, "Processor registry on the hub"). */
export interface ProcessorManifest { name: string; version: string; description: string; language: 'javascript' | 'python'; configSchema: Record<string, unknown>; inputSchema?: unknown; outputSchema?: unknown; limits?: Record<string, number> }
export interface ProcessorSummary {
  name: string; enabled: boolean; active: string | null; rollbackTo: string | null;
  versions: Array<{ version: string; description: string; language: string; createdAt: number }>;
  updatedAt: number;
}
export interface ProcessorVersion { name: string; version: string; description: string; language: 'javascript' | 'python'; manifest: ProcessorManifest; sha256: string; size: number; createdBy: string; createdAt: number; source?: string }
export interface ProcessorUsage { invocations: number; errors: number; avgMs: number; p95Ms: number; devices: number }
export interface ProcessorStats { name: string; versions: Record<string, ProcessorUsage> }
