import { useEffect, useState } from 'preact/hooks';
import { isTerminal, type OperationStatus } from '../../client/types.ts';
import { message } from './format.ts';

/**
 * Reads `load` now and again every 2 s while any operation it returns has not ended; stops when the page goes away
 * or `deps` change. The value and the last error are what the page renders.
 */
export function usePollWhileRunning<T>(load: () => Promise<T>, operationsOf: (value: T) => readonly { status: OperationStatus }[], deps: readonly unknown[]) {
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const next = await load();
        if (stopped) return;
        setValue(next);
        setError(undefined);
        if (operationsOf(next).some((op) => !isTerminal(op.status))) timer = setTimeout(() => void read(), 2_000);
      } catch (e) {
        if (!stopped) setError(message(e));
      }
    };
    void read();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, deps);
  return { value, error };
}
