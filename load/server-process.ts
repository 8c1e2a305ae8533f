/**
 * The load test's ARM server, in its own process (see `server-host.ts` for why). Started by
 * `startChildServer` with `fork(…, { execArgv: ["--import", "tsx"] })` and driven over IPC.
 * @module
 */
import { recordOf, resetPaced, startPacedServer, type PacedServer, type ServerCommand, type ServerReply } from "./server-host.js";

if (process.send === undefined) throw new Error("load/server-process.ts runs as a child process with an IPC channel");

let paced: PacedServer | undefined;

const reply = (message: ServerReply) => process.send?.(message);

process.on("message", (command: ServerCommand) => {
  void (async (): Promise<ServerReply> => {
    switch (command.type) {
      case "start":
        await paced?.server.close();
        paced = await startPacedServer(command.options, true);
        return { type: "started", url: paced.server.url };
      case "reset":
        if (paced !== undefined) resetPaced(paced);
        return { type: "done" };
      case "record":
        if (paced === undefined) return { type: "failed", message: "not started" };
        return { type: "record", record: recordOf(paced) };
      case "close":
        await paced?.server.close();
        paced = undefined;
        return { type: "done" };
    }
  })().then(reply, (error: unknown) => reply({ type: "failed", message: String(error) }));
});

// The parent went away (disconnect): close and leave.
process.on("disconnect", () => {
  void (paced?.server.close() ?? Promise.resolve()).then(() => process.exit(0));
});
