import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { RecordingsView } from '@/components/recording/RecordingsView';
import { canonicalRoomId } from '@/lib/protocol';

interface RecordingsPageProps {
  params: Promise<{ roomId: string }>;
}

async function roomIdOf(params: RecordingsPageProps['params']) {
  const segment = (await params).roomId;
  try {
    const raw = decodeURIComponent(segment);
    return { raw, roomId: canonicalRoomId(raw) };
  } catch {
    return { raw: segment, roomId: null };
  }
}

export async function generateMetadata({ params }: RecordingsPageProps): Promise<Metadata> {
  const [{ roomId }, t] = await Promise.all([roomIdOf(params), getTranslations('recording')]);
  return { title: t('pageTitle', { roomId: roomId ?? '' }) };
}

/** A room's recordings (hosts only: the list is asked for with this browser's host credential). */
export default async function RecordingsPage({ params }: RecordingsPageProps) {
  const { raw, roomId } = await roomIdOf(params);
  if (!roomId) notFound();
  if (raw !== roomId) redirect(`/room/${roomId}/recordings`);
  return <RecordingsView roomId={roomId} />;
}
