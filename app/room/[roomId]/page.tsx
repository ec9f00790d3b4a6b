import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { RoomView } from '@/components/RoomView';
import { isValidRoomId } from '@/lib/call/roomId';

interface RoomPageProps {
  params: Promise<{ roomId: string }>;
}

/** The room id from the URL, or null when it is not one (bad escapes, wrong characters). */
async function roomIdOf(params: RoomPageProps['params']): Promise<string | null> {
  try {
    const roomId = decodeURIComponent((await params).roomId);
    return isValidRoomId(roomId) ? roomId : null;
  } catch {
    return null;
  }
}

export async function generateMetadata({ params }: RoomPageProps): Promise<Metadata> {
  const roomId = await roomIdOf(params);
  return { title: roomId ? `${roomId} · Moim` : 'Moim' };
}

export default async function RoomPage({ params }: RoomPageProps) {
  const roomId = await roomIdOf(params);
  if (!roomId) notFound();
  return <RoomView roomId={roomId} />;
}
