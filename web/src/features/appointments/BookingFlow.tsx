import { CHANNELS, offersChannel, type BookingInfo, type Channel, type Contact, type Slot } from '@amtsraum/shared';
import { useEffect, useRef, useState } from 'react';
import { freeSlotsOn } from './api';
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

/**
 * What a history entry keeps of the flow, so a reload stays at its step: the choice and, from
 * step 3, the slot. Never the person's details, which stay out of any storage.
 */
export interface KeptBooking {
  services: string[];
  persons: number;
  slot?: Slot | undefined;
}

interface BookingFlowProps {
  info: BookingInfo;
  mode: 'citizen' | 'staff';
  /** The level of each step's heading (2 on the booking page, 3 inside the clerk's panel). */
  headingLevel: 2 | 3;
  /** The step asked for (e.g. from the browser history); the flow falls back to the first one not yet done. */
  step: BookingStep;
  /** What the history entry kept (after a reload); null for a fresh start. */
  kept?: KeptBooking | null;
  /** A step to go to, with what its entry keeps; the step shown with `kept` replaces what its entry keeps. */
  onStep: (step: BookingStep, kept?: KeptBooking) => void;
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
  kept = null,
  onStep,
  onSubmit,
  contact,
}: BookingFlowProps) {
  const { t, i18n } = useTranslation('appointments');
  const locale = i18n.resolvedLanguage ?? i18n.language;
  // Kept by the history entry, as long as the office still offers it.
  const restored =
    kept &&
    kept.services.length > 0 &&
    kept.services.every((slug) => info.services.some((service) => service.slug === slug)) &&
    kept.persons >= 1 &&
    kept.persons <= info.maxPersons
      ? kept
      : null;
  const [choice, setChoice] = useState<ServiceChoice>(() =>
    restored
      ? { services: restored.services, persons: restored.persons }
      : {
          services: info.services.length === 1 && info.services[0] ? [info.services[0].slug] : [],
          persons: 1,
        },
  );
  const [slot, setSlot] = useState<Slot | null>(restored?.slot ?? null);
  /** The slot kept through a reload was taken (or passed) meanwhile: step 3 says so. */
  const [slotGone, setSlotGone] = useState(false);
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

  // After a reload at step 3, the slot kept may have been booked by someone else meanwhile.
  const reloadedSlot = useRef(askedStep === 'details' ? (restored?.slot ?? null) : null);
  useEffect(() => {
    const kept = reloadedSlot.current;
    if (!kept) return;
    const controller = new AbortController();
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: info.timeZone }).format(new Date(kept.startsAt));
    freeSlotsOn(info.tenantSlug, info.departmentSlug, { ...choice, from: day, days: 1 }, controller.signal).then(
      (free) => {
        if (!free.some((other) => other.startsAt === kept.startsAt)) setSlotGone(true);
      },
      () => undefined, // unknown: booking it tells, with other slots to choose
    );
    return () => {
      controller.abort();
    };
    // Once, for the slot the page was reloaded with.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

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
            onStep('slot', choice);
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
              setSlotGone(false);
              onStep('details', { ...choice, slot: next });
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
          slotGone={slotGone}
          onPickAlternative={(next) => {
            setSlot(next);
            setSlotGone(false);
            onStep('details', { ...choice, slot: next });
          }}
          {...(contact
            ? { office: { contact, tenantSlug: info.tenantSlug, departmentSlug: info.departmentSlug } }
            : {})}
        />
      )}
    </div>
  );
}
