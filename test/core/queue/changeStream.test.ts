import { describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../../../src/core/base/logger';
import { ChangeStream } from '../../../src/core/queue/changeStream';
import type { QueueChange, QueueJob } from '../../../src/shared/queueJob';
import { sampleJob } from '../../support/sampleJob';

const job = (id: string, stage: QueueJob['stage']): QueueJob => sampleJob({ id, stage });

describe('ChangeStream', () => {
  it('delivers one batch per tick, latest upsert per job, remove beating earlier upserts, in order of last change', async () => {
    const stream = new ChangeStream(silentLogger);
    const batches: QueueChange[][] = [];
    stream.subscribe((changes) => batches.push(changes));
    stream.upsert(job('a', 'queued'));
    stream.upsert(job('b', 'queued'));
    stream.upsert(job('a', 'uploading'));
    stream.upsert(job('c', 'queued'));
    stream.remove('c');
    expect(batches).toEqual([]); // nothing synchronously
    await Promise.resolve();
    expect(batches).toEqual([
      [
        { type: 'upsert', job: job('b', 'queued') },
        { type: 'upsert', job: job('a', 'uploading') },
        { type: 'remove', id: 'c' },
      ],
    ]);
    stream.upsert(job('a', 'tracking'));
    await Promise.resolve();
    expect(batches).toHaveLength(2);
  });

  it('a throwing listener neither stops the others nor the stream', async () => {
    const stream = new ChangeStream(silentLogger);
    const got: number[] = [];
    stream.subscribe(() => {
      throw new Error('broken front end');
    });
    const off = stream.subscribe((changes) => got.push(changes.length));
    stream.upsert(job('a', 'queued'));
    await Promise.resolve();
    off.dispose();
    stream.upsert(job('b', 'queued'));
    await Promise.resolve();
    expect(got).toEqual([1]);
  });

  it('a throwing listener is logged as an error, with what it threw', async () => {
    const errors: [string, unknown][] = [];
    const logger: Logger = { ...silentLogger, error: (message, context) => void errors.push([message, context]) };
    const stream = new ChangeStream(logger);
    stream.subscribe(() => {
      throw new Error('broken front end');
    });
    stream.upsert(job('a', 'queued'));
    await Promise.resolve();
    expect(errors).toEqual([['queue change listener threw', { error: 'Error: broken front end' }]]);
  });
});
