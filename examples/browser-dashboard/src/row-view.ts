/**
 * One row of the operations table: what it shows, and nothing else (no subscriptions, no
 * storage). The row's `data-*` attributes mirror what it shows, for tests and for styling.
 * @module
 */
import { isTerminalState, type LroState } from "../../../lib/index.js";
import { kindLabels, operationIdOf, type OperationKind } from "./arm.js";
import { h } from "./dom.js";

/**
 * What a row says about its operation: the library's statuses, plus `starting` (before the first
 * response), `stopped` (the row was cancelled: it no longer follows an operation that goes on
 * running on the server) and `error` (the stream errored).
 */
export type RowStatus = LroState["status"] | "starting" | "stopped" | "error";

/** A row's identity. */
export interface RowIdentity {
  readonly rowId: string;
  readonly kind: OperationKind;
  readonly widget: string;
  /** Restored from a continuation token after a reload. */
  readonly resumed: boolean;
}

/** A rendered row. */
export interface RowView {
  readonly element: HTMLTableRowElement;
  readonly cancelButton: HTMLButtonElement;
  /** Shows a state. */
  render(state: LroState): void;
  /** Shows that the row was cancelled at `at` (epoch ms) and follows nothing any more. */
  stop(at: number): void;
  /** Shows a stream error. */
  fail(message: string): void;
  /** The status shown. */
  readonly status: RowStatus;
}

/** Creates a row, in the `starting` status. */
export function createRowView(identity: RowIdentity): RowView {
  const fill = h("div", { class: "fill" });
  const bar = h("div", { class: "bar", role: "progressbar", "aria-valuemin": 0, "aria-valuemax": 100 }, fill);
  const percent = h("span", { class: "percent" }, "");
  const provider = h("td", { class: "provider" }, "—");
  const badge = h("span", { class: "badge" }, "starting");
  const polls = h("td", { class: "polls" }, "0");
  const operationId = h("span", { class: "op-id" }, "");
  const cancelButton = h("button", { type: "button", class: "cancel", title: "Stop following (the operation goes on on the server)" }, "Cancel");
  const element = h(
    "tr",
    { "data-row-id": identity.rowId, "data-kind": identity.kind, "data-widget": identity.widget, "data-resumed": identity.resumed },
    h(
      "td",
      { class: "name" },
      h("span", { class: "kind" }, kindLabels[identity.kind]),
      identity.resumed ? h("span", { class: "tag resumed" }, "resumed") : "",
      h("div", { class: "ids" }, h("span", { class: "widget" }, identity.widget), operationId),
    ),
    h("td", { class: "progress" }, bar, percent),
    provider,
    h("td", { class: "status" }, badge),
    polls,
    h("td", { class: "action" }, cancelButton),
  );

  let status: RowStatus = "starting";
  const setStatus = (next: RowStatus) => {
    status = next;
    element.dataset.status = next;
    badge.textContent = next;
    badge.className = `badge ${next}`;
  };
  setStatus("starting");

  const setProgress = (value: number | undefined) => {
    const known = value !== undefined;
    bar.classList.toggle("indeterminate", !known && (status === "running" || status === "notStarted" || status === "starting"));
    fill.style.width = known ? `${value}%` : "0%";
    percent.textContent = known ? `${value}%` : "";
    if (known) {
      bar.setAttribute("aria-valuenow", String(value));
      element.dataset.percent = String(value);
    }
  };
  setProgress(undefined);

  const end = () => {
    cancelButton.disabled = true;
    bar.classList.remove("indeterminate");
  };

  return {
    element,
    cancelButton,
    get status() {
      return status;
    },
    render(state) {
      setStatus(state.status);
      const id = operationIdOf(state.pollingUrl);
      if (id !== undefined) {
        element.dataset.operationId = id;
        operationId.textContent = id.slice(0, 8);
        operationId.title = `operation ${id}`;
      }
      provider.textContent = state.error === undefined ? state.providerStatus : `${state.providerStatus} · ${state.error.code}`;
      provider.title = state.error?.message ?? "";
      element.dataset.providerStatus = state.providerStatus;
      polls.textContent = String(state.pollCount);
      element.dataset.polls = String(state.pollCount);
      setProgress(state.status === "succeeded" ? 100 : state.percentComplete);
      if (isTerminalState(state)) end();
    },
    stop(at) {
      setStatus("stopped");
      element.dataset.cancelledAt = String(at);
      end();
    },
    fail(message) {
      setStatus("error");
      provider.textContent = message;
      provider.title = message;
      end();
    },
  };
}
