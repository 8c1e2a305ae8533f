/**
 * The one DOM helper the dashboard needs: create an element with attributes and children.
 * @module
 */

/** Attributes to set; `undefined` leaves one out. `class` and `data-*` are plain attributes. */
export type Attributes = Readonly<Record<string, string | number | boolean | undefined>>;

/** A child: an element, or text. */
export type Child = Node | string;

/**
 * Creates `<tag>` with `attributes` and `children`.
 * @example h("td", { class: "polls" }, "0")
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children);
  return element;
}

/** The element with `id`, which the page must have. @throws Error when it is missing. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`The page has no #${id}`);
  return element as T;
}
