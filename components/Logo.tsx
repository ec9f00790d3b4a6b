/** Moim's mark: three circles gathering. Decorative; the text next to it names the app. */
export function Logo({ size = 22 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <circle cx="8" cy="9" r="5" fill="currentColor" opacity="0.55" />
      <circle cx="16" cy="9" r="5" fill="currentColor" opacity="0.8" />
      <circle cx="12" cy="16" r="5" fill="currentColor" />
    </svg>
  );
}
