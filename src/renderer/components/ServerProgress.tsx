/**
 * A Socket.IO backend's job (PROTOCOL.md "Backend dialects"): it reports a
 * percentage and its own status word, not the seven phases of the stepper.
 */
import type { ServerJobState } from '../../shared/jobState';

/** True when the backend speaks in percentages (a Socket.IO dialect), so the row shows a bar. */
export function reportsProgress(server: ServerJobState | null): server is ServerJobState & { progress: number } {
  return server?.progress !== undefined;
}

export function ServerProgress({ server, label }: { server: ServerJobState & { progress: number }; label: string }) {
  const percent = Math.round(Math.min(100, Math.max(0, server.progress)));
  const word = server.statusWord ?? server.status;
  return (
    <div className="upload server-progress">
      <progress className="bar" max={100} value={percent} aria-label={label} />
      <span className="upload-text">
        {percent} % · {word}
      </span>
    </div>
  );
}
