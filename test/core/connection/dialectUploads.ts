/**
 * Creates server jobs on a Socket.IO dialect's upload path (plain multipart
 * POSTs; the upload queue is tested elsewhere), for tracking tests.
 */
import type { SocketIoDialect } from '../../../src/shared/dialect';
import { MAGIC } from '../../support/files';
import type { CreatedJob } from './uploadJobs';

export async function uploadDialectJob(baseUrl: string, dialect: SocketIoDialect, chartNumber: string, options: { token?: string; batchId?: string } = {}): Promise<CreatedJob> {
  const form = new FormData();
  form.append(dialect.form.chartNumber, chartNumber);
  if (options.batchId !== undefined && dialect.form.batchId !== null) form.append(dialect.form.batchId, options.batchId);
  form.append(dialect.form.documents, new Blob([MAGIC.pdf, Buffer.from('1 0 obj << /Type /Page >> endobj\n%%EOF\n')], { type: 'application/pdf' }), 'scan.pdf');
  const response = await fetch(`${baseUrl}${dialect.rest.upload}`, {
    method: 'POST',
    body: form,
    headers: options.token ? { Authorization: `Bearer ${options.token}` } : {},
  });
  const body = (await response.json()) as Record<string, unknown>;
  const jobId = body[dialect.fields.jobId];
  if (response.status !== 201 || typeof jobId !== 'string') throw new Error(`upload failed: HTTP ${response.status} ${JSON.stringify(body)}`);
  return { jobId, chartNumber };
}

export async function uploadDialectJobs(baseUrl: string, dialect: SocketIoDialect, charts: string[]): Promise<CreatedJob[]> {
  const created: CreatedJob[] = new Array(charts.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < charts.length) {
      const index = next++;
      created[index] = await uploadDialectJob(baseUrl, dialect, charts[index] as string);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return created;
}
