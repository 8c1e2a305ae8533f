import { createClientLogger } from "@azure/logger";

/**
 * rx-lro's logger, namespace `azure:rx-lro`. Enable it with `AZURE_LOG_LEVEL=info` (Node) or
 * `setLogLevel("info")` from `@azure/logger`. It logs each poll's status and delay, with URLs
 * stripped of their query strings, and never a header value.
 */
export const logger = createClientLogger("rx-lro");
