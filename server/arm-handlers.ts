/**
 * The ARM API: what each route does, as functions from a parsed request to a response given as
 * data. They validate their input (throwing `ArmHttpError`), start operations and read where
 * they stand; they never touch sockets, so hooks can stand between them and the wire.
 * @module
 */
import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { ArmHttpError, invalidRequestContent } from "./arm-errors.js";
import type { ArmResponse } from "./hooks.js";
import { readKnobs } from "./knobs.js";
import {
  locationAnswer,
  operationUrls,
  phaseAt,
  retryHeaders,
  statusBody,
  type MigrationResult,
  type Operation,
  type OperationStore,
} from "./operations.js";
import type { OperationKind, ResolvedOptions } from "./options.js";
import {
  currentWidgetBody,
  isBusy,
  regionOf,
  widgetBody,
  widgetId,
  widgetNamePattern,
  type Widget,
  type WidgetAddress,
  type WidgetStore,
} from "./resources.js";
import type { Route } from "./router.js";

/** What the handlers work with. */
export interface ArmContext {
  readonly options: ResolvedOptions;
  readonly operations: OperationStore;
  readonly widgets: WidgetStore;
  /** `http://127.0.0.1:PORT` (or `https://`), for the absolute URLs of LRO headers. */
  readonly baseUrl: string;
}

/** A parsed ARM request. */
export interface ArmRequest {
  readonly method: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body, `undefined` when there was none. */
  readonly body: unknown;
  /** The server's clock at arrival. */
  readonly now: number;
}

/** A handler's answer, and what the record needs to know about it. */
export interface HandlerResult {
  readonly response: ArmResponse;
  /** The operation the request started, polled, or (resource GET) found provisioning the widget. */
  readonly operation?: Operation;
  /** Whether the response tells the client the operation has ended. */
  readonly servedTerminal?: boolean;
}

type JsonRecord = Record<string, unknown>;

const isRecord = (value: unknown): value is JsonRecord => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The api-version check every ARM route makes first.
 * @returns the api-version. @throws ArmHttpError 400.
 */
export function checkApiVersion(query: URLSearchParams, options: ResolvedOptions): string {
  const version = query.get("api-version");
  if (version === null || version === "") {
    throw new ArmHttpError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
  }
  if (!options.apiVersions.has(version)) {
    throw new ArmHttpError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${version}' is invalid. The supported versions are '${[...options.apiVersions].join("', '")}'.`,
    );
  }
  return version;
}

/** Runs the handler of an ARM route, whose api-version {@link checkApiVersion} has accepted. */
export function handleArm(
  context: ArmContext,
  route: Extract<Route, { subscription: string }>,
  request: ArmRequest,
  apiVersion: string,
): HandlerResult {
  switch (route.name) {
    case "widgetList":
      return listWidgets(context, route, request);
    case "widget": {
      const address = { subscription: route.subscription, resourceGroup: route.resourceGroup, name: route.widget };
      switch (request.method) {
        case "PUT":
          return putWidget(context, address, request, apiVersion);
        case "PATCH":
          return patchWidget(context, address, request, apiVersion);
        case "DELETE":
          return deleteWidget(context, address, request, apiVersion);
        default:
          return getWidget(context, address, request);
      }
    }
    case "widgetAction": {
      const address = { subscription: route.subscription, resourceGroup: route.resourceGroup, name: route.widget };
      return widgetAction(context, address, route.action, request, apiVersion);
    }
    case "operationStatus":
      return operationStatus(context, route, request);
    case "operationResult":
      return operationResult(context, route, request);
  }
}

function resourceNotFound(address: WidgetAddress): ArmHttpError {
  return new ArmHttpError(
    404,
    "ResourceNotFound",
    `The Resource 'Microsoft.Demo/widgets/${address.name}' under resource group '${address.resourceGroup}' was not found.`,
  );
}

function existingWidget(context: ArmContext, address: WidgetAddress, now: number): Widget {
  const widget = context.widgets.get(address, now);
  if (widget === undefined) throw resourceNotFound(address);
  return widget;
}

function refuseIfBusy(context: ArmContext, widget: Widget | undefined, now: number): void {
  if (context.options.conflictOnBusy && widget !== undefined && isBusy(widget, now)) {
    throw new ArmHttpError(
      409,
      "AnotherOperationInProgress",
      `Another operation on widget '${widget.name}' is in progress (operation ${widget.provisioning?.id}). Retry when it has finished.`,
    );
  }
}

function checkName(address: WidgetAddress): void {
  if (!widgetNamePattern.test(address.name)) {
    throw new ArmHttpError(
      400,
      "InvalidResourceName",
      `The resource name '${address.name}' is invalid: 1 to 63 letters, digits, '-', '_' or '.', starting with a letter or digit.`,
    );
  }
}

