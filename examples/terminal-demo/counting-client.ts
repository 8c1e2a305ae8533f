import type { HttpClient } from "@azure/core-rest-pipeline";

/** An `HttpClient` that counts the requests it is answering, to show that unsubscribing leaves none. */
export interface CountingClient extends HttpClient {
  readonly inFlight: number;
  readonly sent: number;
}

export function countingClient(inner: HttpClient): CountingClient {
  let inFlight = 0;
  let sent = 0;
  return {
    get inFlight() {
      return inFlight;
    },
    get sent() {
      return sent;
    },
    async sendRequest(request) {
      inFlight++;
      sent++;
      try {
        return await inner.sendRequest(request);
      } finally {
        inFlight--;
      }
    },
  };
}
