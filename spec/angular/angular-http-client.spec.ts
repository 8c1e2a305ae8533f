// @vitest-environment happy-dom
import "./support/test-bed.js";
import { HttpClient, provideHttpClient, withInterceptors, type HttpRequest } from "@angular/common/http";
import { HttpTestingController, provideHttpClientTesting } from "@angular/common/http/testing";
import { TestBed } from "@angular/core/testing";
import { createHttpHeaders, createPipelineRequest, isRestError, RestError } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { fromAngularHttpClient } from "../../lib/angular/index.js";

function setup(seen: HttpRequest<unknown>[] = []) {
  TestBed.configureTestingModule({
    providers: [
      provideHttpClient(withInterceptors([(request, next) => (seen.push(request), next(request.clone({ setHeaders: { authorization: "Bearer t" } })))])),
      provideHttpClientTesting(),
    ],
  });
  return { client: fromAngularHttpClient(TestBed.inject(HttpClient)), controller: TestBed.inject(HttpTestingController), seen };
}

const url = "https://management.example.com/operations/1?api-version=2024-01-01&sig=secret";

describe("fromAngularHttpClient", () => {
  it("sends through the app's interceptors and returns status, headers and body text exactly", async () => {
    const { client, controller, seen } = setup();
    const request = createPipelineRequest({ url, method: "PUT", body: '{"a":1}', headers: createHttpHeaders({ "content-type": "application/json", "x-ms-client-request-id": "r1" }) });
    const response = client.sendRequest(request);
    const sent = controller.expectOne(url);
    expect(sent.request.method).toBe("PUT");
    expect(sent.request.body).toBe('{"a":1}');
    expect(sent.request.headers.get("authorization")).toBe("Bearer t");
    expect(sent.request.headers.get("x-ms-client-request-id")).toBe("r1");
    expect(sent.request.responseType).toBe("text");
    sent.flush(' {"status":"Running"} ', { status: 202, statusText: "Accepted", headers: { "Retry-After": "7", "Azure-AsyncOperation": "https://h/op" } });
    const answered = await response;
    expect(seen).toHaveLength(1);
    expect(answered.status).toBe(202);
    expect(answered.request).toBe(request);
    expect(answered.bodyAsText).toBe(' {"status":"Running"} ');
    expect(answered.headers.get("retry-after")).toBe("7");
    expect(answered.headers.get("azure-asyncoperation")).toBe("https://h/op");
    controller.verify();
  });

  it("returns a 4xx or 5xx as a response with its body, not an error", async () => {
    const { client, controller } = setup();
    const response = client.sendRequest(createPipelineRequest({ url, method: "GET" }));
    controller.expectOne(url).flush('{"error":{"code":"NotFound","message":"Gone."}}', { status: 404, statusText: "Not Found", headers: { "x-ms-request-id": "q" } });
    const answered = await response;
    expect(answered.status).toBe(404);
    expect(answered.bodyAsText).toBe('{"error":{"code":"NotFound","message":"Gone."}}');
    expect(answered.headers.get("x-ms-request-id")).toBe("q");
  });

  it("fails without a response as a RestError REQUEST_SEND_ERROR whose message does not repeat the URL", async () => {
    const { client, controller } = setup();
    const request = createPipelineRequest({ url, method: "GET" });
    const response = client.sendRequest(request);
    controller.expectOne(url).error(new ProgressEvent("error"));
    const error = await response.catch((caught: unknown) => caught);
    // By name, as core-rest-pipeline's isRestError and retry policy tell one (not its class: see requestSendError).
    expect(isRestError(error)).toBe(true);
    expect(error).toMatchObject({ name: "RestError", code: RestError.REQUEST_SEND_ERROR, request });
    expect(Object.keys(error as object)).not.toContain("request");
    expect((error as Error).message).not.toContain("secret");
  });

  it("passes an interceptor's own error on as it is", async () => {
    const failure = new Error("interaction_required");
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([() => { throw failure; }])), provideHttpClientTesting()],
    });
    const client = fromAngularHttpClient(TestBed.inject(HttpClient));
    await expect(client.sendRequest(createPipelineRequest({ url, method: "GET" }))).rejects.toBe(failure);
  });

  it("cancels Angular's request when the abort signal fires, and sends nothing when it already has", async () => {
    const { client, controller } = setup();
    const abort = new AbortController();
    const response = client.sendRequest(createPipelineRequest({ url, method: "GET", abortSignal: abort.signal }));
    const sent = controller.expectOne(url);
    abort.abort();
    await expect(response).rejects.toMatchObject({ name: "AbortError" });
    expect(sent.cancelled).toBe(true);
    await expect(client.sendRequest(createPipelineRequest({ url, method: "GET", abortSignal: abort.signal }))).rejects.toMatchObject({ name: "AbortError" });
    controller.verify();
  });

  it("honours the request's own timeout: cancels Angular's request and fails with a TimeoutError", async () => {
    const { client, controller } = setup();
    const response = client.sendRequest(createPipelineRequest({ url, method: "GET", timeout: 20 }));
    const sent = controller.expectOne(url);
    await expect(response).rejects.toMatchObject({ name: "TimeoutError", message: "No response within 20 ms" });
    expect(sent.cancelled).toBe(true);
  });

  it("refuses a body it cannot send, and a non-HttpClient, with a TypeError", async () => {
    const { client } = setup();
    await expect(client.sendRequest(createPipelineRequest({ url, method: "PUT", body: (() => new ReadableStream()) as never }))).rejects.toThrow(TypeError);
    expect(() => fromAngularHttpClient({} as HttpClient)).toThrowError("Expected `http` to be Angular's HttpClient, got object");
  });
});
