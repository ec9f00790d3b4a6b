import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { RoomView } from '@/components/RoomView';
import { joinTokenFrom } from '@/lib/access/joinToken';
import { canonicalRoomId } from '@/lib/protocol';

interface RoomPageProps {
  params: Promise<{ roomId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** The URL's segment, decoded, and the canonical room id it names (null: not a room id). */
async function roomIdOf(
  params: RoomPageProps['params'],
): Promise<{ raw: string; roomId: string | null }> {
  const segment = (await params).roomId;
  try {
    const raw = decodeURIComponent(segment);
    return { raw, roomId: canonicalRoomId(raw) };
  } catch {
    return { raw: segment, roomId: null };
  }
}

export async function generateMetadata({ params }: RoomPageProps): Promise<Metadata> {
  const [{ roomId }, t] = await Promise.all([roomIdOf(params), getTranslations('meta')]);
  return { title: roomId ? t('roomTitle', { roomId }) : t('title') };
}

export default async function RoomPage({ params, searchParams }: RoomPageProps) {
  const { raw, roomId } = await roomIdOf(params);
  if (!roomId) notFound();
  const joinToken = joinTokenFrom((await searchParams)['token']);
  // `/room/Team%20Sync` and `/room/team-sync` are one room; the address bar (and so the invite
  // link copied from it) shows the one spelling everybody shares. An embedding product's token
  // stays on the link.
  if (raw !== roomId) {
    redirect(`/room/${roomId}${joinToken ? `?token=${encodeURIComponent(joinToken)}` : ''}`);
  }
  return <RoomView roomId={roomId} joinToken={joinToken} />;
}
