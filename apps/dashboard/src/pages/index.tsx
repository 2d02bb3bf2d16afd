import type { ReactElement } from 'react';
import { FleetPage } from './fleet/FleetPage.js';
import { DevicePage } from './fleet/DevicePage.js';
import { PipelinesPage } from './pipelines/PipelinesPage.js';
import { NewPipelinePage, PipelinePage } from './pipelines/PipelinePage.js';

/**
 * Every page of the app: its route, and its label when it belongs in the main navigation.
 * A new page adds a folder under pages/ and one line here (see the dashboard README).
 */
export interface PageRoute { path: string; element: ReactElement; label?: string }

export const PAGES: readonly PageRoute[] = [
  { path: '/fleet', element: <FleetPage />, label: 'Fleet' },
  { path: '/fleet/devices/:id/*', element: <DevicePage /> },
  { path: '/pipelines', element: <PipelinesPage />, label: 'Pipelines' },
  { path: '/pipelines/new', element: <NewPipelinePage /> },
  { path: '/pipelines/:id/*', element: <PipelinePage /> },
];

export const NAV = PAGES.filter((p): p is PageRoute & { label: string } => p.label !== undefined);
