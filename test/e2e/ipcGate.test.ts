/**
 * The renderer's end-to-end bridge answers through main's own gate
 * (ipcGate's handleCall and createIntakeHandlers): a malformed
 * payload from the page gets exactly the IpcResult the app gives, a frame
 * that is not the window's main frame is refused, and nothing reaches the
 * queue in either case.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { makeTempDir } from '../support/files';
import { startServer } from '../support/referenceServer';
import { startSession, type IntakeSession } from './support/intakeSession';

let session: IntakeSession;

beforeAll(async () => {
  const server = await startServer({ phaseMs: 200 });
  session = await startSession({ serverUrl: server.url });
});
afterAll(async () => {
  await session?.close();
});

type Call = (name: string, input: unknown) => Promise<unknown>;

it('a malformed payload from the page gets main’s invalid_payload answer, naming the call and the field', async () => {
  const { page } = session.app;
  const answer = await page.evaluate(() => (window as unknown as { intake: Record<string, (input: unknown) => Promise<unknown>> }).intake.enqueue!({ chartNumber: 42, files: ['/tmp/x.pdf'] }));
  expect(answer).toEqual({ ok: false, error: { code: 'invalid_payload', message: expect.stringMatching(/^enqueue: chartNumber: /) } });
  const notPlain = await page.evaluate(() => (window as unknown as { intake: Record<string, (input: unknown) => Promise<unknown>> }).intake.retry!(['a', 'b']));
  expect(notPlain).toEqual({ ok: false, error: { code: 'invalid_payload', message: expect.stringMatching(/^retry: /) } });
  // A relative path passes the schema but not main's handler rule.
  const relative = await page.evaluate(() => (window as unknown as { intake: Record<string, (input: unknown) => Promise<unknown>> }).intake.inspectFiles!(['scan.pdf']));
  expect(relative).toEqual({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('full path') } });
  expect(session.core.queue.snapshot()).toHaveLength(0);
});

it('a file the page names on its own (never dropped, picked or opened by the user) is refused: nothing read or listed', async () => {
  const { page } = session.app;
  const elsewhere = await makeTempDir('intake-e2e-elsewhere-');
  try {
    const secret = await elsewhere.pdf('other-patient.pdf');
    const intake = (name: string, input: unknown) =>
      page.evaluate(([n, i]) => (window as unknown as { intake: Record<string, (input: unknown) => Promise<unknown>> }).intake[n as string]!(i), [name, input] as const);
    const refused = { ok: false, error: { code: 'invalid_request', message: expect.stringContaining('not chosen by you') } };
    expect(await intake('inspectFiles', [elsewhere.path])).toEqual(refused);
    expect(await intake('inspectFiles', [secret])).toEqual(refused);
    expect(await intake('enqueue', { chartNumber: 'C-1', files: [secret] })).toEqual(refused);
    expect(session.core.queue.snapshot()).toHaveLength(0);
    // The same file dropped by the user is read.
    await session.app.bridge.setDropPaths({ 'other-patient.pdf': secret });
    const dropped = await page.evaluate(() => {
      const bridge = (window as unknown as { intake: { pathForFile(file: File): string; inspectFiles(paths: string[]): Promise<unknown> } }).intake;
      return bridge.inspectFiles([bridge.pathForFile(new File(['x'], 'other-patient.pdf'))]);
    });
    expect(dropped).toMatchObject({ ok: true, value: { accepted: [{ name: 'other-patient.pdf' }] } });
  } finally {
    await elsewhere.remove();
  }
});

it('a call from a child frame is refused as main refuses it (forbidden_sender)', async () => {
  const { page } = session.app;
  await page.evaluate(() => {
    const frame = document.createElement('iframe');
    frame.srcdoc = '<p>child</p>';
    frame.id = 'child';
    document.body.appendChild(frame);
  });
  const child = await vi.waitFor(() => {
    const found = page.frames().find((frame) => frame !== page.mainFrame());
    if (!found) throw new Error('no child frame yet');
    return found;
  });
  await child.waitForFunction(() => 'intake' in window);
  const answer = await child.evaluate(() => ((window as unknown as { intake: Record<string, Call> }).intake.getSnapshot as unknown as (input?: unknown) => Promise<unknown>)());
  expect(answer).toEqual({ ok: false, error: { code: 'forbidden_sender', message: 'This call is accepted only from the Intake window.' } });
});
