import { useEffect, useState } from 'react';
import { AudioLevels } from './media/audio-levels';

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
  useEffect(() => {
    if (!track) return;
    const levels = new AudioLevels((values) => {
      setLevel(Math.round((values.get('mic') ?? 0) * 20) / 20);
    }, 100);
    levels.watch('mic', new MediaStream([track]));
    return () => {
      levels.dispose();
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
