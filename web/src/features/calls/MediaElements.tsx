import { useEffect, useRef } from 'react';

interface VideoStreamProps {
  stream: MediaStream | null;
  /** Own camera: shown mirrored, as people expect from a mirror. */
  mirrored?: boolean;
  className?: string;
  testId?: string;
  label?: string;
}

/** A muted, inline video of a stream (sound plays through `AudioStream`). */
export function VideoStream({ stream, mirrored = false, className, testId, label }: VideoStreamProps) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video || video.srcObject === stream) return;
    video.srcObject = stream;
    if (stream) video.play().catch(() => {}); // muted video may always autoplay; a rejection is a reload race
  }, [stream]);
  return (
    <video
      ref={ref}
      className={[className, mirrored ? 'call-video--mirrored' : ''].filter(Boolean).join(' ')}
      autoPlay
      playsInline
      muted
      data-testid={testId}
      aria-label={label}
    />
  );
}

/** Plays a remote participant's sound; reports when the browser blocks autoplay. */
export function AudioStream({ stream, onBlocked }: { stream: MediaStream; onBlocked: () => void }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const audio = ref.current;
    if (!audio) return;
    audio.srcObject = stream;
    audio.play().catch((error: unknown) => {
      if (error instanceof DOMException && error.name === 'NotAllowedError') onBlocked();
    });
  }, [stream, onBlocked]);
  return <audio ref={ref} autoPlay className="call-audio visually-hidden" />;
}
