/** Polite announcements for screen readers: endings of jobs only, never every phase. */
export function LiveRegion({ announcement }: { announcement: { text: string; serial: number } | null }) {
  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="live-region">
      {/* The key makes a repeated sentence a new node, so it is read again. */}
      {announcement && <span key={announcement.serial}>{announcement.text}</span>}
    </div>
  );
}
