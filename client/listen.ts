/** Starting an HTTP server on a port (0: any free one), shared by the intake and the notification sink. */
import { type AddressInfo } from 'node:net';
import { type Server } from 'node:http';

/** Resolves with the bound port and the base URL once `server` listens; rejects on a listen error. */
export function listenOn(server: Server, port = 0, host = '127.0.0.1'): Promise<{ url: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const bound = (server.address() as AddressInfo).port;
      resolve({ url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`, port: bound });
    });
  });
}
