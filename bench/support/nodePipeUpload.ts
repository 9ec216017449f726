/**
 * The plainest streaming upload Node can do: one http.request, a fixed
 * multipart head and tail, the file piped in between. No queue, no progress,
 * no retries. It shows what any Node uploader can reach on this machine, so
 * the gap between Intake and curl can be split into "Node" and "Intake".
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import { pipeline } from 'node:stream/promises';

const BOUNDARY = 'intake-bench-boundary-7d1f';
const READ_CHUNK_BYTES = 256 * 1024;

export async function nodePipeUpload(baseUrl: string, chartNumber: string, filePath: string): Promise<void> {
  const size = (await stat(filePath)).size;
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="chartNumber"\r\n\r\n${chartNumber}\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="documents"; filename="document.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const request = http.request(`${baseUrl}/documents/upload`, {
    method: 'POST',
    headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, 'Content-Length': head.length + size + tail.length },
  });
  const answered = new Promise<number>((resolve, reject) => {
    request.once('response', (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
    });
    request.once('error', reject);
  });
  request.write(head);
  await pipeline(createReadStream(filePath, { highWaterMark: READ_CHUNK_BYTES }), request, { end: false });
  request.end(tail);
  const status = await answered;
  if (status !== 201) throw new Error(`plain Node upload failed: HTTP ${status}`);
}
