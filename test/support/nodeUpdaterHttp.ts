/**
 * electron-updater's HTTP client (ElectronHttpExecutor) runs on Electron's
 * `net`, which the fake electron has not. This is the same client on Node's
 * http: the base class (builder-util-runtime's, as electron-updater's) does
 * the requests, redirects, checksums and downloads; only the socket differs.
 */
import { request, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { HttpExecutor, configureRequestOptions, configureRequestUrl, type DownloadOptions } from 'builder-util-runtime';

export class NodeUpdaterHttp extends HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    return request(options, callback);
  }

  /** What ElectronHttpExecutor.download does, over createRequest above. */
  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise((resolve, reject, onCancel) => {
      const requestOptions = { headers: options.headers || undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(requestOptions, { destination, options, onCancel, callback: (error) => (error == null ? resolve(destination) : reject(error)), responseHandler: null }, 0);
    });
  }
}
