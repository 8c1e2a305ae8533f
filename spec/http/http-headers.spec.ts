import * as pipeline from "@azure/core-rest-pipeline";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { copyHttpHeaders, createHttpHeaders } from "../../lib/http/http-headers.js";

type Operation = { readonly kind: "set"; readonly name: string; readonly value: string | number | boolean } | { readonly kind: "delete"; readonly name: string };

// A few names in every casing, so that sets and deletes of one header by different spellings meet.
const name = fc.constantFrom("Accept", "x-ms-client-request-id", "Retry-After", "content-type", "A").chain((base) =>
  fc.array(fc.boolean(), { minLength: base.length, maxLength: base.length }).map((upper) => [...base].map((char, index) => (upper[index] ? char.toUpperCase() : char.toLowerCase())).join("")),
);
// Values core-rest-pipeline 1.9 stores as they are: its trimming and CR/LF removal came later (checked on their own below).
const value = fc.oneof(
  fc.string().filter((text) => text === text.trim() && !/[\r\n]/.test(text)),
  fc.integer(),
  fc.boolean(),
);
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), name, value }),
  fc.record({ kind: fc.constant("delete" as const), name }),
);

describe("createHttpHeaders", () => {
  it("behaves as core-rest-pipeline's after any sequence of sets and deletes: get, has, toJSON either way, iteration, toString", () => {
    fc.assert(
      fc.property(fc.dictionary(name, fc.string().filter((text) => text === text.trim() && !/[\r\n]/.test(text))), fc.array(operation, { maxLength: 12 }), (raw, operations) => {
        const ours = createHttpHeaders(raw);
        const theirs = pipeline.createHttpHeaders(raw);
        for (const step of operations) {
          if (step.kind === "set") {
            ours.set(step.name, step.value);
            theirs.set(step.name, step.value);
          } else {
            ours.delete(step.name);
            theirs.delete(step.name);
          }
        }
        for (const probe of ["accept", "ACCEPT", "Retry-After", "x-ms-client-request-id", "content-type", "a", "missing"]) {
          expect(ours.get(probe)).toBe(theirs.get(probe));
          expect(ours.has(probe)).toBe(theirs.has(probe));
        }
        expect(ours.toJSON()).toEqual(theirs.toJSON());
        expect(ours.toJSON({ preserveCase: true })).toEqual(theirs.toJSON({ preserveCase: true }));
        expect([...ours]).toEqual([...theirs]);
        expect(String(ours)).toBe(String(theirs));
      }),
    );
  });

  it("keeps the name as last set for preserveCase and iteration, and looks it up in any case", () => {
    const headers = createHttpHeaders({ "Content-Type": "text/plain" });
    headers.set("ACCEPT", "application/json");
    headers.set("content-TYPE", "application/json");
    expect(headers.get("Content-Type")).toBe("application/json");
    expect(headers.toJSON()).toEqual({ "content-type": "application/json", accept: "application/json" });
    expect(headers.toJSON({ preserveCase: true })).toEqual({ "content-TYPE": "application/json", ACCEPT: "application/json" });
    expect([...headers]).toEqual([
      ["content-TYPE", "application/json"],
      ["ACCEPT", "application/json"],
    ]);
    headers.delete("accept");
    expect(headers.has("Accept")).toBe(false);
  });

  it("converts values with String, trims them and removes CR and LF (no header injection), as core-rest-pipeline 1.24 does", () => {
    const headers = createHttpHeaders({ "x-count": 3 as unknown as string });
    headers.set("x-flag", true);
    headers.set("x-padded", "  value \t");
    headers.set("x-injected", "a\r\nSet-Cookie: b");
    expect(headers.toJSON()).toEqual({ "x-count": "3", "x-flag": "true", "x-padded": "value", "x-injected": "aSet-Cookie: b" });
  });

  it("copyHttpHeaders: copies, and copies of copies, stay independent under any interleaving of writes (each behaves as its own set of headers)", () => {
    // Each step writes to one of the headers made so far, or copies one of them; every one must end
    // as an independent core-rest-pipeline HttpHeaders given the same history would.
    type Step = { readonly kind: "copy"; readonly of: number } | (Operation & { readonly on: number });
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant("copy" as const), of: fc.nat(7) }),
      operation.chain((write) => fc.nat(7).map((on) => ({ ...write, on }))),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const ours = [createHttpHeaders({ Accept: "application/json" })];
        const theirs = [pipeline.createHttpHeaders({ Accept: "application/json" })];
        for (const next of steps) {
          if (next.kind === "copy") {
            const of = next.of % ours.length;
            ours.push(copyHttpHeaders(ours[of]!));
            theirs.push(pipeline.createHttpHeaders(theirs[of]!.toJSON({ preserveCase: true })));
            continue;
          }
          const on = next.on % ours.length;
          if (next.kind === "set") {
            ours[on]!.set(next.name, next.value);
            theirs[on]!.set(next.name, next.value);
          } else {
            ours[on]!.delete(next.name);
            theirs[on]!.delete(next.name);
          }
        }
        expect(ours.map((headers) => [...headers])).toEqual(theirs.map((headers) => [...headers]));
      }),
    );
  });

  it("copyHttpHeaders: the same headers, independent of the template both ways; from core-rest-pipeline's headers too", () => {
    for (const template of [createHttpHeaders({ Accept: "application/json", "x-ms-client-request-id": "id-1" }), pipeline.createHttpHeaders({ Accept: "application/json", "x-ms-client-request-id": "id-1" })]) {
      const copy = copyHttpHeaders(template);
      expect([...copy]).toEqual([...template]);
      copy.set("authorization", "Bearer t");
      copy.set("accept", "text/plain");
      template.delete("x-ms-client-request-id");
      expect([...template]).toEqual([["Accept", "application/json"]]);
      expect([...copy]).toEqual([
        ["accept", "text/plain"],
        ["x-ms-client-request-id", "id-1"],
        ["authorization", "Bearer t"],
      ]);
    }
  });
});
