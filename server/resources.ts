/**
 * The widgets: what a GET of a resource shows, given the operation that last provisioned it.
 *
 * A widget records the properties it was last given and its provisioning operation (the last
 * PUT, PATCH or DELETE; actions do not provision). Its `provisioningState` and whether it still
 * exists are read from that operation at the time of asking: a failed update shows the
 * properties from before it, a succeeded deletion makes the widget disappear.
 * @module
 */
import { phaseAt, provisioningWordAt, type Operation, type WidgetBody } from "./operations.js";

/** A widget's identity, as its path gives it. */
export interface WidgetAddress {
  readonly subscription: string;
  readonly resourceGroup: string;
  readonly name: string;
}

/** One widget. Mutable: the store settles it as operations finish. */
export interface Widget {
  readonly id: string;
  /** The name as first created (ARM names are case-insensitive, their display is not). */
  readonly name: string;
  readonly address: WidgetAddress;
  location: string;
  tags: Readonly<Record<string, string>> | undefined;
  properties: Readonly<Record<string, unknown>>;
  /** The last PUT, PATCH or DELETE. */
  provisioning: Operation | undefined;
  /** The properties to fall back to if `provisioning` fails or is canceled (undefined: it was a creation). */
  previousProperties: Readonly<Record<string, unknown>> | undefined;
}

/** The ARM resource id of a widget. */
export function widgetId(address: WidgetAddress): string {
  return `/subscriptions/${address.subscription}/resourceGroups/${address.resourceGroup}/providers/Microsoft.Demo/widgets/${address.name}`;
}

/** ARM's resource names: 1–63 of letters, digits, `-`, `_`, `.`, starting with a letter or digit. */
export const widgetNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** A region as ARM URLs write it: `West Europe` → `westeurope`. */
export function regionOf(location: string): string {
  return location.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** The widget body with a given `provisioningState`. */
export function widgetBody(widget: Pick<Widget, "id" | "name" | "location" | "tags">, properties: Readonly<Record<string, unknown>>, provisioningState: string): WidgetBody {
  return {
    id: widget.id,
    name: widget.name,
    type: "Microsoft.Demo/widgets",
    location: widget.location,
    ...(widget.tags === undefined ? {} : { tags: widget.tags }),
    properties: { ...properties, provisioningState },
  };
}

/** The widgets, by lower-cased id. */
export class WidgetStore {
  readonly #widgets = new Map<string, Widget>();

  /**
   * The widget at `address` as of `now`, or `undefined` when there is none or its deletion has
   * succeeded. Folds a finished operation into the widget first (a failed update rolls back).
   */
  get(address: WidgetAddress, now: number): Widget | undefined {
    const key = widgetId(address).toLowerCase();
    const widget = this.#widgets.get(key);
    if (widget === undefined) return undefined;
    const operation = widget.provisioning;
    if (operation === undefined) return widget;
    const phase = phaseAt(operation, now);
    if (!phase.terminal) return widget;
    if (operation.kind === "delete" && phase.status === "Succeeded") {
      this.#widgets.delete(key);
      return undefined;
    }
    if (phase.status !== "Succeeded" && widget.previousProperties !== undefined) {
      widget.properties = widget.previousProperties;
    }
    widget.previousProperties = undefined;
    return widget;
  }

  /** Adds a widget, or replaces one whose deletion has succeeded. */
  put(widget: Widget): void {
    this.#widgets.set(widget.id.toLowerCase(), widget);
  }

  /** The widgets of a resource group as of `now`. */
  list(subscription: string, resourceGroup: string, now: number): Widget[] {
    const found: Widget[] = [];
    for (const widget of [...this.#widgets.values()]) {
      const { address } = widget;
      if (address.subscription.toLowerCase() !== subscription.toLowerCase()) continue;
      if (address.resourceGroup.toLowerCase() !== resourceGroup.toLowerCase()) continue;
      const current = this.get(address, now);
      if (current !== undefined) found.push(current);
    }
    return found;
  }

  /** How many widgets exist as of `now`. */
  count(now: number): number {
    let count = 0;
    for (const widget of [...this.#widgets.values()]) if (this.get(widget.address, now) !== undefined) count += 1;
    return count;
  }

  clear(): void {
    this.#widgets.clear();
  }
}

/** The body a GET of `widget` answers at `now`; `widget` must come from `WidgetStore.get` at that time, which settles it. */
export function currentWidgetBody(widget: Widget, now: number): WidgetBody {
  const operation = widget.provisioning;
  return widgetBody(widget, widget.properties, operation === undefined ? "Succeeded" : provisioningWordAt(operation, now));
}

/** Whether a PUT, PATCH or DELETE is still running on `widget` at `now`. */
export function isBusy(widget: Widget, now: number): boolean {
  return widget.provisioning !== undefined && !phaseAt(widget.provisioning, now).terminal;
}
