import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorNotice, Loading } from './components/notice.js';
import { useI18n, type Lang } from './i18n/i18n.js';
import { useLiveStatus } from './live/use-live.js';
import { AuditPage } from './pages/admin/audit.js';
import { ComputersPage } from './pages/admin/computers.js';
import { DevicesPage } from './pages/admin/devices.js';
import { KioskPage } from './pages/admin/kiosk.js';
import { PresetsPage } from './pages/admin/presets.js';
import { SettingsPage } from './pages/admin/settings.js';
import { SmartHomePage } from './pages/admin/smart-home.js';
import { UsersPage } from './pages/admin/users.js';
import { CreateJobPage } from './pages/create-job.js';
import { GalleryPage } from './pages/gallery.js';
import { HomePage } from './pages/home.js';
import { InvitePage } from './pages/invite.js';
import { JobDetailPage } from './pages/job-detail.js';
import { LoginPage } from './pages/login.js';
import { OnboardingPage } from './pages/onboarding.js';
import { ProfilePage } from './pages/profile.js';
import { ResetPage } from './pages/reset.js';
import { StoriesPage, StoryPage } from './pages/stories.js';
import { Link, match, useRoute } from './router.js';
import { useSession } from './session.js';
import { applyTheme, storedTheme, type ThemeChoice } from './theme.js';
import type { User } from './types.js';

export function App() {
  const { t } = useI18n();
  const { info, user, loadError, reload } = useSession();
  const { path } = useRoute();
  useFocusOnNavigation(path);

  let page;
  if (path === '/invite') page = <InvitePage />;
  else if (path === '/reset') page = <ResetPage />;
  else if (loadError)
    page = (
      <>
        <ErrorNotice error={loadError} />
        <button type="button" onClick={reload}>
          {t('common.retry')}
        </button>
      </>
    );
  else if (!info) page = <Loading />;
  else if (info.needsOnboarding) page = <OnboardingPage />;
  else if (!user) page = <LoginPage />;
  else page = <SignedInPage path={path} user={user} />;

  return (
    <>
      <a class="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <Header user={user} />
      {user && <OfflineBanner />}
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}

function SignedInPage({ path, user }: { path: string; user: User }) {
  const { t } = useI18n();
  let m: Record<string, string> | null;
  if (path === '/' || path === '') return <HomePage />;
  if (path === '/jobs/new') return <CreateJobPage type={undefined} />;
  if ((m = match('/jobs/new/:type', path))) return <CreateJobPage type={m.type} />;
  if ((m = match('/jobs/:id', path))) return <JobDetailPage id={m.id!} />;
  if (path === '/gallery') return <GalleryPage />;
  if (path === '/comics' || path.startsWith('/comics/')) return <LazyComics path={path} />;
  if (path === '/stories') return <StoriesPage />;
  if ((m = match('/stories/:id', path))) return <StoryPage id={m.id!} />;
  if (path === '/profile') return <ProfilePage />;
  if (path.startsWith('/admin')) {
    if (user.role !== 'admin')
      return (
        <section>
          <h1 tabIndex={-1}>{t('admin.forbiddenTitle')}</h1>
          <p>{t('admin.forbidden')}</p>
        </section>
      );
    const admin: Record<string, () => preact.JSX.Element> = {
      '/admin': UsersPage,
      '/admin/users': UsersPage,
      '/admin/devices': DevicesPage,
      '/admin/computers': ComputersPage,
      '/admin/presets': PresetsPage,
      '/admin/smart-home': SmartHomePage,
      '/admin/kiosk': KioskPage,
      '/admin/audit': AuditPage,
      '/admin/settings': SettingsPage,
    };
    const Page = admin[path.replace(/\/$/, '')];
    if (Page)
      return (
        <>
          <AdminNav />
          <Page />
        </>
      );
  }
  return (
    <section>
      <h1 tabIndex={-1}>{t('notFound.title')}</h1>
      <p>
        <Link href="/">{t('nav.home')}</Link>
      </p>
    </section>
  );
}

/** The comics studio is a chunk of its own, fetched the first time someone opens it. */
function LazyComics({ path }: { path: string }) {
  const [studio, setStudio] = useState<typeof import('./comics/studio.js') | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    void import('./comics/studio.js').then(setStudio, (e: Error) => setFailed(e.message));
  }, []);
  if (failed) return <ErrorNotice error={failed} />;
  return studio ? <studio.ComicsStudio path={path} /> : <Loading />;
}

