import { useTranslation } from 'react-i18next';
import { Icon } from './icons';
import type { ParticipantView } from './media/transport';
import { VideoStream } from './MediaElements';
import { participantName } from './participant-name';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? '')
    .join('');
}

/**
 * Where a tile stands: `main` (the people one talks to, big), `strip` (guests, and everyone's
 * camera during a screen share), `self` (one's own picture, smallest).
 */
export type TileSize = 'main' | 'strip' | 'self';

/** One person: camera (or initials), name, role, microphone and camera state, speaking ring. */
export function ParticipantTile({ participant, size }: { participant: ParticipantView; size: TileSize }) {
  const { t } = useTranslation('calls');
  const shown = participantName(t, participant);
  const name = participant.isSelf ? t('view.you', { name: shown.name }) : shown.name;
  const showVideo = participant.camera && participant.cameraStream;
  return (
    <li
      className={`tile tile--${size}${participant.speaking ? ' tile--speaking' : ''}`}
      data-testid="tile"
      data-self={participant.isSelf}
      data-role={participant.role}
      data-camera={participant.camera ? 'on' : 'off'}
      data-microphone={participant.microphone ? 'on' : 'off'}
      data-size={size}
    >
      <figure className="tile__figure">
        {showVideo ? (
          <VideoStream
            stream={participant.cameraStream}
            mirrored={participant.isSelf}
            className="call-video tile__video"
            testId="camera-video"
          />
        ) : (
          <div className="tile__avatar" aria-hidden="true">
            {initials(shown.name)}
          </div>
        )}
        <figcaption className="tile__caption">
          <span className="tile__name" data-testid="tile-name">
            {name}
          </span>
          {shown.role && (
            <span className="tile__role" data-testid="role">
              {t(`roles.${participant.role}`)}
            </span>
          )}
          {participant.speaking && <span className="tile__speaking">{t('view.speaking')}</span>}
          <span className="tile__states">
            {!participant.microphone && (
              <span className="tile__state" data-testid="microphone-off">
                <Icon name="microphoneOff" />
                <span className="visually-hidden">{t('view.microphoneOff')}</span>
              </span>
            )}
            {!participant.camera && (
              <span className="tile__state" data-testid="camera-off">
                <Icon name="cameraOff" />
                <span className="visually-hidden">{t('view.cameraOff')}</span>
              </span>
            )}
          </span>
        </figcaption>
      </figure>
    </li>
  );
}
