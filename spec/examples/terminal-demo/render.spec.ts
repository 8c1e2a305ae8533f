import { describe, expect, it } from "vitest";
import type { LroState } from "../../../lib/index.js";
import { renderDashboard, type Row } from "../../../examples/terminal-demo/render.js";
import { scenarios } from "../../../examples/terminal-demo/scenarios.js";

const startedAt = 1_000_000;

function stateOf(status: LroState["status"]): LroState {
  return { status, providerStatus: status, strategy: "location", pollCount: 2, continuationToken: "t" } as LroState;
}

describe("the terminal demo's dashboard", () => {
  it("after Ctrl-C counts only the operations that finished, not the streams that were unsubscribed", () => {
    const interruptedAt = startedAt + 3000;
    const rows: Row[] = scenarios.map((scenario, index) => {
      // Eight ended (succeeded, failed, canceled, or with an error); four were still running when
      // the demo unsubscribed, which also ran their `finalize` and so set their `endedAt`.
      const row: Row = { scenario, startedAt, polls: 2, endedAt: interruptedAt };
      if (index < 5) row.state = stateOf("succeeded");
      else if (index === 5) row.state = stateOf("failed");
      else if (index === 6) row.state = stateOf("canceled");
      else if (index === 7) row.error = new Error("boom");
      else row.state = stateOf("running");
      return row;
    });

    const screen = renderDashboard(rows, interruptedAt, false);

    expect(screen.split("\n")[0]).toBe(`rx-lro demo: 8/${scenarios.length} operations finished, 3.0s elapsed`);
    expect(screen.split("\n").filter((line) => / running /.test(line))).toHaveLength(4);
  });

  it("counts every operation once all have ended", () => {
    const rows: Row[] = scenarios.map((scenario) => ({ scenario, startedAt, polls: 1, state: stateOf("succeeded"), endedAt: startedAt + 10 }));
    expect(renderDashboard(rows, startedAt + 10, false).split("\n")[0]).toBe(`rx-lro demo: ${scenarios.length}/${scenarios.length} operations finished, 0.0s elapsed`);
  });
});
