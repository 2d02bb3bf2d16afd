import { lazy, Suspense, type ComponentType } from 'react';
import { Loading } from '../../components/states.js';
import type { PageRoute } from '../index.js';

/** A page loaded on first visit, so React Flow and CodeMirror stay out of the first load of the app. */
function later<M>(load: () => Promise<M>, pick: (m: M) => ComponentType) {
  const Page = lazy(() => load().then((m) => ({ default: pick(m) })));
  return <Suspense fallback={<Loading what="page" />}><Page /></Suspense>;
}

/** The pipelines and scripts pages (this folder and ../scripts). */
export const PIPELINE_PAGES: readonly PageRoute[] = [
  { path: '/pipelines', element: later(() => import('./PipelinesPage.js'), (m) => m.PipelinesPage), label: 'Pipelines' },
  { path: '/pipelines/new', element: later(() => import('./PipelinePage.js'), (m) => m.NewPipelinePage) },
  { path: '/pipelines/:id/*', element: later(() => import('./PipelinePage.js'), (m) => m.PipelinePage) },
  { path: '/scripts', element: later(() => import('../scripts/ScriptsPage.js'), (m) => m.ScriptsPage), label: 'Scripts' },
  { path: '/scripts/processors/:name', element: later(() => import('../scripts/ProcessorPage.js'), (m) => m.ProcessorPage) },
];
