import { useEffect, useState } from 'react';

/** Live level (0..1) of a microphone track, for the prejoin meter. */
export function useAudioLevel(track: MediaStreamTrack | null): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!track || typeof AudioContext === 'undefined') return;
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    const source = context.createMediaStreamSource(new MediaStream([track]));
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      if (context.state === 'suspended') void context.resume().catch(() => undefined);
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      const rms = Math.sqrt(sum / samples.length);
      setLevel(track.enabled ? Math.min(1, rms * 4) : 0);
    }, 100);
    return () => {
      clearInterval(timer);
      source.disconnect();
      setLevel(0);
      void context.close().catch(() => undefined);
    };
  }, [track]);
  return level;
}
