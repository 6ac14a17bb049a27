/**
 * The DNS-rebinding defence of the app's two loopback servers (the browser preview's and the OTLP
 * receiver's): a request must name the server as `127.0.0.1:PORT` or `localhost:PORT` in its Host
 * header, so that a web page whose name was pointed at 127.0.0.1 cannot reach them.
 */
export function isLoopbackHostHeader(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}
