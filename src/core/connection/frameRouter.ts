/**
 * What the engine does with each server frame of the current socket: acks
 * settle subscriptions and, only then, catch the job up (snapshot, else §2);
 * status updates go to the state machine; `error` frames for a subscribe fall
 * back to §2; anything malformed or about an unknown job is counted, never thrown.
 */
import type { RawData } from 'ws';
import type { StatusUpdate } from '../../shared/jobState';
import type { ServerMessage } from '../../shared/protocol';
import type { Logger } from '../base/logger';
import { readFrame, snapshotFromAck, updateFromStatusFrame } from './frameReader';
import type { SubscriptionChannel } from './subscriptionChannel';
import type { JobRecord, TrackedJobs, UpdateSource } from './trackedJobs';

export interface FrameRouterOptions {
  jobs: TrackedJobs;
  logger: Logger;
  apply(record: JobRecord, update: StatusUpdate, source: UpdateSource): void;
  catchUp(chartNumber: string): void;
  badFrame(reason: string): void;
}

export class FrameRouter {
  constructor(private readonly options: FrameRouterOptions) {}

  route(channel: SubscriptionChannel, data: RawData, isBinary: boolean): void {
    const reading = readFrame(data, isBinary);
    if (!reading.ok) this.options.badFrame(reading.reason);
    else this.handle(channel, reading.message);
  }

  private handle(channel: SubscriptionChannel, message: ServerMessage): void {
    const { jobs, apply, catchUp } = this.options;
    switch (message.type) {
      case 'subscribed': {
        const record = jobs.get(message.jobId);
        // An ack for a job untracked meanwhile is normal; nothing to do.
        if (!channel.settle(message.jobId) || !record) return;
        // Only after the ack: reading state before it leaves a window in which an update is lost.
        const snapshot = snapshotFromAck(message);
        if (snapshot) apply(record, snapshot, 'state');
        else catchUp(record.chartNumber);
        return;
      }
      case 'status_update': {
        const record = jobs.get(message.jobId);
        if (record) apply(record, updateFromStatusFrame(message), 'stream');
        else this.options.badFrame('unknown_job');
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
      case 'unsubscribed':
        return;
    }
  }
}