/** Properties as given, without the read-only `provisioningState` a client may echo back. */
function clientProperties(value: unknown, what: string): JsonRecord {
  if (value === undefined) return {};
  if (!isRecord(value)) throw invalidRequestContent(`'${what}' must be a JSON object.`);
  const { provisioningState: _ignored, ...rest } = value;
  return rest;
}

function clientTags(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value) || !Object.values(value).every((tag) => typeof tag === "string")) {
    throw invalidRequestContent("'tags' must be an object of strings.");
  }
  return value as Record<string, string>;
}

/** Starts an operation and returns its initial response: 201 with the body for PUT, else 202 without. */
function startOperation(
  context: ArmContext,
  request: ArmRequest,
  init: {
    kind: OperationKind;
    address: WidgetAddress;
    widget: Pick<Widget, "name" | "location">;
    apiVersion: string;
    resource?: Operation["resource"];
    migration?: MigrationResult;
  },
): Operation {
  const settings = readKnobs(init.kind, request.query, request.headers, context.options);
  const operation: Operation = {
    id: randomUUID(),
    kind: init.kind,
    method: request.method,
    subscription: init.address.subscription,
    resourceGroup: init.address.resourceGroup,
    resourceName: init.widget.name,
    resourceId: widgetId({ ...init.address, name: init.widget.name }),
    region: regionOf(init.widget.location),
    apiVersion: init.apiVersion,
    startTime: request.now,
    settings,
    ...(init.resource === undefined ? {} : { resource: init.resource }),
    ...(init.migration === undefined ? {} : { migration: init.migration }),
    counters: {
      statusPolls: 0,
      locationPolls: 0,
      resourceGets: 0,
      firstPollAt: undefined,
      lastPollAt: undefined,
      lastRequestAt: request.now,
      terminalServedAt: undefined,
      pollTimes: [],
      requests: undefined,
    },
  };
  context.operations.add(operation);
  return operation;
}

/** The LRO headers of an initial response, as the operation's header model says. */
function lroHeaders(context: ArmContext, operation: Operation): Record<string, string> {
  const urls = operationUrls(context.baseUrl, operation);
  const model = operation.settings.lroHeaders;
  const resource = `${context.baseUrl}${operation.resourceId}?api-version=${encodeURIComponent(operation.apiVersion)}`;
  return {
    ...(model === "azure-async-operation" || model === "both" ? { "azure-asyncoperation": urls.status } : {}),
    ...(model === "location" || model === "both" ? { location: urls.result } : {}),
    ...(model === "resource-location" ? { location: resource } : {}),
    ...retryHeaders(operation.settings),
    "x-demo-operation-id": operation.id,
  };
}

function putWidget(context: ArmContext, address: WidgetAddress, request: ArmRequest, apiVersion: string): HandlerResult {
  checkName(address);
  const { body, now } = request;
  if (!isRecord(body)) throw invalidRequestContent("a PUT needs a JSON object body, e.g. { \"location\": \"westeurope\", \"properties\": {} }.");
  if (body.location !== undefined && (typeof body.location !== "string" || body.location.trim() === "")) {
    throw invalidRequestContent("'location' must be a non-empty string.");
  }
  const properties = clientProperties(body.properties, "properties");
  const tags = clientTags(body.tags);
  const existing = context.widgets.get(address, now);
  refuseIfBusy(context, existing, now);
  const location = (body.location as string | undefined) ?? existing?.location ?? context.options.defaultLocation;
  if (existing !== undefined && regionOf(location) !== regionOf(existing.location)) {
    throw new ArmHttpError(
      409,
      "InvalidResourceLocation",
      `The resource '${existing.name}' already exists in location '${existing.location}'. A resource with the same name cannot be created in location '${location}'.`,
    );
  }
  const shape = { id: existing?.id ?? widgetId(address), name: existing?.name ?? address.name, location, tags };
  const operation = startOperation(context, request, {
    kind: existing === undefined ? "create" : "replace",
    address,
    widget: shape,
    apiVersion,
    resource: widgetBody(shape, properties, "Succeeded"),
  });
  if (existing === undefined) {
    context.widgets.put({ ...shape, address, properties, provisioning: operation, previousProperties: undefined });
  } else {
    existing.previousProperties = existing.properties;
    existing.properties = properties;
    existing.tags = tags;
    existing.provisioning = operation;
  }
  return {
    response: { status: 201, headers: lroHeaders(context, operation), body: widgetBody(shape, properties, "Accepted") },
    operation,
  };
}

