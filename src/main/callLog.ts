/**
 * Test hook for the real-Electron smoke test: with INTAKE_TEST_CALL_LOG set
 * (and only in an unpackaged app), tray renders and shown notifications are
 * appended as JSON lines to that file, so the test can see them without an
 * OS tray. Records states and counts, never document names.
 */
import { appendFileSync } from 'node:fs';

export type CallLog = (kind: string, detail: Record<string, unknown>) => void;

export function openCallLog(file: string | undefined, packaged: boolean): CallLog | null {
  if (!file || packaged) return null;
  return (kind, detail) => {
    try {
      appendFileSync(file, `${JSON.stringify({ at: Date.now(), ...detail, kind })}\n`);
    } catch {
      // A test hook must never break the app.
    }
  };
}
