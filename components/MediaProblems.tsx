import type { MediaProblem } from '@/lib/call/mediaProblems';
import { Icon } from './Icon';
import { MediaProblemText } from './MediaProblemText';

/** Camera / microphone problems, stated once each, in words a person can act on. */
export function MediaProblems({ problems }: { problems: (MediaProblem | null)[] }) {
  const distinct = new Map<string, MediaProblem>();
  for (const problem of problems) {
    // "Camera and microphone need a secure page" is one problem, not one per device.
    if (problem)
      distinct.set(problem.kind === 'insecure' ? problem.kind : problem.message, problem);
  }
  if (distinct.size === 0) return null;
  return (
    <div className="notice warning" role="alert" data-testid="prejoin_problem">
      {[...distinct].map(([key, problem]) => (
        <p key={key}>
          <Icon name="warning" size={18} /> <MediaProblemText problem={problem} />
        </p>
      ))}
    </div>
  );
}
