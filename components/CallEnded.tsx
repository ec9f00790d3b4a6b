import Link from 'next/link';
import { useCallStore } from '@/lib/hooks/useCallStore';

/** After leaving, or when the call could not start or was ended by the server. */
export function CallEnded({ onRejoin }: { onRejoin: () => void }) {
  const phase = useCallStore((state) => state.phase);
  const error = useCallStore((state) => state.error);
  const failed = phase === 'error';
  return (
    <main className="centered" data-testid="call_ended" data-reason={failed ? error?.code : 'left'}>
      <div className="card ended">
        <h1>{failed ? 'Could not stay in the call' : 'You left the meeting'}</h1>
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
