import { lazy } from 'react';
import { createBrowserRouter } from 'react-router';
// The DOM RouterProvider supplies ReactDOM.flushSync for navigate(…, { flushSync: true }).
import { RouterProvider } from 'react-router/dom';
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
const GroupSubmitPage = lazy(() => import('./portal/GroupSubmitPage.js'));
const RegisterPage = lazy(() => import('./account/RegisterPage.js'));
const LoginPage = lazy(() => import('./account/LoginPage.js'));
const VerifyEmailPage = lazy(() => import('./account/VerifyEmailPage.js'));
const ForgotPasswordPage = lazy(() => import('./account/ForgotPasswordPage.js'));
const ResetPasswordPage = lazy(() => import('./account/ResetPasswordPage.js'));
const ProfilePage = lazy(() => import('./account/ProfilePage.js'));
const WorkspacePage = lazy(() => import('./workspace/WorkspacePage.js'));
const OfficersPage = lazy(() => import('./admin/OfficersPage.js'));
const CalendarPage = lazy(() => import('./admin/CalendarPage.js'));
const WorkflowEditorPage = lazy(() => import('./admin/WorkflowEditorPage.js'));
const MyDossiersPage = lazy(() => import('./dossiers/MyDossiersPage.js'));
const DossierPage = lazy(() => import('./dossiers/DossierPage.js'));
const LookupPage = lazy(() => import('./dossiers/LookupPage.js'));
const DeskDossierPage = lazy(() => import('./workspace/DeskDossierPage.js'));
const DeskIntakePage = lazy(() => import('./workspace/DeskIntakePage.js'));
const DeskRegisterPage = lazy(() => import('./workspace/DeskRegisterPage.js'));
const InboxPage = lazy(() => import('./workspace/InboxPage.js'));
const ProcessPage = lazy(() => import('./workspace/ProcessPage.js'));
// ── feedback pages (lazy imports) ──
const KioskRatingPage = lazy(() => import('./feedback/KioskRatingPage.js'));
const ComplaintFormPage = lazy(() => import('./feedback/ComplaintFormPage.js'));
const ComplaintStatusPage = lazy(() => import('./feedback/ComplaintStatusPage.js'));
const PublicComplaintsPage = lazy(() => import('./feedback/PublicComplaintsPage.js'));
const ComplaintInboxPage = lazy(() => import('./feedback/ComplaintInboxPage.js'));
const ComplaintHandlePage = lazy(() => import('./feedback/ComplaintHandlePage.js'));
// ── reports pages (lazy imports) ──
const DashboardPage = lazy(() => import('./reports/DashboardPage.js'));
const IndicatorsPage = lazy(() => import('./reports/IndicatorsPage.js'));
const MyIndicatorsPage = lazy(() => import('./reports/MyIndicatorsPage.js'));
const PublicStatsPage = lazy(() => import('./reports/PublicStatsPage.js'));
const IndicatorDefinitionsPage = lazy(() => import('./reports/IndicatorDefinitionsPage.js'));
// ── once-only pages (lazy imports) ──
const RegistryAdminPage = lazy(() => import('./registries/RegistryAdminPage.js'));
const InterconnectPage = lazy(() => import('./admin/InterconnectPage.js'));
const MyDataPage = lazy(() => import('./account/MyDataPage.js'));
const VerifyPage = lazy(() => import('./results/VerifyPage.js'));
const VerifySerialPage = lazy(() => import('./results/VerifySerialPage.js'));
const ResultsListPage = lazy(() => import('./results/ResultsListPage.js'));
const DataStorePage = lazy(() => import('./datastore/DataStorePage.js'));

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
      { path: 'nop-ho-so-lien-thong/:groupCode', element: <GroupSubmitPage /> },
      { path: 'dang-ky', element: <RegisterPage /> },
      { path: 'dang-nhap', element: <LoginPage /> },
      { path: 'xac-thuc-email', element: <VerifyEmailPage /> },
      { path: 'quen-mat-khau', element: <ForgotPasswordPage /> },
      { path: 'dat-lai-mat-khau', element: <ResetPasswordPage /> },
      { path: 'ca-nhan', element: <ProfilePage /> },
      { path: 'ho-so', element: <MyDossiersPage /> },
      { path: 'ho-so/:code', element: <DossierPage /> },
      { path: 'tra-cuu', element: <LookupPage /> },
      { path: 'can-bo', element: <WorkspacePage /> },
      { path: 'can-bo/ho-so/:code', element: <DeskDossierPage /> },
      { path: 'can-bo/tiep-nhan', element: <DeskIntakePage /> },
      { path: 'can-bo/so-theo-doi', element: <DeskRegisterPage /> },
      { path: 'can-bo/xu-ly', element: <InboxPage /> },
      { path: 'can-bo/xu-ly/:code', element: <ProcessPage /> },
      { path: 'quan-tri/can-bo', element: <OfficersPage /> },
      { path: 'quan-tri/ngay-nghi', element: <CalendarPage /> },
      { path: 'quan-tri/quy-trinh', element: <WorkflowEditorPage /> },
      // ── feedback routes ──
      { path: 'kiosk/danh-gia', element: <KioskRatingPage /> },
      { path: 'phan-anh-kien-nghi', element: <PublicComplaintsPage /> },
      { path: 'phan-anh-kien-nghi/gui', element: <ComplaintFormPage /> },
      { path: 'phan-anh-kien-nghi/:code', element: <ComplaintStatusPage /> },
      { path: 'can-bo/phan-anh', element: <ComplaintInboxPage /> },
      { path: 'can-bo/phan-anh/:code', element: <ComplaintHandlePage /> },
      // ── reports routes ──
      { path: 'can-bo/thong-ke', element: <DashboardPage /> },
      { path: 'can-bo/chi-so', element: <IndicatorsPage /> },
      { path: 'can-bo/cua-toi', element: <MyIndicatorsPage /> },
      { path: 'cong-khai', element: <PublicStatsPage /> },
      { path: 'quan-tri/chi-so', element: <IndicatorDefinitionsPage /> },
      // ── once-only routes ──
      { path: 'quan-tri/so-dang-ky', element: <RegistryAdminPage /> },
      { path: 'quan-tri/lien-thong', element: <InterconnectPage /> },
      { path: 'ca-nhan/du-lieu', element: <MyDataPage /> },
      { path: 'xac-minh', element: <VerifyPage /> },
      { path: 'xac-minh/:serial', element: <VerifySerialPage /> },
      { path: 'can-bo/ket-qua', element: <ResultsListPage /> },
      { path: 'ca-nhan/kho-du-lieu', element: <DataStorePage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