/** JSON merge patch (RFC 7396) of `properties`: `null` removes a key. */
function mergeProperties(base: Readonly<JsonRecord>, patch: JsonRecord): JsonRecord {
  const merged: JsonRecord = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

function patchWidget(context: ArmContext, address: WidgetAddress, request: ArmRequest, apiVersion: string): HandlerResult {
  const { now } = request;
  const body = request.body ?? {};
  if (!isRecord(body)) throw invalidRequestContent("a PATCH body must be a JSON object.");
  const patch = clientProperties(body.properties, "properties");
  const tags = body.tags === undefined ? undefined : clientTags(body.tags);
  const widget = existingWidget(context, address, now);
  refuseIfBusy(context, widget, now);
  const properties = mergeProperties(widget.properties, patch);
  const newTags = body.tags === undefined ? widget.tags : tags;
  const operation = startOperation(context, request, {
    kind: "update",
    address,
    widget,
    apiVersion,
    resource: widgetBody({ ...widget, tags: newTags }, properties, "Succeeded"),
  });
  widget.previousProperties = widget.properties;
  widget.properties = properties;
  widget.tags = newTags;
  widget.provisioning = operation;
  return { response: { status: 202, headers: lroHeaders(context, operation) }, operation };
}

function deleteWidget(context: ArmContext, address: WidgetAddress, request: ArmRequest, apiVersion: string): HandlerResult {
  const { now } = request;
  const widget = context.widgets.get(address, now);
  // ARM: deleting what does not exist succeeds at once.
  if (widget === undefined) return { response: { status: 204 } };
  refuseIfBusy(context, widget, now);
  const operation = startOperation(context, request, { kind: "delete", address, widget, apiVersion });
  widget.previousProperties = undefined;
  widget.provisioning = operation;
  return { response: { status: 202, headers: lroHeaders(context, operation) }, operation };
}

function widgetAction(
  context: ArmContext,
  address: WidgetAddress,
  action: "restart" | "migrate",
  request: ArmRequest,
  apiVersion: string,
): HandlerResult {
  const { body, now } = request;
  if (body !== undefined && !isRecord(body)) throw invalidRequestContent(`a ${action} body must be a JSON object.`);
  const widget = existingWidget(context, address, now);
  let migration: MigrationResult | undefined;
  if (action === "migrate") {
    const { targetLocation, items } = body ?? {};
    if (targetLocation !== undefined && (typeof targetLocation !== "string" || targetLocation.trim() === "")) {
      throw invalidRequestContent("'targetLocation' must be a non-empty string.");
    }
    if (items !== undefined && !(typeof items === "number" && Number.isInteger(items) && items >= 0)) {
      throw invalidRequestContent("'items' must be a non-negative integer.");
    }
    migration = {
      migrationId: randomUUID(),
      widget: widget.name,
      sourceLocation: widget.location,
      targetLocation: (targetLocation as string | undefined) ?? widget.location,
      movedItems: (items as number | undefined) ?? 42,
    };
  }
  const operation = startOperation(context, request, {
    kind: action,
    address,
    widget,
    apiVersion,
    ...(migration === undefined ? {} : { migration }),
  });
  return { response: { status: 202, headers: lroHeaders(context, operation) }, operation };
}

function getWidget(context: ArmContext, address: WidgetAddress, request: ArmRequest): HandlerResult {
  const widget = existingWidget(context, address, request.now);
  return {
    response: { status: 200, body: currentWidgetBody(widget, request.now) },
    ...(widget.provisioning === undefined ? {} : { operation: widget.provisioning }),
  };
}

function listWidgets(context: ArmContext, route: Extract<Route, { name: "widgetList" }>, request: ArmRequest): HandlerResult {
  const value = context.widgets.list(route.subscription, route.resourceGroup, request.now).map((widget) => currentWidgetBody(widget, request.now));
  return { response: { status: 200, body: { value } } };
}

/** The operation a status or result URL names; 404 when unknown or the URL's subscription or region is not its own. */
function polledOperation(context: ArmContext, route: { subscription: string; region: string; operationId: string }): Operation {
  const operation = context.operations.get(route.operationId);
  if (
    operation === undefined ||
    operation.subscription.toLowerCase() !== route.subscription.toLowerCase() ||
    operation.region !== route.region.toLowerCase()
  ) {
    throw new ArmHttpError(404, "OperationNotFound", `The operation '${route.operationId}' was not found.`);
  }
  return operation;
}

function operationStatus(context: ArmContext, route: Extract<Route, { name: "operationStatus" }>, request: ArmRequest): HandlerResult {
  const operation = polledOperation(context, route);
  const body = statusBody(operation, request.now, context.options.progressWords);
  const terminal = phaseAt(operation, request.now).terminal;
  return {
    response: { status: 200, headers: terminal ? {} : retryHeaders(operation.settings), body },
    operation,
    servedTerminal: terminal,
  };
}

function operationResult(context: ArmContext, route: Extract<Route, { name: "operationResult" }>, request: ArmRequest): HandlerResult {
  const operation = polledOperation(context, route);
  const answer = locationAnswer(operation, request.now);
  if (!answer.terminal) {
    const headers = { location: operationUrls(context.baseUrl, operation).result, ...retryHeaders(operation.settings) };
    return { response: { status: 202, headers }, operation, servedTerminal: false };
  }
  return {
    response: answer.status === 204 ? { status: 204 } : { status: 200, body: answer.body },
    operation,
    servedTerminal: true,
  };
}
