import { useTranslation } from 'react-i18next';
import { Icon } from './icons';
import type { ParticipantView } from './media/transport';
import { VideoStream } from './MediaElements';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? '')
    .join('');
}

/** One person: camera (or initials), name, role, microphone and camera state, speaking ring. */
export function ParticipantTile({ participant, compact = false }: { participant: ParticipantView; compact?: boolean }) {
  const { t } = useTranslation('calls');
  const name = participant.isSelf ? t('view.you', { name: participant.name }) : participant.name;
  const showVideo = participant.camera && participant.cameraStream;
  return (
    <li
      className={`tile${compact ? ' tile--compact' : ''}${participant.speaking ? ' tile--speaking' : ''}`}
      data-testid="tile"
      data-self={participant.isSelf}
      data-role={participant.role}
      data-camera={participant.camera ? 'on' : 'off'}
      data-microphone={participant.microphone ? 'on' : 'off'}
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
            {initials(participant.name)}
          </div>
        )}
        <figcaption className="tile__caption">
          <span className="tile__name">{name}</span>
          <span className="tile__role" data-testid="role">
            {t(`roles.${participant.role}`)}
          </span>
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
