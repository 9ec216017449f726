/**
 * Injected upload faults (ReferenceServer.injectUploadFaults): the failures a
 * real backend or network produces, on demand, so clients' retry paths are
 * tested against real sockets rather than mocks.
 */
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { answerEarly, sendError } from './httpReply';
import { type UploadFault } from './types';

const STATUS_ERRORS: Record<number, { error: string; message: string }> = {
  429: { error: 'too_many_requests', message: 'Too many uploads right now; try again later.' },
  500: { error: 'internal_error', message: 'The server failed while receiving the upload; try again.' },
  502: { error: 'unavailable', message: 'The processing backend is unreachable; try again.' },
  503: { error: 'unavailable', message: 'The server is temporarily unavailable; try again.' },
};

export function applyUploadFault(fault: UploadFault, req: IncomingMessage, res: ServerResponse): void {
  switch (fault.kind) {
    case 'status': {
      const { error, message } = STATUS_ERRORS[fault.status] ?? { error: 'internal_error', message: 'Injected failure.' };
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) };
      return answerEarly(req, res, () => sendError(res, fault.status, error, message, headers));
    }
    case 'stall':
      // Read nothing and answer nothing: TCP backpressure stalls the sender, which must time out on its own.
      req.pause();
      return;
    case 'dropResponse':
      // Handled by the upload reception, which must accept the job first.
      return;
    case 'reset': {
      let seen = 0;
      const cut = (): void => {
        req.socket.destroy();
      };
      req.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen >= fault.afterBytes) cut();
      });
      req.on('end', cut);
      return;
    }
  }
}
