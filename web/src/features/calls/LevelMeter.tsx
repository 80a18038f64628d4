import { useEffect, useRef, useState } from 'react';
import { AudioLevels } from './media/audio-levels';

const INTERVAL_MS = 100;
/** How fast the bar falls back after a sound (of the full scale per second), so a word stays visible. */
const FALL_PER_SECOND = 1;

/** A live loudness bar for a microphone track (native <meter>, labelled by the caller). */
export function LevelMeter({
  track,
  id,
  describedBy,
}: {
  track: MediaStreamTrack | null;
  id: string;
  describedBy?: string;
}) {
  const [level, setLevel] = useState(0);
  // One AudioContext for as long as the meter is shown, kept across a change of microphone: a new
  // one per change would be created outside the click that allowed sound, and start suspended.
  const levels = useRef<AudioLevels | null>(null);
  useEffect(
    () => () => {
      levels.current?.dispose();
      levels.current = null;
    },
    [],
  );
  useEffect(() => {
    if (!track) return;
    levels.current ??= new AudioLevels((values) => {
      const now = Math.round((values.get('mic') ?? 0) * 20) / 20;
      setLevel((shown) => Math.max(now, Math.round((shown - (FALL_PER_SECOND * INTERVAL_MS) / 1000) * 20) / 20, 0));
    }, INTERVAL_MS);
    levels.current.watch('mic', new MediaStream([track]));
    return () => {
      levels.current?.unwatch('mic');
      setLevel(0);
    };
  }, [track]);
  return (
    <meter
      id={id}
      className="level-meter"
      min={0}
      max={1}
      low={0.05}
      high={0.9}
      optimum={0.5}
      value={track ? level : 0}
      aria-describedby={describedBy}
      data-testid="level-meter"
    />
  );
}
