import { createElement, lazy, Suspense, type ComponentType } from 'react';
import type { Device } from '../../api/types.js';
import { OverviewTab } from './OverviewTab.js';
import { MetricsTab } from './MetricsTab.js';
import { LogsTab } from './LogsTab.js';
import { Loading } from '../../components/states.js';
import { AlertsTab } from './AlertsTab.js';

export interface DeviceTabProps { device: Device; reload(): void }

// The Configuration tab brings ajv and CodeMirror: loaded on first visit, not with the app.
const LazyConfig = lazy(() => import('./ConfigTab.js').then((m) => ({ default: m.ConfigTab })));
const ConfigTab = (p: DeviceTabProps) => createElement(Suspense, { fallback: createElement(Loading, { what: 'configuration' }) }, createElement(LazyConfig, p));

/** The device detail tabs, in display order; a tab is a component and one line here. */
export const DEVICE_TABS: ReadonlyArray<{ path: string; label: string; Tab: ComponentType<DeviceTabProps> }> = [
  { path: '', label: 'Overview', Tab: OverviewTab },
  { path: 'metrics', label: 'Metrics', Tab: MetricsTab },
  { path: 'logs', label: 'Logs', Tab: LogsTab },
  { path: 'config', label: 'Configuration', Tab: ConfigTab },
  { path: 'alerts', label: 'Alerts', Tab: AlertsTab },
];
