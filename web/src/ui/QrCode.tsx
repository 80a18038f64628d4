import { useMemo } from 'react';
import { encode } from 'uqr';

/**
 * A QR code as SVG squares (no canvas, no HTML injection), drawn dark on light whatever the
 * theme, as scanners expect. The picture is decorative for screen readers: the same link and the
 * secret stand beside it as text.
 */
export function QrCode({ text, size = 200 }: { text: string; size?: number }) {
  const { data, size: modules } = useMemo(() => encode(text, { ecc: 'M', border: 2 }), [text]);
  const path = useMemo(() => {
    let d = '';
    data.forEach((row, y) => {
      row.forEach((dark, x) => {
        if (dark) d += `M${String(x)} ${String(y)}h1v1h-1z`;
      });
    });
    return d;
  }, [data]);
  return (
    <svg
      className="qr-code"
      width={size}
      height={size}
      viewBox={`0 0 ${String(modules)} ${String(modules)}`}
      shapeRendering="crispEdges"
      aria-hidden="true"
      focusable="false"
      data-testid="qr-code"
    >
      <rect width={modules} height={modules} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
