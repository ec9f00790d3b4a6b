'use client';

import { useRouter } from 'next/navigation';
import { useId, useState, type FormEvent } from 'react';
import { createRoomId, parseRoomInput } from '@/lib/call/roomId';
import { useHydrated } from '@/lib/hooks/useHydrated';
import { Logo } from './Logo';

export function HomeView() {
  const router = useRouter();
  const hydrated = useHydrated();
  const inputId = useId();
  const errorId = useId();
  const [input, setInput] = useState('');
  const [error, setError] = useState<string | null>(null);

  const join = (event: FormEvent) => {
    event.preventDefault();
    const roomId = parseRoomInput(input);
    if (!roomId) {
      setError('Enter a room id like calm-otter-4821, or paste an invite link.');
      return;
    }
    router.push(`/room/${encodeURIComponent(roomId)}`);
  };

  return (
    <main className="home" data-ready={hydrated}>
      <section className="home-hero" aria-labelledby="home-title">
        <p className="brand">
          <Logo size={28} /> <span lang="ko">모임</span> · gathering
        </p>
        <h1 id="home-title">Moim</h1>
        <p className="lead">Video meetings in your browser. No account, nothing to install.</p>
        <button
          type="button"
          className="button primary large"
          data-testid="home_create"
          onClick={() => router.push(`/room/${createRoomId()}`)}
        >
          Start a new meeting
        </button>
      </section>
      <form className="card home-join" onSubmit={join} noValidate aria-labelledby="join-title">
        <h2 id="join-title">Join a meeting</h2>
        <label htmlFor={inputId}>Room id or invite link</label>
        <div className="row">
          <input
            id={inputId}
            data-testid="home_room_input"
            value={input}
            onChange={(event) => {
              setInput(event.target.value);
              setError(null);
            }}
            placeholder="calm-otter-4821"
            // Phones capitalise and "correct" the first word; ids are normalised anyway, but
            // what the person sees typed should match the link they will share.
            autoComplete="off"
            autoCapitalize="off"
            autoCorrect="off"
            spellCheck={false}
            enterKeyHint="go"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
          />
          <button type="submit" className="button" data-testid="home_join">
            Join
          </button>
        </div>
        {error && (
          <p id={errorId} className="field-error" role="alert" data-testid="home_error">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
