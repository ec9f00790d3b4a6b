import type { MediaProblem } from '@/lib/call/mediaProblems';
import { Icon } from './Icon';

/** Camera / microphone problems, stated once each, in words a person can act on. */
export function MediaProblems({ problems }: { problems: (MediaProblem | null)[] }) {
  const messages = [
    ...new Set(problems.filter((p): p is MediaProblem => !!p).map((p) => p.message)),
  ];
  if (messages.length === 0) return null;
  return (
    <div className="notice warning" role="alert" data-testid="prejoin_problem">
      {messages.map((message) => (
        <p key={message}>
          <Icon name="warning" size={18} /> {message}
        </p>
      ))}
    </div>
  );
}
