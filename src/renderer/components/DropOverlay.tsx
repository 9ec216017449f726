export function DropOverlay({ visible }: { visible: boolean }) {
  if (!visible) return null;
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
      <div className="drop-target">
        <span className="empty-arrow" />
        <p className="drop-title">Drop to add documents</p>
        <p className="drop-text">Files and folders are checked before anything is sent.</p>
      </div>
    </div>
  );
}
