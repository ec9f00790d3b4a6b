import { useTranslations } from 'next-intl';
import type { MediaProblem } from '@/lib/call/mediaProblems';

/** One camera or microphone problem in the reader's language. */
export function MediaProblemText({ problem }: { problem: MediaProblem }) {
  const t = useTranslations('media');
  return <>{t(problem.kind, { device: problem.device })}</>;
}
