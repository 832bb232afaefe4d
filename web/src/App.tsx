import { lazy } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { Layout } from './ui/Layout.js';
import { HomePage } from './portal/HomePage.js';
import { NotFoundPage } from './portal/NotFoundPage.js';

const SearchPage = lazy(() => import('./portal/SearchPage.js'));
const ProcedurePage = lazy(() => import('./portal/ProcedurePage.js'));
const SubmitPage = lazy(() => import('./portal/SubmitPage.js'));
const AgenciesPage = lazy(() => import('./portal/AgenciesPage.js'));
const AgencyPage = lazy(() => import('./portal/AgencyPage.js'));
const GroupsPage = lazy(() => import('./portal/GroupsPage.js'));
const GroupPage = lazy(() => import('./portal/GroupPage.js'));

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { index: true, element: <HomePage /> },
      { path: 'thu-tuc', element: <SearchPage /> },
      { path: 'thu-tuc/:nationalCode', element: <ProcedurePage /> },
      { path: 'nop-ho-so/:nationalCode', element: <SubmitPage /> },
      { path: 'co-quan', element: <AgenciesPage /> },
      { path: 'co-quan/:code', element: <AgencyPage /> },
      { path: 'lien-thong', element: <GroupsPage /> },
      { path: 'lien-thong/:code', element: <GroupPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
