/**
 * Static files for a browser dashboard: `GET /` is `index.html`, any other path a file under the
 * root, and a page navigation to a path that names no file (a single-page app's deep link such as
 * `/widgets/w1`, reloaded) is `index.html` too. Refuses, as a plain 404, anything that would leave the root: `..` segments (also
 * percent-encoded), backslashes, NUL bytes, dotfiles, and symlinks pointing outside.
 * @module
 */
import { readFile, realpath, stat } from "node:fs/promises";
import { extname, join, sep } from "node:path";
import { ArmHttpError } from "./arm-errors.js";
import type { ArmResponse } from "./hooks.js";

const contentTypes: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
};

/** The content type of a file name; unknown extensions are `application/octet-stream`. */
export function contentTypeOf(fileName: string): string {
  return contentTypes[extname(fileName).toLowerCase()] ?? "application/octet-stream";
}

const refused = (path: string) => new ArmHttpError(404, "NotFound", `No route or file matches '${path}'.`);

const within = (root: string, candidate: string): boolean => candidate === root || candidate.startsWith(root + sep);

/** Serves the files under one directory. */
export class StaticFiles {
  private constructor(private readonly root: string) {}

  /** Resolves the root once (its real path, so symlinks inside can be checked against it). */
  static async open(directory: string): Promise<StaticFiles> {
    const root = await realpath(directory);
    if (!(await stat(root)).isDirectory()) throw new TypeError(`staticDir ${directory} is not a directory`);
    return new StaticFiles(root);
  }

  /**
   * The response for a GET of `urlPath` (no query). `accept` is the request's `Accept` header: when it
   * asks for `text/html` (a browser navigation) and the path names no file and its last segment has
   * no extension, the answer is the root's `index.html`, so that a single-page app's deep links
   * survive a reload. Refused paths stay refused, and a missing `app.js` stays a 404.
   * @throws ArmHttpError 404.
   */
  async serve(urlPath: string, accept?: string): Promise<ArmResponse> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      throw refused(urlPath);
    }
    if (decoded.includes("\0") || decoded.includes("\\")) throw refused(urlPath);
    const segments = decoded.split("/").filter((segment) => segment !== "");
    // Dotfiles and dot segments alike: `.`, `..`, `.env`, `.git`.
    if (segments.some((segment) => segment.startsWith("."))) throw refused(urlPath);
    const file = join(this.root, ...segments);
    if (!within(this.root, file)) throw refused(urlPath);
    const found = await this.read(file, urlPath);
    if (found !== undefined) return found;
    const last = segments.at(-1) ?? "";
    if (accept !== undefined && /\btext\/html\b/i.test(accept) && extname(last) === "") {
      const index = await this.read(join(this.root, "index.html"), urlPath);
      if (index !== undefined) return index;
    }
    throw refused(urlPath);
  }

  /** The file (a directory's index.html) as a response; undefined when there is no such file. @throws ArmHttpError 404 for a symlink out of the root. */
  private async read(path: string, urlPath: string): Promise<ArmResponse | undefined> {
    let file = path;
    try {
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const real = await realpath(file);
      if (!within(this.root, real)) throw refused(urlPath);
      const info = await stat(real);
      if (!info.isFile()) return undefined;
      const content = await readFile(real);
      return {
        status: 200,
        headers: {
          "content-type": contentTypeOf(real),
          "cache-control": "no-cache",
          "x-content-type-options": "nosniff",
          "last-modified": info.mtime.toUTCString(),
        },
        raw: content,
      };
    } catch (error) {
      if (error instanceof ArmHttpError) throw error;
      return undefined;
    }
  }
}
