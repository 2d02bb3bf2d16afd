import type { Point } from '@outpost/contract';
import type { Severity } from '../types.js';
import type { AlertChange, AlertQuery, AlertRecord } from './alert-store.js';

export interface RaiseInput { rule: string; key: string; device: string; severity: Severity; message: string; value?: number; points: readonly Point[] }

/**
 * Where the engine keeps the alert lifecycle. Synchronous, so evaluation never awaits: the
 * gateway's AlertStore (SQLite) and the hub's MemoryAlertStore (open alerts in memory; the hub
 * persists the changes to its own store) implement it.
 */
export interface AlertLifecycle {
  isOpen(rule: string, key: string): boolean;
  /** Undefined when the rule and key already have an open alert. */
  raise(a: RaiseInput, at: number): AlertChange | undefined;
  /** Undefined when no alert is open for the rule and key. */
  clearKey(rule: string, key: string, message: string, at: number): AlertChange | undefined;
  acknowledge(id: number, by: string, at: number): AlertChange;
  clear(id: number, message: string, at: number): AlertChange;
  get(id: number): AlertRecord | undefined;
  query(q?: AlertQuery): AlertRecord[];
  transaction<T>(fn: () => T): T;
  /** Write changes a deferred store still holds (AlertStore with deferred writes). */
  flush?(): void;
}
