/**
 * What the engine does with each inbound message of the current transport:
 * acks settle subscriptions and, only then, catch the job up (snapshot, else
 * a REST read); status updates go to the state machine; `error` for a
 * subscribe falls back to REST; anything malformed or about an unknown job is
 * counted, never thrown (a late update of a job just let go is not a mistake).
 */
import type { StatusUpdate } from '../../shared/jobState';
import type { Logger } from '../base/logger';
import type { SubscriptionChannel } from './subscriptionChannel';
import type { JobRecord, TrackedJobs, UpdateSource } from './trackedJobs';
import type { BatchProgress, Inbound } from './transport';

export interface FrameRouterOptions {
  jobs: TrackedJobs;
  logger: Logger;
  apply(record: JobRecord, update: StatusUpdate, source: UpdateSource): void;
  /** Reads the job's state over REST by its record's read key. */
  catchUp(readKey: string): void;
  badFrame(reason: string): void;
  batch(batch: BatchProgress): void;
}

export class FrameRouter {
  constructor(private readonly options: FrameRouterOptions) {}

  route(channel: SubscriptionChannel, message: Inbound): void {
    const { jobs, apply, catchUp } = this.options;
    switch (message.kind) {
      case 'ack': {
        const record = jobs.get(message.jobId);
        // An ack for a job untracked meanwhile is normal; nothing to do.
        if (!channel.settle(message.jobId) || !record) return;
        // Only after the ack: reading state before it leaves a window in which an update is lost.
        if (message.snapshot) apply(record, message.snapshot, 'state');
        else catchUp(record.chartNumber);
        return;
      }
      case 'update': {
        const record = jobs.get(message.update.jobId);
        if (record) apply(record, message.update, 'stream');
        // A job let go may still have updates in flight until the server has our unsubscribe: normal, not the backend's fault.
        else if (!jobs.letGo(message.update.jobId)) this.options.badFrame('unknown_job');
        return;
      }
      case 'error': {
        // The server refused one of our messages. For a subscribe, the job may
        // still be readable over REST; never loop on it over this socket.
        const record = message.jobId !== undefined ? jobs.get(message.jobId) : undefined;
        if (message.jobId !== undefined && channel.settle(message.jobId) && record) catchUp(record.chartNumber);
        this.options.logger.warn('server reported an error for a client message', { forJob: message.jobId !== undefined });
        return;
      }
      case 'batch':
        this.options.batch(message.batch);
        return;
      case 'bad':
        this.options.badFrame(message.reason);
        return;
      case 'ignored':
        return;
    }
  }
}
