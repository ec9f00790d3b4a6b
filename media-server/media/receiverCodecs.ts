/**
 * Above this index V8 keeps an object's integer-keyed properties in a hash table for good (its
 * "requires slow elements" mark), never again as an array of slots up to the largest index.
 */
const SLOW_INDEX = 2 ** 30;

/**
 * werift's receiver keeps its codecs in a plain object by payload type (`codecs[111] = opus`),
 * which V8 stores as an array of slots from 0 to the largest type: 1.3 KB per receiver for two
 * codecs (171 KB in a room of 8; bench/RESULTS.md, issue 15, session 14). The same entries (the
 * same codec objects) go into an object whose keys sit in a hash table of their size. Called
 * once the connection is up: negotiation filled the table by then, and werift adds to whatever
 * object is there should it fill it again.
 */
export function sparseCodecs(weriftReceiver: object): void {
  // werift declares the field private.
  const receiver = weriftReceiver as { codecs: Record<number, unknown> };
  const table: Record<number, unknown> = {};
  table[SLOW_INDEX] = undefined;
  delete table[SLOW_INDEX];
  for (const [pt, codec] of Object.entries(receiver.codecs)) table[Number(pt)] = codec;
  receiver.codecs = table;
}
