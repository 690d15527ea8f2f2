/**
 * The responses a trigger answered itself (a refusal, a handshake, a duplicate, its own 500): no execution
 * started for them, whatever the node's Respond setting. Weakly held: gone with the response.
 */
const answeredByNode = new WeakSet<object>();

export const markAnsweredByNode = (res: object): void => void answeredByNode.add(res);

export const isAnsweredByNode = (res: object): boolean => answeredByNode.has(res);
