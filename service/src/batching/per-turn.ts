/**
 * Collects the lookups asked for in one event-loop turn and answers them all with one call to `run`, made after
 * every one of them arrived (setImmediate runs after the turn's I/O), so no lookup sees a state older than its own
 * request. Lookups of the same key share one answer. When `run` throws, every lookup of the batch rejects.
 */
export function perTurnBatch<V>(run: (keys: string[]) => Promise<(key: string) => V>): (key: string) => Promise<V> {
  let waiting = new Map<string, { resolve: (value: V) => void; reject: (error: unknown) => void }[]>();
  let scheduled = false;

  async function answer(): Promise<void> {
    const batch = waiting;
    waiting = new Map();
    scheduled = false;
    try {
      const valueOf = await run([...batch.keys()]);
      for (const [key, callbacks] of batch) for (const { resolve } of callbacks) resolve(valueOf(key));
    } catch (error) {
      for (const callbacks of batch.values()) for (const { reject } of callbacks) reject(error);
    }
  }

  return (key) =>
    new Promise((resolve, reject) => {
      const callbacks = waiting.get(key);
      if (callbacks) callbacks.push({ resolve, reject });
      else waiting.set(key, [{ resolve, reject }]);
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => void answer());
      }
    });
}
