import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

type CameraState = 'starting' | 'scanning' | 'unavailable';

/** Frames decoded per second at most: enough to feel instant, little enough for a tablet. */
const SCANS_PER_SECOND = 6;

/**
 * The kiosk's camera, looking for a QR code. The decoder (jsQR, pure JavaScript) loads only here,
 * and the camera is released as soon as this leaves the screen: a kiosk must not keep filming.
 * Calls `onCode` once with the first code's text.
 */
export function QrScanner({ onCode }: { onCode: (text: string) => void }) {
  const { t } = useTranslation('kiosk');
  const videoRef = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<CameraState>('starting');
  const onCodeRef = useRef(onCode);
  useEffect(() => {
    onCodeRef.current = onCode;
  });

  useEffect(() => {
    const video = videoRef.current;
    let stream: MediaStream | null = null;
    let timer: number | undefined;
    let stopped = false;
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });

    const start = async () => {
      try {
        const [{ default: jsQR }, media] = await Promise.all([
          import('jsqr'),
          navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user' }, audio: false }),
        ]);
        stream = media;
        // Left the screen while the camera was starting: release it at once.
        if (stopped) {
          for (const track of media.getTracks()) track.stop();
          return;
        }
        if (!video || !context) return;
        video.srcObject = media;
        await video.play().catch(() => undefined);
        setState('scanning');
        const scan = () => {
          if (stopped) return;
          if (video.readyState >= 2 && video.videoWidth > 0) {
            canvas.width = video.videoWidth;
            canvas.height = video.videoHeight;
            context.drawImage(video, 0, 0, canvas.width, canvas.height);
            const image = context.getImageData(0, 0, canvas.width, canvas.height);
            const found = jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' });
            if (found?.data) {
              stopped = true;
              onCodeRef.current(found.data);
              return;
            }
          }
          timer = window.setTimeout(scan, 1000 / SCANS_PER_SECOND);
        };
        scan();
      } catch {
        if (!stopped) setState('unavailable');
      }
    };
    void start();

    return () => {
      stopped = true;
      window.clearTimeout(timer);
      for (const track of stream?.getTracks() ?? []) track.stop();
      if (video) video.srcObject = null;
    };
  }, []);

  return (
    <div className="kiosk-scanner">
      {state === 'unavailable' ? (
        <p className="kiosk-notice" role="alert">
          {t('scan.unavailable')}
        </p>
      ) : (
        <>
          <video ref={videoRef} className="kiosk-scanner__video" muted playsInline aria-hidden="true" />
          <p className="kiosk-notice" role="status">
            {state === 'starting' ? t('scan.starting') : t('scan.hint')}
          </p>
        </>
      )}
    </div>
  );
}