function Header({ user }: { user: User | null }) {
  const { t, lang, setLang } = useI18n();
  const [theme, setTheme] = useState<ThemeChoice>(storedTheme);
  return (
    <header class="site-header">
      <div class="row spread wrap">
        <Link href="/" class="brand">
          {t('app.name')}
        </Link>
        <div class="row prefs">
          <label class="sr-only" for="lang">
            {t('prefs.language')}
          </label>
          <select id="lang" value={lang} onChange={(e) => setLang(e.currentTarget.value as Lang)}>
            <option value="en" lang="en">
              English
            </option>
            <option value="pl" lang="pl">
              Polski
            </option>
          </select>
          <label class="sr-only" for="theme">
            {t('prefs.theme')}
          </label>
          <select
            id="theme"
            value={theme}
            onChange={(e) => {
              const v = e.currentTarget.value as ThemeChoice;
              setTheme(v);
              applyTheme(v);
            }}
          >
            <option value="system">{t('prefs.themeSystem')}</option>
            <option value="light">{t('prefs.themeLight')}</option>
            <option value="dark">{t('prefs.themeDark')}</option>
          </select>
        </div>
      </div>
      {user && (
        <nav aria-label={t('nav.main')}>
          <ul class="plain row wrap nav">
            <li>
              <Link href="/">{t('nav.home')}</Link>
            </li>
            <li>
              <Link href="/jobs/new">{t('nav.newJob')}</Link>
            </li>
            <li>
              <Link href="/gallery">{t('nav.gallery')}</Link>
            </li>
            <li>
              <Link href="/comics">{t('nav.comics')}</Link>
            </li>
            <li>
              <Link href="/stories">{t('nav.stories')}</Link>
            </li>
            {user.role === 'admin' && (
              <li>
                <Link href="/admin/users">{t('nav.admin')}</Link>
              </li>
            )}
            <li>
              <Link href="/profile">{t('nav.profile')}</Link>
            </li>
          </ul>
        </nav>
      )}
    </header>
  );
}

function AdminNav() {
  const { t } = useI18n();
  const items: Array<[string, Parameters<typeof t>[0]]> = [
    ['/admin/users', 'admin.users'],
    ['/admin/devices', 'admin.devices'],
    ['/admin/computers', 'admin.computers'],
    ['/admin/presets', 'admin.presets'],
    ['/admin/smart-home', 'admin.smartHome'],
    ['/admin/kiosk', 'admin.kiosk'],
    ['/admin/audit', 'admin.audit'],
    ['/admin/settings', 'admin.settings'],
  ];
  return (
    <nav aria-label={t('nav.admin')} class="admin-nav">
      <ul class="plain row wrap">
        {items.map(([href, key]) => (
          <li key={href}>
            <Link href={href}>{t(key)}</Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Says so when live updates stop (the appliance restarting, Wi-Fi gone); the stream reconnects itself. */
function OfflineBanner() {
  const { t } = useI18n();
  const status = useLiveStatus();
  const [online, setOnline] = useState(navigator.onLine);
  const [show, setShow] = useState(false);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    addEventListener('online', up);
    addEventListener('offline', down);
    return () => {
      removeEventListener('online', up);
      removeEventListener('offline', down);
    };
  }, []);
  // A short grace period, so a normal reconnect does not flash the banner.
  useEffect(() => {
    if (status !== 'down' && online) return setShow(false);
    const timer = setTimeout(() => setShow(true), 2000);
    return () => clearTimeout(timer);
  }, [status, online]);
  return (
    <div role="status" aria-live="polite" class={show ? 'offline-banner' : 'sr-only'}>
      {show ? (online ? t('live.reconnecting') : t('live.offline')) : ''}
    </div>
  );
}

/** After a client-side navigation, move focus to the new page's heading (as a page load would). */
function useFocusOnNavigation(path: string) {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
  }, [path]);
}
