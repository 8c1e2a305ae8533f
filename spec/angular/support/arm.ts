import type { HttpTestingController, TestRequest } from "@angular/common/http/testing";

export const origin = "https://management.example.com";
export const widgetUrl = (name = "w") => `${origin}/widgets/${name}?api-version=2024-01-01`;
export const monitorUrl = (n = 1) => `${origin}/operations/${n}`;

/** Waits (real time, up to 2 s) for the request `method url` to reach the testing backend, and takes it. */
export async function nextRequest(controller: HttpTestingController, method: string, url: string): Promise<TestRequest> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const [found] = controller.match((request) => request.method === method && request.urlWithParams === url);
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`No ${method} ${url} arrived`);
}

/** Answers an ARM-style Azure-AsyncOperation operation: 201 to the PUT, then `statuses` at the monitor, then the resource. */
export async function serveArmPut(controller: HttpTestingController, { name = "w", n = 1, statuses = ["Running", "Succeeded"] as readonly string[], error, retryAfter = "0" }: { name?: string; n?: number; statuses?: readonly string[]; error?: { code: string; message: string }; retryAfter?: string | null } = {}) {
  (await nextRequest(controller, "PUT", widgetUrl(name))).flush(JSON.stringify({ provisioningState: "Accepted" }), {
    status: 201,
    statusText: "Created",
    headers: { "azure-asyncoperation": monitorUrl(n), ...(retryAfter === null ? {} : { "retry-after": retryAfter }) },
  });
  for (const status of statuses) {
    const body = { status, ...(status === "Running" ? { percentComplete: 50 } : {}), ...(status === "Failed" && error ? { error } : {}) };
    (await nextRequest(controller, "GET", monitorUrl(n))).flush(JSON.stringify(body), { status: 200, statusText: "OK", headers: retryAfter === null ? {} : { "retry-after": retryAfter } });
  }
  if (statuses.at(-1) === "Succeeded") {
    (await nextRequest(controller, "GET", widgetUrl(name))).flush(JSON.stringify({ id: name, color: "blue" }), { status: 200, statusText: "OK" });
  }
}

/** Waits (real time, up to 2 s) until `condition` holds; fails the test if it never does. */
export async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 400 && !condition(); attempt++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error(`Still not true after 2 s: ${condition.toString()}`);
}
