/**
 * Every item of `items` satisfies `predicate`, and there is at least one: `items.every(...)` holds
 * for an empty list, so a list that came out empty (a renamed resource, a filter matching nothing)
 * would pass unseen. A failure names `what` and the items that do not satisfy it.
 */
export function expectEvery<T>(what: string, items: readonly T[], predicate: (item: T) => boolean): void {
  expect([what, items.length > 0 ? "some" : "none"]).toEqual([what, "some"]);
  expect([what, items.filter((item) => !predicate(item))]).toEqual([what, []]);
}
