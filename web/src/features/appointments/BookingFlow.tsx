import { CHANNELS, offersChannel, type BookingInfo, type Channel, type Contact, type Slot } from '@amtsraum/shared';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLocale } from '../../lib/i18n';
import { formatClock, formatLongDate } from '../../ui/format';
import { isConversationLanguage } from '../../ui/languages';
import { Fact, ServiceNames } from './AppointmentFacts';
import { documentsOf, durationOf } from './booking-rules';
import { birthDateOf, DetailsStep, type Details } from './DetailsStep';
import { ServiceStep, type ServiceChoice } from './ServiceStep';
import { LazySlotPicker, usePreloadedSlotPicker } from './LazySlotPicker';
import { StepHeading } from './StepHeading';

export const BOOKING_STEPS = ['services', 'slot', 'details'] as const;
export type BookingStep = (typeof BOOKING_STEPS)[number];

/** What the flow hands over to be sent: the fields both booking endpoints share. */
export interface BookingDraft {
  services: string[];
  persons: number;
  startsAt: string;
  name: string;
  email?: string;
  phone?: string;
  language: string;
  interpreterLanguage?: string;
  concern?: string;
  channel?: Channel;
  /** On site: `YYYY-MM-DD`. */
  birthDate?: string;
}

interface BookingFlowProps {
  info: BookingInfo;
  mode: 'citizen' | 'staff';
  /** The level of each step's heading (2 on the booking page, 3 inside the clerk's panel). */
  headingLevel: 2 | 3;
  /** The step asked for (e.g. from the browser history); the flow falls back to the first one not yet done. */
  step: BookingStep;
  onStep: (step: BookingStep) => void;
  /** Sends the booking; rejects with the API's error, which the details step shows. */
  onSubmit: (draft: BookingDraft) => Promise<void>;
  /** The office's contact, for a citizen refused at the booking limit. */
  contact?: Contact;
}

function initialDetails(): Details {
  const interfaceLanguage = currentLocale();
  return {
    name: '',
    email: '',
    phone: '',
    language: isConversationLanguage(interfaceLanguage) ? interfaceLanguage : 'de',
    needsInterpreter: false,
    interpreterLanguage: '',
    concern: '',
    consent: false,
    channel: null,
    birthDay: '',
    birthMonth: '',
    birthYear: '',
  };
}

/** The channels every chosen service offers (issue 16): the citizen chooses among them. */
export function channelsOf(services: BookingInfo['services']): Channel[] {
  return CHANNELS.filter((channel) => services.every((service) => offersChannel(service.channels ?? 'video', channel)));
}

/**
 * Service(s) and persons → a free slot → the person's details (issue 6). Every choice is kept
 * when going back; focus moves to each step's heading.
 */
export function BookingFlow({
  info,
  mode,
  headingLevel,
  step: askedStep,
  onStep,
  onSubmit,
  contact,
}: BookingFlowProps) {
  const { t, i18n } = useTranslation('appointments');
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const [choice, setChoice] = useState<ServiceChoice>(() => ({
    services: info.services.length === 1 && info.services[0] ? [info.services[0].slug] : [],
    persons: 1,
  }));
  const [slot, setSlot] = useState<Slot | null>(null);
  const [details, setDetails] = useState<Details>(initialDetails);
  const headingRef = useRef<HTMLHeadingElement>(null);
  usePreloadedSlotPicker();

  // A later step needs the earlier ones: after a reload the history may ask for step 3 alone.
  const step: BookingStep =
    askedStep !== 'services' && choice.services.length === 0
      ? 'services'
      : askedStep === 'details' && !slot
        ? 'slot'
        : askedStep;
  const index = BOOKING_STEPS.indexOf(step);

  const shown = useRef(step);
  useEffect(() => {
    if (shown.current === step) return;
    shown.current = step;
    headingRef.current?.focus();
  }, [step]);

  const chosenServices = info.services.filter((service) => choice.services.includes(service.slug));
  const minutes = durationOf(chosenServices, choice.persons);
  const channels = channelsOf(chosenServices);
  const channel =
    details.channel && channels.includes(details.channel)
      ? details.channel
      : channels.length === 1
        ? channels[0]
        : undefined;
  const titles: Record<BookingStep, string> = {
    services: t('steps.services'),
    slot: t('steps.slot'),
    details: t('steps.details'),
  };

  const summary = slot && (
    <dl className="facts">
      <Fact term={t('summary.when')} testId="summary-when">
        {t('summary.whenValue', {
          date: formatLongDate(new Date(slot.startsAt), locale, info.timeZone),
          time: formatClock(new Date(slot.startsAt), locale, info.timeZone),
        })}
      </Fact>
      <Fact term={t('summary.duration')}>{t('summary.minutes', { count: minutes })}</Fact>
      <Fact term={t('summary.services')}>
        <ServiceNames services={chosenServices} />
      </Fact>
      <Fact term={t('summary.persons')}>{choice.persons}</Fact>
    </dl>
  );

  const submit = () => {
    if (!slot) return Promise.resolve();
    const email = details.email.trim();
    const phone = details.phone.trim();
    const concern = details.concern.trim();
    return onSubmit({
      services: choice.services,
      persons: choice.persons,
      startsAt: slot.startsAt,
      name: details.name.trim(),
      ...(email ? { email } : {}),
      ...(phone ? { phone } : {}),
      language: details.language,
      ...(details.needsInterpreter && details.interpreterLanguage
        ? { interpreterLanguage: details.interpreterLanguage }
        : {}),
      ...(concern ? { concern } : {}),
      ...(channel ? { channel } : {}),
      ...(channel === 'onsite' && birthDateOf(details) ? { birthDate: birthDateOf(details)! } : {}),
    });
  };

  return (
    <div className="booking-flow" data-step={step}>
      <StepHeading
        ref={headingRef}
        level={headingLevel}
        step={index + 1}
        total={BOOKING_STEPS.length}
        title={titles[step]}
      />

      {step === 'services' && (
        <ServiceStep
          services={info.services}
          maxPersons={info.maxPersons}
          value={choice}
          onChange={(next) => {
            setChoice(next);
            setSlot(null); // another duration: the slot may no longer fit
          }}
          onNext={() => {
            onStep('slot');
          }}
        />
      )}

      {step === 'slot' && (
        <>
          <p>{t('slots.intro', { count: minutes })}</p>
          <LazySlotPicker
            tenantSlug={info.tenantSlug}
            departmentSlug={info.departmentSlug}
            timeZone={info.timeZone}
            services={choice.services}
            persons={choice.persons}
            chosen={slot?.startsAt ?? null}
            headingLevel={headingLevel === 2 ? 3 : 4}
            onChoose={(next) => {
              setSlot(next);
              onStep('details');
            }}
          />
          <div className="button-row booking-flow__back">
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                onStep('services');
              }}
            >
              {t('steps.back')}
            </button>
          </div>
        </>
      )}

      {step === 'details' && (
        <DetailsStep
          mode={mode}
          value={details}
          onChange={setDetails}
          timeZone={info.timeZone}
          channels={channels}
          channel={channel ?? null}
          onsiteLocation={info.onsiteLocation ?? null}
          summary={summary}
          documents={documentsOf(chosenServices)}
          onBack={() => {
            onStep('slot');
          }}
          onSubmit={submit}
          onPickAlternative={setSlot}
          {...(contact
            ? { office: { contact, tenantSlug: info.tenantSlug, departmentSlug: info.departmentSlug } }
            : {})}
        />
      )}
    </div>
  );
}
