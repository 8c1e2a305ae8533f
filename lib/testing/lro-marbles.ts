import type { LroState, LroStatus } from "../state.js";
import type { LroRecording } from "./virtual-time.js";

const letters: Readonly<Record<LroStatus, string>> = { notStarted: "n", running: "r", succeeded: "s", failed: "f", canceled: "c" };

/** Options of {@link lroMarbles}. */
export interface LroMarblesOptions<T> {
  /** The one character a value is drawn as. @defaultValue its status's initial: `n`otStarted, `r`unning, `s`ucceeded, `f`ailed, `c`anceled */
  readonly letter?: (value: T) => string;
}

function defaultLetter(value: unknown): string {
  const status = (value as Partial<LroState> | null)?.status;
  return status !== undefined && status in letters ? letters[status] : "?";
}

/**
 * Draws a recorded stream as a marble diagram in `TestScheduler.run` syntax (1 frame = 1 virtual
 * millisecond, time progression as `999ms`): each state as a letter of its status, `|` for
 * completion, `#` for an error, values of one instant grouped in parentheses. Compare it with the
 * diagram you expect: the timing of every poll and the order of every state in one string, and a
 * failure message that shows where the stream went wrong.
 *
 * The diagram is valid marble syntax: inside `TestScheduler.run`, `TestScheduler.parseMarbles(diagram,
 * undefined, undefined, undefined, true)` gives back the recording's frames.
 *
 * @example
 * ```ts
 * import { beginLro } from "rx-lro";
 * import { createFakeLroService, createLroTestScheduler, lroMarbles, runLro } from "rx-lro/testing";
 *
 * const scheduler = createLroTestScheduler();
 * const url = "https://management.azure.com/widgets/w1?api-version=1";
 * const service = createFakeLroService({ scheduler }).script("PUT", url, { statuses: ["InProgress", "Failed"], retryAfterInSeconds: 1 });
 * const run = await runLro(beginLro({ url, method: "PUT" }, service.options), scheduler);
 * lroMarbles(run); // "r 999ms r 999ms (f|)"
 * ```
 */
export function lroMarbles<T>(recording: Pick<LroRecording<T>, "values" | "times" | "completed" | "error" | "endedAt">, options: LroMarblesOptions<T> = {}): string {
  const letter = options.letter ?? defaultLetter;
  const events: { readonly time: number; readonly symbol: string }[] = recording.values.map((value, index) => {
    const symbol = letter(value);
    if (symbol.length !== 1 || "-|#() ^!".includes(symbol) || /\s/.test(symbol)) {
      throw new TypeError(`Expected \`letter\` to give one character that is not marble syntax, got ${JSON.stringify(symbol)} for value ${index}`);
    }
    return { time: recording.times[index] ?? 0, symbol };
  });
  if (recording.endedAt !== undefined && (recording.completed || recording.error !== undefined)) {
    events.push({ time: recording.endedAt, symbol: recording.completed ? "|" : "#" });
  }
  let diagram = "";
  let frame = 0;
  for (let index = 0; index < events.length; ) {
    const time = events[index]!.time;
    let group = "";
    while (index < events.length && events[index]!.time === time) group += events[index++]!.symbol;
    const drawn = group.length > 1 ? `(${group})` : group;
    if (time < frame) {
      throw new RangeError(`lroMarbles: events at ${time} ms come sooner than marble syntax can draw after the group before them (frame ${frame})`);
    }
    if (time > frame) diagram += `${diagram === "" ? "" : " "}${time - frame}ms `;
    diagram += drawn;
    frame = time + drawn.length;
  }
  return diagram;
}
