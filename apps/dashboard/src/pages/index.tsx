import type { ReactElement } from 'react';
import { FleetPage } from './fleet/FleetPage.js';
import { DevicePage } from './fleet/DevicePage.js';
import { DataExplorerPage } from './explorer/DataExplorerPage.js';
import { AlertsPage } from './alerts/AlertsPage.js';
import { SettingsPage } from './settings/SettingsPage.js';
import { ModelsPage } from './models/ModelsPage.js';
import { PIPELINE_PAGES } from './pipelines/routes.js';
import { DeploymentsPage } from './deployments/DeploymentsPage.js';
import { DeploymentPage } from './deployments/DeploymentPage.js';

/**
 * Every page of the app: its route, and its label when it belongs in the main navigation.
 * A new page adds a folder under pages/ and one line here (see the dashboard README).
 */
export interface PageRoute { path: string; element: ReactElement; label?: string }

export const PAGES: readonly PageRoute[] = [
  { path: '/fleet', element: <FleetPage />, label: 'Fleet' },
  { path: '/fleet/devices/:id/*', element: <DevicePage /> },
  { path: '/data', element: <DataExplorerPage />, label: 'Data' },
  ...PIPELINE_PAGES,
  { path: '/deployments', element: <DeploymentsPage />, label: 'Deployments' },
  { path: '/deployments/:id', element: <DeploymentPage /> },
  { path: '/alerts/*', element: <AlertsPage />, label: 'Alerts' },
  { path: '/models/*', element: <ModelsPage />, label: 'Models' },
  { path: '/settings', element: <SettingsPage />, label: 'Settings' },
];

export const NAV = PAGES.filter((p): p is PageRoute & { label: string } => p.label !== undefined);
