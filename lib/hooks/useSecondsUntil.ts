import { useEffect, useState } from 'react';

/**
 * Whole seconds left until `at` (epoch ms), ticking down to 0. The clock starts at mount: mount
 * the component that shows it per deadline (`key={at}`).
 */
export function useSecondsUntil(at: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= at) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [at]);
  return Math.max(0, Math.ceil((at - now) / 1000));
}
