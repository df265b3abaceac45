// What a source's items amount to as events, for source-level tests: an events item's events,
// and for a resource dump (ResourcesItem: its text, file or bytes) the object events the engine makes of it.
import type { Event } from '../../src/core/event.js';
import { resourceText } from '../../src/engine/file-range.js';
import { parseResources, resourceEvents } from '../../src/parsers/resources.js';
import type { SourceItem } from '../../src/sources/types.js';

export function eventsOf(item: SourceItem): Event[] {
  if (item.type === 'events') return item.events;
  if (item.type !== 'resources') return [];
  const source = item.input.report.source;
  const text = resourceText(item);
  return resourceEvents(parseResources(text, source, item.now !== undefined ? { now: item.now } : {}), source, item.now);
}
