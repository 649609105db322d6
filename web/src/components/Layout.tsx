/**
 * The frame of every page: a skip link, the header with the role's navigation, the language switch and sign-out,
 * and the <main> that receives focus after each navigation so keyboard and screen-reader users start at the top.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { api } from '../api/client';
import type { User } from '../../../contracts/auth';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';
import { isAgencyRole, isCoordinatorRole } from '../../../contracts/roles';
import { useAgencyType } from '../pages/case/forms/facts';
import { useLedgerReach } from '../pages/ledger/reach';
import { onNotificationsRead } from '../pages/Notifications';

/** CN 三(四): the police (办案机关) and the executing organs (prison, drug rehabilitation) file detention notices. */
const DETENTION_FILERS = ['police_station', 'police_substation', 'prison', 'drug_rehabilitation_centre'];

function DetentionNoticeLink({ user }: { user: User }) {
  const { t } = useI18n();
  const { path } = useLocation();
  const type = useAgencyType(user.jurisdiction.districtCode, user.agencyCode);
  if (user.role !== 'agency_staff' && user.role !== 'agency_supervisor') return null;
  if (!type || !DETENTION_FILERS.includes(type)) return null;
  const href = '/detention-notices/new';
  return (
    <li>
      <Link href={href} aria-current={path === href ? 'page' : undefined}>
        {t('nav.detentionNotice')}
      </Link>
    </li>
  );
}

/** FT 三(二)1: schools and kindergartens collect screening information. */
const SCREENING_UNITS = ['school', 'kindergarten'];

function ScreeningLink({ user }: { user: User }) {
  const { t } = useI18n();
  const { path } = useLocation();
  const type = useAgencyType(user.jurisdiction.districtCode, user.agencyCode);
  if (user.role !== 'mandated_reporter' || !type || !SCREENING_UNITS.includes(type)) return null;
  return (
    <li>
      <Link href="/screening" aria-current={path === '/screening' ? 'page' : undefined}>
        {t('nav.screening')}
      </Link>
    </li>
  );
}

/** The street ledger (台账): committees' child welfare supervisors, street offices and coordinators (issue #18). */
function LedgerLink({ user }: { user: User }) {
  const { t } = useI18n();
  const { path } = useLocation();
  const reach = useLedgerReach(user);
  if (!reach || reach.kind === 'none') return null;
  return (
    <li>
      <Link href="/ledger" aria-current={path === '/ledger' ? 'page' : undefined}>
        {t('nav.ledger')}
      </Link>
    </li>
  );
}

export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  const other = locale === 'zh' ? 'en' : 'zh';
  return (
    // The visible name ("English" / "中文") is the accessible name, spoken in its own language; the title explains it.
    <button
      type="button"
      className="link-button lang-switch"
      lang={other === 'en' ? 'en' : 'zh-CN'}
      title={t('lang.switchLabel')}
      onClick={() => setLocale(other)}
    >
      {t('lang.switch')}
    </button>
  );
}

function navFor(user: User): Array<{ href: string; key: Parameters<ReturnType<typeof useI18n>['t']>[0] }> {
  if (user.role === 'mandated_reporter')
    return [
      { href: '/report', key: 'nav.report' },
      { href: '/reports/mine', key: 'nav.myReports' },
    ];
  // FT 三(三)2(4): the procuratorate supervises agencies referred for letting their tasks lapse.
  if (user.role === 'procuratorate_staff')
    return [
      { href: '/inbox', key: 'nav.inbox' },
      { href: '/referrals', key: 'nav.referrals' },
      { href: '/records', key: 'nav.sealedRecords' },
    ];
  // FT 三(三)2(5): the judicial organs consult sealed juvenile records.
  if (user.role === 'court_staff')
    return [
      { href: '/inbox', key: 'nav.inbox' },
      { href: '/records', key: 'nav.sealedRecords' },
    ];
  if (isAgencyRole(user.role)) return [{ href: '/inbox', key: 'nav.inbox' }];
  if (isCoordinatorRole(user.role))
    return [
      { href: '/dashboard', key: 'nav.dashboard' },
      { href: '/inbox', key: 'nav.inbox' },
    ];
  return [];
}

function NotificationsLink() {
  const { t } = useI18n();
  // A missing or failing notifications service must not disturb the page: the link then shows no count.
  const state = useLoad(() => api.notifications(), [], 60_000);
  // A notice marked read (or all of them) lowers the count at once, not at the next poll a minute later.
  const reload = useRef(state.reload);
  reload.current = state.reload;
  useEffect(() => onNotificationsRead(() => reload.current()), []);
  const unread = state.status === 'ready' ? state.data.items.filter((n) => !n.read).length : 0;
  return (
    <Link href="/notifications">
      {unread > 0 ? t('nav.notificationsUnread', { n: unread }) : t('nav.notifications')}
    </Link>
  );
}

export function Layout({ user, children }: { user?: User; children: ReactNode }) {
  const { t } = useI18n();
  const { signOut } = useSession();
  const { path } = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    mainRef.current?.focus();
  }, [path]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link href="/" className="brand">
            {t('app.name')}
          </Link>
          {user ? (
            <nav aria-label={t('nav.main')}>
              <ul>
                {navFor(user).map((item) => (
                  <li key={item.href}>
                    <Link href={item.href} aria-current={path === item.href ? 'page' : undefined}>
                      {t(item.key)}
                    </Link>
                  </li>
                ))}
                <DetentionNoticeLink user={user} />
                <ScreeningLink user={user} />
                <LedgerLink user={user} />
                {user.role !== 'administrator' ? (
                  <li>
                    <NotificationsLink />
                  </li>
                ) : null}
              </ul>
            </nav>
          ) : null}
          <div className="site-header__tools">
            {user ? (
              <span className="who small">
                {t('nav.signedInAs', { name: user.displayName, role: t(`role.${user.role}`) })}
              </span>
            ) : null}
            <LanguageSwitch />
            {user ? (
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  void signOut().then(() => navigate('/login'));
                }}
              >
                {t('nav.signOut')}
              </button>
            ) : null}
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} ref={mainRef}>
        {children}
      </main>
    </>
  );
}
