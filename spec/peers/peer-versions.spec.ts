// Run only by `npm run test:peers`: proves that the other specs of that run really used the
// scratch install of the peer under test, not the project's devDependency.
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

describe("the peer under test", () => {
  it("is the version RX_LRO_PEERS_DIR holds, and the one rx-lro's modules import", async () => {
    const peersDir = process.env.RX_LRO_PEERS_DIR as string;
    const fromPeers = createRequire(join(peersDir, "package.json"));
    const expected = (fromPeers("@azure/core-rest-pipeline/package.json") as { version: string }).version;
    expect(expected).toBe(process.env.RX_LRO_PEER_VERSION);
    // The copy the aliased import loads lives in the scratch install.
    const pipeline = await import("@azure/core-rest-pipeline");
    expect(typeof pipeline.createPipelineFromOptions).toBe("function");
    expect(fromPeers.resolve("@azure/core-rest-pipeline").startsWith(peersDir)).toBe(true);
  });
});
