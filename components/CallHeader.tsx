import Link from 'next/link';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { Logo } from './Logo';

export function CallHeader() {
  const roomId = useCallStore((state) => state.roomId);
  const count = useCallStore((state) => state.order.length);
  const joining = useCallStore((state) => state.phase === 'joining');
  return (
    <header className="call-header">
      <Link href="/" className="brand-small" aria-label="Moim start page">
        <Logo /> Moim
      </Link>
      <h1 className="call-title">{roomId}</h1>
      <span className="pill" data-testid="call_count" aria-live="polite">
        {joining ? 'Joining…' : `${count} ${count === 1 ? 'person' : 'people'}`}
      </span>
    </header>
  );
}
