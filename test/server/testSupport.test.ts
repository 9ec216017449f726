/**
 * test/support/referenceServer.ts keeps its promise: a server started in
 * beforeAll lives for the whole file; one started in beforeEach or inside a
 * test is closed when that test finishes.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ReferenceServer } from '../../src/server/index';
import { startServer } from '../support/referenceServer';

async function answers(server: ReferenceServer): Promise<boolean> {
  return fetch(`${server.url}/health`).then(
    (res) => res.status === 200,
    () => false,
  );
}

describe('startServer cleanup', () => {
  let fileServer: ReferenceServer;
  const perTest: ReferenceServer[] = [];
  const insideTest: ReferenceServer[] = [];

  beforeAll(async () => {
    fileServer = await startServer();
  });
  beforeEach(async () => {
    perTest.push(await startServer());
  });

  it('starts servers that answer', async () => {
    insideTest.push(await startServer());
    expect(await answers(fileServer)).toBe(true);
    expect(await answers(perTest[0] as ReferenceServer)).toBe(true);
    expect(await answers(insideTest[0] as ReferenceServer)).toBe(true);
  });

  it('closed the previous test’s servers and kept the file’s', async () => {
    expect(await answers(fileServer)).toBe(true);
    expect(await answers(perTest[0] as ReferenceServer)).toBe(false);
    expect(await answers(insideTest[0] as ReferenceServer)).toBe(false);
    expect(await answers(perTest[1] as ReferenceServer)).toBe(true);
  });
});
