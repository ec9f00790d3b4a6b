'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { JoinChoice } from '@/lib/call/CallSession';
import { prefKeys, readPref, writePref } from '@/lib/call/devicePrefs';
import { useLocalPreview } from '@/lib/hooks/useLocalPreview';
import { useMediaDevices } from '@/lib/hooks/useMediaDevices';
import { joinTokenName } from '@/lib/access/joinToken';
import { usePreparedJoin } from '@/lib/hooks/usePreparedJoin';
import { useRememberedValue } from '@/lib/hooks/useRememberedValue';
import { useRoomStatus } from '@/lib/hooks/useRoomStatus';
import { PrejoinRecordingNotice } from './recording/PrejoinRecordingNotice';
import { limits } from '@/lib/protocol';
import { DeviceSelect } from './DeviceSelect';
import { LanguageSelect } from './LanguageSelect';
import { LevelMeter } from './LevelMeter';
import { MediaProblems } from './MediaProblems';
import { PreviewVideo } from './PreviewVideo';
import { RoomOccupancy } from './RoomOccupancy';
import { ToggleButton } from './ToggleButton';

const readInitialDevices = () => ({
  audioInputId: readPref(prefKeys.audioInput),
  videoInputId: readPref(prefKeys.videoInput),
});

/** Name, camera preview, microphone meter and device pickers, then "Join". */
export function Prejoin({
  roomId,
  joinToken,
  onJoin,
}: {
  roomId: string;
  /** An embedding product's join token from the room link: prepared and joined with. */
  joinToken?: string | undefined;
  onJoin: (choice: JoinChoice) => void;
}) {
  const t = useTranslations('prejoin');
  const td = useTranslations('devices');
  const nameId = useId();
  const occupancyId = useId();
  const hintId = useId();
  const roomStatus = useRoomStatus(roomId);
  const full = roomStatus?.full === true;
  const [rememberedName, rememberName] = useRememberedValue(prefKeys.displayName);
  const [draftName, setDraftName] = useState<string | null>(null);
  const name = draftName ?? joinTokenName(joinToken) ?? rememberedName ?? '';
  const [audioOutputId, setAudioOutputId] = useState<string | null>(null);
  const { preview, snapshot } = useLocalPreview(readInitialDevices);
  const devices = useMediaDevices(snapshot.stream, !snapshot.starting);
  const { prepared, status: prepareStatus } = usePreparedJoin(roomId, joinToken);
  // My camera publication's m-lines as the call will make them (LocalTracks: a camera that is
  // off still has its slot), and one receive connection per person in the room.
  const sendAudio = snapshot.audioTrack !== null;
  const sendVideo =
    snapshot.videoTrack !== null || (!snapshot.videoProblem && snapshot.videoInputId !== null);
  const inRoom = roomStatus?.participants ?? 0;
  useEffect(() => {
    if (snapshot.starting) return;
    prepared.expect(inRoom, sendAudio || sendVideo ? { audio: sendAudio, video: sendVideo } : null);
  }, [prepared, snapshot.starting, inRoom, sendAudio, sendVideo]);
  const devicesLoading = snapshot.starting || !devices.loaded;
  const outputId = audioOutputId ?? readPref(prefKeys.audioOutput);
  // A full room is refused by the server anyway; saying so here saves typing a name for nothing.
  const canJoin = name.trim().length > 0 && !snapshot.starting && !full;
  // Why Join is off, next to it: a full room (the occupancy notice), or no name yet. (While the
  // camera starts the button itself says so.)
  const needsName = name.trim().length === 0 && !full;
  const joinHintId = full ? occupancyId : needsName ? hintId : undefined;

  const join = (event: FormEvent) => {
    event.preventDefault();
    if (!canJoin) return;
    const displayName = name.trim();
    rememberName(displayName);
    writePref(prefKeys.audioInput, snapshot.audioInputId);
    writePref(prefKeys.videoInput, snapshot.videoInputId);
    writePref(prefKeys.audioOutput, outputId);
    const { audioTrack, videoTrack } = preview.handOff();
    onJoin({
      displayName,
      // The join itself leaves now, on the prepared socket; the call view adopts its answer.
      prepared: prepared.handOff({ displayName }),
      media: {
        audioTrack,
        videoTrack,
        audioMuted: !snapshot.audioEnabled,
        videoMuted: !snapshot.videoEnabled,
        audioInputId: snapshot.audioInputId,
        videoInputId: snapshot.videoProblem ? null : snapshot.videoInputId,
        audioOutputId: outputId,
      },
    });
  };

  const hasMic = snapshot.audioTrack !== null;
  const hasCamera =
    snapshot.videoTrack !== null || (!snapshot.videoEnabled && !snapshot.videoProblem);
  return (
    <main
      className="prejoin"
      data-testid="prejoin"
      data-ready={!snapshot.starting}
      data-prepared={prepareStatus}
    >
      <section className="prejoin-media" aria-label={t('mediaCheck')}>
        <PreviewVideo
          stream={snapshot.stream}
          name={name}
          videoOn={snapshot.videoEnabled && snapshot.videoTrack !== null}
          starting={snapshot.starting}
        />
        <div className="preview-controls">
          <ToggleButton
            on={hasMic && snapshot.audioEnabled}
            onIcon="mic"
            offIcon="micOff"
            onLabel={t('micOff')}
            offLabel={t('micOn')}
            disabled={!hasMic}
            testId="prejoin_mic"
            onToggle={() => preview.setEnabled('audio', !snapshot.audioEnabled)}
          />
          <ToggleButton
            on={hasCamera && snapshot.videoEnabled}
            onIcon="camera"
            offIcon="cameraOff"
            onLabel={t('cameraOff')}
            offLabel={t('cameraOn')}
            disabled={!hasCamera}
            testId="prejoin_camera"
            onToggle={() => preview.setEnabled('video', !snapshot.videoEnabled)}
          />
        </div>
        {hasMic && <LevelMeter track={snapshot.audioEnabled ? snapshot.audioTrack : null} />}
        <MediaProblems problems={[snapshot.videoProblem, snapshot.audioProblem]} />
      </section>
      <form className="card prejoin-form" onSubmit={join} aria-labelledby="prejoin-title">
        <h1 id="prejoin-title">{t('title')}</h1>
        <p className="muted room-name">
          {t.rich('room', {
            roomId,
            strong: (chunks) => <strong data-testid="prejoin_room">{chunks}</strong>,
          })}
        </p>
        <RoomOccupancy status={roomStatus} id={occupancyId} />
        <PrejoinRecordingNotice roomId={roomId} />
        <div className="field">
          <label htmlFor={nameId}>{t('nameLabel')}</label>
          <input
            id={nameId}
            data-testid="prejoin_name"
            value={name}
            maxLength={limits.displayNameMaxLength}
            autoComplete="name"
            placeholder={t('namePlaceholder')}
            // The one thing to do on arrival is type a name.
            autoFocus
            required
            onChange={(event) => setDraftName(event.target.value)}
          />
        </div>
        <DeviceSelect
          label={td('camera')}
          testId="prejoin_camera_select"
          devices={devices.videoinput}
          loading={devicesLoading}
          value={snapshot.videoInputId}
          onChange={(id) => preview.setDevice('video', id)}
        />
        <DeviceSelect
          label={td('microphone')}
          testId="prejoin_mic_select"
          devices={devices.audioinput}
          loading={devicesLoading}
          value={snapshot.audioInputId}
          onChange={(id) => preview.setDevice('audio', id)}
        />
        {devices.audiooutput.length > 0 && supportsSpeakerChoice() && (
          <DeviceSelect
            label={td('speaker')}
            testId="prejoin_speaker_select"
            devices={devices.audiooutput}
            value={outputId}
            onChange={setAudioOutputId}
          />
        )}
        <button
          type="submit"
          className="button primary large"
          data-testid="prejoin_join"
          disabled={!canJoin}
          aria-describedby={joinHintId}
        >
          {snapshot.starting
            ? t('startingCamera')
            : hasMic || snapshot.videoTrack
              ? t('joinNow')
              : t('joinWithoutDevices')}
        </button>
        {needsName && (
          <p id={hintId} className="muted join-hint" data-testid="prejoin_join_hint">
            {t('nameHint')}
          </p>
        )}
        <LanguageSelect compact />
      </form>
    </main>
  );
}

function supportsSpeakerChoice(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}
