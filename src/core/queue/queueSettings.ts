/** UploadQueueOptions with every default filled in, checked once at construction. */
import { systemClock, type Clock } from '../clock';
import { silentLogger, type Logger } from '../base/logger';
import { DEFAULT_FILE_LIMITS, type FileLimits } from '../files/fileInspector';
import { DEFAULT_RETRY_TIMINGS, type RetryTimings } from '../upload/retryPolicy';
import { QueueInputError, type UploadQueueOptions } from './types';

export interface QueueSettings {
  clock: Clock;
  logger: Logger;
  random: () => number;
  concurrency: number;
  historySize: number;
  limits: FileLimits;
  retry: RetryTimings;
  stallMs: number;
  progressIntervalMs: number;
  saveDebounceMs: number;
}

export function resolveQueueSettings(options: UploadQueueOptions): QueueSettings {
  const timings = options.timings ?? {};
  return {
    clock: options.clock ?? systemClock,
    logger: options.logger ?? silentLogger,
    random: options.random ?? Math.random,
    concurrency: checkedCount(options.concurrency ?? 2, 'concurrency'),
    historySize: checkedCount(options.historySize ?? 1000, 'historySize', 0),
    limits: { ...DEFAULT_FILE_LIMITS, ...definedOnly(options.limits ?? {}) },
    retry: {
      ...DEFAULT_RETRY_TIMINGS,
      ...definedOnly({ baseMs: timings.retryBaseMs, maxMs: timings.retryMaxMs, maxAttempts: timings.maxUploadAttempts }),
    },
    stallMs: timings.stallMs ?? 30_000,
    progressIntervalMs: timings.progressIntervalMs ?? 100,
    saveDebounceMs: timings.saveDebounceMs ?? 200,
  };
}

export function checkedCount(value: number, name: string, min = 1): number {
  if (!Number.isInteger(value) || value < min || value > 100_000) {
    throw new QueueInputError('invalid_argument', `${name} must be a whole number from ${min} to 100000 (got ${String(value)}).`);
  }
  return value;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
