/** Routes, and the sign-in guard in front of every page but sign-in. */
import { useEffect, type ReactElement } from 'react';
import { Layout } from './components/Layout';
import { Loading } from './components/status';
import { useI18n } from './i18n';
import { AdminPage } from './pages/Admin';
import { CasePage } from './pages/case/CasePage';
import { PrintSummaryPage } from './pages/case/PrintSummary';
import { Dashboard } from './pages/Dashboard';
import { DetentionNoticePage } from './pages/DetentionNotice';
import { Inbox } from './pages/Inbox';
import { LedgerChildPage } from './pages/ledger/LedgerChild';
import { LedgerEnrolPage } from './pages/ledger/LedgerEnrol';
import { LedgerListPage } from './pages/ledger/LedgerList';
import { LoginPage } from './pages/Login';
import { MyReports } from './pages/MyReports';
import { NotificationsPage } from './pages/Notifications';
import { Referrals } from './pages/Referrals';
import { ReportForm } from './pages/ReportForm';
import { ResetPasswordPage } from './pages/ResetPassword';
import { SealedRecords } from './pages/SealedRecords';
import { ScreeningPage } from './pages/Screening';
import { TaskPage } from './pages/TaskPage';
import { matchPath, navigate, useLocation } from './router';
import { homeFor, useSession } from './session';

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function Message({ text }: { text: string }) {
  return (
    <section className="page">
      <p>{text}</p>
    </section>
  );
}

export function App() {
  const { state } = useSession();
  const { path, search } = useLocation();
  const { t } = useI18n();

  if (state.status === 'checking')
    return (
      <Layout>
        <Loading />
      </Layout>
    );

  if (state.status === 'signed_out') {
    if (path === '/reset-password')
      return (
        <Layout>
          <ResetPasswordPage />
        </Layout>
      );
    if (path !== '/login') {
      const next = path === '/' ? '' : `?next=${encodeURIComponent(path + window.location.search)}`;
      return <Redirect to={`/login${next}`} />;
    }
    return (
      <Layout>
        <LoginPage />
      </Layout>
    );
  }

  const user = state.user;
  const home = homeFor(user.role);
  if (path === '/' || path === '/login') {
    const next = search.get('next');
    return <Redirect to={next && next.startsWith('/') && !next.startsWith('//') ? next : home} />;
  }

  let page: ReactElement;
  let params: Record<string, string> | null;
  if (path === '/report') page = <ReportForm />;
  else if (path === '/reports/mine') page = <MyReports />;
  else if (path === '/inbox') page = <Inbox />;
  else if ((params = matchPath('/tasks/:taskId', path)))
    page = <TaskPage key={params.taskId} taskId={params.taskId!} />;
  else if (path === '/dashboard') page = <Dashboard />;
  else if ((params = matchPath('/cases/:caseId/print', path)))
    page = <PrintSummaryPage key={params.caseId} caseId={params.caseId!} purpose={search.get('purpose')} />;
  else if ((params = matchPath('/cases/:caseId', path)))
    page = <CasePage key={params.caseId} caseId={params.caseId!} />;
  else if (path === '/notifications') page = <NotificationsPage />;
  else if (path === '/admin')
    page = user.role === 'administrator' ? <AdminPage /> : <Message text={t('app.forbidden')} />;
  else if (path === '/reset-password') page = <ResetPasswordPage />;
  else if (path === '/records') page = <SealedRecords />;
  else if (path === '/referrals') page = <Referrals />;
  else if (path === '/detention-notices/new') page = <DetentionNoticePage />;
  else if (path === '/screening') page = <ScreeningPage />;
  else if (path === '/ledger') page = <LedgerListPage />;
  else if (path === '/ledger/enrol') page = <LedgerEnrolPage />;
  else if ((params = matchPath('/ledger/children/:childId', path)))
    page = <LedgerChildPage key={params.childId} childId={params.childId!} />;
  else page = <Message text={t('app.notFound')} />;

  return <Layout user={user}>{page}</Layout>;
}
