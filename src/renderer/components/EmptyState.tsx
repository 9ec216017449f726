/** What a first-time user sees: the one gesture that matters. */
export function EmptyState({ onAdd, filtered }: { onAdd: () => void; filtered: boolean }) {
  if (filtered) {
    return (
      <div className="empty">
        <p className="empty-title">No jobs here</p>
        <p className="empty-text">Jobs will show up under this filter as they get there.</p>
      </div>
    );
  }
  return (
    <div className="empty">
      <div className="empty-drop" aria-hidden="true">
        <span className="empty-arrow" />
      </div>
      <p className="empty-title">Drop chart documents here</p>
      <p className="empty-text">PDF, TIFF, PNG or JPEG — files or whole folders. You will be asked for the chart number.</p>
      <button type="button" className="btn btn-primary" onClick={onAdd}>
        Choose documents…
      </button>
    </div>
  );
}
