import { describe, expect, it } from 'vitest';
import { officeContactWay } from './booking-rules';

describe('officeContactWay (the booking limit refusal)', () => {
  it('offers the phone as a tel: link, with the e-mail beside it', () => {
    expect(officeContactWay({ phone: '+49 1234 000-0', email: 'termine@testhausen.example' })).toEqual({
      kind: 'phone',
      phone: '+49 1234 000-0',
      tel: 'tel:+4912340000',
      email: 'termine@testhausen.example',
    });
    expect(officeContactWay({ phone: '(030) 90 12-3' })).toEqual({
      kind: 'phone',
      phone: '(030) 90 12-3',
      tel: 'tel:03090123',
      email: null,
    });
  });

  it('offers the e-mail when there is no phone, and promises nothing when there is neither', () => {
    expect(officeContactWay({ email: 'amt@example.org' })).toEqual({ kind: 'email', email: 'amt@example.org' });
    expect(officeContactWay({ phone: '  ', email: 'amt@example.org' })).toEqual({
      kind: 'email',
      email: 'amt@example.org',
    });
    expect(officeContactWay({})).toEqual({ kind: 'none' });
    // A "phone" without a digit is no number to dial.
    expect(officeContactWay({ phone: 'siehe Aushang' })).toEqual({ kind: 'none' });
  });
});
