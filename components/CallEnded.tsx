import Link from 'next/link';
import { useCallStore } from '@/lib/hooks/useCallStore';

/** After leaving, or when the call could not start or was ended by the server. */
export function CallEnded({ onRejoin }: { onRejoin: () => void }) {
  const phase = useCallStore((state) => state.phase);
  const error = useCallStore((state) => state.error);
  const joinedOnce = useCallStore((state) => state.joinedOnce);
  const failed = phase === 'error';
  // Refused before getting in (a full room, the server away) is not "could not stay".
  const title = !failed
    ? 'You left the meeting'
    : joinedOnce
      ? 'Could not stay in the call'
      : 'Could not join the call';
  return (
    <main className="centered" data-testid="call_ended" data-reason={failed ? error?.code : 'left'}>
      <div className="card ended">
        <h1>{title}</h1>
        {failed && (
          <p className="notice danger" role="alert" data-testid="call_error">
            {error?.message ?? 'The call ended unexpectedly.'}
          </p>
        )}
        <div className="row">
          <button
            type="button"
            className="button primary"
            data-testid="call_rejoin"
            onClick={onRejoin}
          >
            {failed ? 'Try again' : 'Rejoin'}
          </button>
          <Link className="button" href="/">
            Back to start
          </Link>
        </div>
      </div>
    </main>
  );
}
