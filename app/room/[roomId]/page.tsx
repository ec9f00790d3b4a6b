import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { RoomView } from '@/components/RoomView';
import { isValidRoomId } from '@/lib/call/roomId';

interface RoomPageProps {
  params: Promise<{ roomId: string }>;
}

export async function generateMetadata({ params }: RoomPageProps): Promise<Metadata> {
  const { roomId } = await params;
  return { title: `${decodeURIComponent(roomId)} · Moim` };
}

export default async function RoomPage({ params }: RoomPageProps) {
  const roomId = decodeURIComponent((await params).roomId);
  if (!isValidRoomId(roomId)) notFound();
  return <RoomView roomId={roomId} />;
}
