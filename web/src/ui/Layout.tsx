import { useEffect, useRef, Suspense } from 'react';
import { NavLink, Link, Outlet, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Loading } from './Status.js';
import { AccountMenu } from './AccountMenu.js';

export function Layout() {
  const { t, i18n } = useTranslation();
  const mainRef = useRef<HTMLElement>(null);
  const location = useLocation();
  const first = useRef(true);

  // After client-side navigation, move focus to the new page's content so that
  // screen-reader and keyboard users start from the top of it.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (location.hash) return;
    mainRef.current?.focus({ preventScroll: false });
    window.scrollTo(0, 0);
  }, [location.pathname, location.hash]);

  const other = i18n.language === 'en' ? 'vi' : 'en';

  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipLink')}
      </a>
      <header className="site-header">
        <div className="container header-inner">
          <Link to="/" className="brand">
            <span className="brand-name">{t('app.name')}</span>
            <span className="brand-tagline">{t('app.tagline')}</span>
          </Link>
          <div className="header-tools">
            <AccountMenu />
            <button
              type="button"
              className="lang-switch"
              lang={other}
              onClick={() => void i18n.changeLanguage(other)}
            >
              {t('app.switchLanguage')}
            </button>
          </div>
        </div>
        <nav className="site-nav" aria-label={t('app.mainNav')}>
          <ul className="container">
            <li>
              <NavLink to="/" end>
                {t('nav.home')}
              </NavLink>
            </li>
            <li>
              <NavLink to="/thu-tuc">{t('nav.procedures')}</NavLink>
            </li>
            <li>
              <NavLink to="/co-quan">{t('nav.agencies')}</NavLink>
            </li>
            <li>
              <NavLink to="/lien-thong">{t('nav.groups')}</NavLink>
            </li>
            <li>
              <NavLink to="/tra-cuu">{t('nav.lookup')}</NavLink>
            </li>
            <li>
              <NavLink to="/xac-minh">{t('nav.verify')}</NavLink>
            </li>
            <li>
              <NavLink to="/phan-anh-kien-nghi">{t('feedback.title')}</NavLink>
            </li>
            <li>
              <NavLink to="/cong-khai">{t('reports.public.nav')}</NavLink>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className="container main">
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="site-footer">
        <div className="container">
          <p>{t('app.footer')}</p>
          <p>{t('app.footerNote')}</p>
        </div>
      </footer>
    </>
  );
}
