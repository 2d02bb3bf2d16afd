import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { SessionProvider, useSession } from './session.js';
import { Layout } from './Layout.js';
import { LiveProvider } from './live.js';
import { SignInPage } from '../pages/signin/SignInPage.js';
import { PAGES } from '../pages/index.js';

function Routed() {
  const s = useSession();
  if (!s.token) {
    return (
      <Routes>
        <Route path="/signin" element={<SignInPage />} />
        <Route path="*" element={<Navigate to="/signin" replace />} />
      </Routes>
    );
  }
  return (
    <LiveProvider>
    <Routes>
      <Route element={<Layout />}>
        {PAGES.map((p) => <Route key={p.path} path={p.path} element={p.element} />)}
        <Route path="*" element={<Navigate to="/fleet" replace />} />
      </Route>
    </Routes>
    </LiveProvider>
  );
}

export function App() {
  return (
    <SessionProvider>
      <BrowserRouter><Routed /></BrowserRouter>
    </SessionProvider>
  );
}
