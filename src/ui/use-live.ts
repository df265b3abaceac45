// Hooks that own subscriptions: the live session's snapshots and the terminal's size.
import { useEffect, useState } from 'react';
import { useStdout } from 'ink';
import type { LiveSession, LiveSnapshot } from '../engine/live.js';

/** The latest snapshot of `session`, re-rendering at the session's (throttled) pace. */
export function useLiveSnapshot(session: LiveSession): LiveSnapshot {
  const [snap, setSnap] = useState<LiveSnapshot>(() => session.snapshot());
  useEffect(() => session.subscribe(setSnap), [session]);
  return snap;
}

/** Columns and lines of the output terminal, updated on resize. */
export function useTerminalSize(): { columns: number; lines: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 100, lines: stdout.rows || 30 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const on = () => setSize(read());
    stdout.on('resize', on);
    return () => {
      stdout.off('resize', on);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stdout]);
  return size;
}
