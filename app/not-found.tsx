import Link from 'next/link';
import { getTranslations } from 'next-intl/server';

/** Any address the app does not have (a room link with a bad id has its own page). */
export default async function NotFound() {
  const t = await getTranslations('notFound');
  return (
    <main className="centered">
      <div className="card">
        <h1>{t('title')}</h1>
        <p className="muted">{t('body')}</p>
        <Link className="button primary" href="/">
          {t('home')}
        </Link>
      </div>
    </main>
  );
}
