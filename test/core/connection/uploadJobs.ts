/**
 * Creates server jobs for tracking tests with plain multipart POSTs (the
 * upload queue is tested elsewhere; here we only need jobIds to follow).
 */
import { MAGIC } from '../../support/files';

export interface CreatedJob {
  jobId: string;
  chartNumber: string;
}

export async function uploadJob(baseUrl: string, chartNumber: string, token?: string): Promise<CreatedJob> {
  const form = new FormData();
  form.append('chartNumber', chartNumber);
  form.append('documents', new Blob([MAGIC.pdf, Buffer.from('1 0 obj << /Type /Page >> endobj\n%%EOF\n')], { type: 'application/pdf' }), 'scan.pdf');
  const response = await fetch(`${baseUrl}/documents/upload`, {
    method: 'POST',
    body: form,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  const body = (await response.json()) as { jobId?: string };
  if (response.status !== 201 || typeof body.jobId !== 'string') {
    throw new Error(`upload failed: HTTP ${response.status} ${JSON.stringify(body)}`);
  }
  return { jobId: body.jobId, chartNumber };
}

/** Uploads `count` jobs, a few at a time (the server is shared with other suites on 2 cores). */
export async function uploadJobs(baseUrl: string, charts: string[], token?: string): Promise<CreatedJob[]> {
  const created: CreatedJob[] = new Array(charts.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < charts.length) {
      const index = next++;
      created[index] = await uploadJob(baseUrl, charts[index] as string, token);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return created;
}
