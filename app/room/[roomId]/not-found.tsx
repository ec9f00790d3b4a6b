import Link from 'next/link';
import { getTranslations } from 'next-intl/server';

/** `/room/<something that cannot be a room id>`. */
export default async function RoomNotFound() {
  const t = await getTranslations('notFound');
  return (
    <main className="centered">
      <div className="card">
        <h1>{t('roomTitle')}</h1>
        <p className="muted">{t('roomBody')}</p>
        <Link className="button primary" href="/">
          {t('home')}
        </Link>
      </div>
    </main>
  );
}
