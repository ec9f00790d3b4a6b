'use client';

import { useTranslations } from 'next-intl';
import { useRouter } from 'next/navigation';
import { useId, useState, type FormEvent } from 'react';
import { createRoomId, parseRoomInput } from '@/lib/call/roomId';
import { useHydrated } from '@/lib/hooks/useHydrated';
import { LanguageSelect } from './LanguageSelect';
import { Logo } from './Logo';

export function HomeView() {
  const t = useTranslations('home');
  const router = useRouter();
  const hydrated = useHydrated();
  const inputId = useId();
  const errorId = useId();
  const [input, setInput] = useState('');
  const [invalid, setInvalid] = useState(false);
  const error = invalid ? t('invalidInput') : null;

  const join = (event: FormEvent) => {
    event.preventDefault();
    const roomId = parseRoomInput(input);
    if (!roomId) {
      setInvalid(true);
      return;
    }
    router.push(`/room/${encodeURIComponent(roomId)}`);
  };

  return (
    <main className="home" data-ready={hydrated}>
      <section className="home-hero" aria-labelledby="home-title">
        <p className="brand">
          <Logo size={28} /> <span lang="ko">모임</span> · {t('tagline')}
        </p>
        <h1 id="home-title">Moim</h1>
        <p className="lead">{t('lead')}</p>
        <button
          type="button"
          className="button primary large"
          data-testid="home_create"
          onClick={() => router.push(`/room/${createRoomId()}`)}
        >
          {t('create')}
        </button>
      </section>
      <form className="card home-join" onSubmit={join} noValidate aria-labelledby="join-title">
        <h2 id="join-title">{t('joinTitle')}</h2>
        <label htmlFor={inputId}>{t('inputLabel')}</label>
        <div className="row">
          <input
            id={inputId}
            data-testid="home_room_input"
            value={input}
            onChange={(event) => {
              setInput(event.target.value);
              setInvalid(false);
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
            {t('join')}
          </button>
        </div>
        {error && (
          <p id={errorId} className="field-error" role="alert" data-testid="home_error">
            {error}
          </p>
        )}
      </form>
      <div className="home-language">
        <LanguageSelect compact />
      </div>
    </main>
  );
}
