'use client';

import { useState } from 'react';
import type { JoinChoice } from '@/lib/call/CallSession';
import { CallProvider } from './CallProvider';
import { CallView } from './CallView';
import { Prejoin } from './Prejoin';

type Stage = { kind: 'prejoin' } | { kind: 'call'; choice: JoinChoice; attempt: number };

/** `/room/[roomId]`: the prejoin check, then the call; back to prejoin to rejoin. */
export function RoomView({
  roomId,
  joinToken,
}: {
  roomId: string;
  joinToken?: string | undefined;
}) {
  const [stage, setStage] = useState<Stage>({ kind: 'prejoin' });
  if (stage.kind === 'prejoin') {
    return (
      <Prejoin
        roomId={roomId}
        joinToken={joinToken}
        onJoin={(choice) => setStage({ kind: 'call', choice, attempt: Date.now() })}
      />
    );
  }
  return (
    <CallProvider key={stage.attempt} roomId={roomId} joinToken={joinToken} choice={stage.choice}>
      <CallView onRejoin={() => setStage({ kind: 'prejoin' })} />
    </CallProvider>
  );
}
