/** Something that can listen on a port it was given (our HttpServer, through a factory). */
export interface Listener {
  listen(): Promise<{ url: string; port: number }>;
}

/**
 * Listens on the first port that is free, trying `ports` in order (e.g. the usual port, then 0 for any).
 * Only "in use" moves on to the next port; any other error is thrown as it is.
 */
export async function listenOnFirstFreePort<L extends Listener>(ports: readonly number[], create: (port: number) => L): Promise<{ server: L; url: string; port: number }> {
  let lastError: unknown = new Error('no port to try');
  for (const port of ports) {
    const server = create(port);
    try {
      return { server, ...(await server.listen()) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      lastError = error;
    }
  }
  throw lastError;
}
